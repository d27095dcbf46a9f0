package io.github.actas.keycloak.audit.delivery;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.github.actas.keycloak.ActAsVersion;
import io.github.actas.keycloak.audit.ActAsAuditProvider;
import io.github.actas.keycloak.audit.ActAsMeters;
import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.connections.httpclient.HttpClientProvider;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmProvider;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.models.utils.PostMigrationEvent;
import org.keycloak.provider.Provider;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.provider.ProviderFactory;
import org.keycloak.provider.ServerInfoAwareProviderFactory;

/**
 * Creates the emitter and runs this node's delivery worker. Options
 * ({@code --spi-act-as-audit--act-as-audit--<option>}): poll interval, batch size, lease, retry
 * back-off, concurrent webhook requests, and how long delivered records are kept.
 */
public final class ActAsAuditProviderFactory implements ProviderFactory<ActAsAuditProvider>, ServerInfoAwareProviderFactory {

    public static final String PROVIDER_ID = "act-as-audit";
    private static final Logger LOG = Logger.getLogger(ActAsAuditProviderFactory.class);

    static final String POLL_INTERVAL_MILLIS = "poll-interval-millis";
    static final String BATCH_SIZE = "batch-size";
    static final String LEASE_SECONDS = "lease-seconds";
    static final String RETRY_BASE_MILLIS = "retry-base-millis";
    static final String RETRY_MAX_MILLIS = "retry-max-millis";
    static final String MAX_IN_FLIGHT = "max-in-flight";
    static final String RECORD_RETENTION_DAYS = "record-retention-days";
    static final String WEBHOOK_PRIVATE_NETWORKS = "webhook-private-networks";
    /** Keycloak's {@code --metrics-enabled}. */
    private static final String METRICS_ENABLED = "metrics-enabled";
    /** How stale the sessions and outbox gauges may be (two grouped queries each time). */
    private static final long GAUGE_REFRESH_SECONDS = 5;

    private AuditSettings settings = AuditSettings.DEFAULTS;
    private String privateNetworks = "";
    private Destinations destinations = Destinations.PUBLIC_ONLY;
    private DeliveryWorker delivery;
    private ActAsMeters meters = ActAsMeters.create(false);
    private ScheduledExecutorService gauges;
    private Retention retention;

    @Override
    public ActAsAuditProvider create(KeycloakSession session) {
        return new ActAsAuditProvider(session, delivery, meters);
    }

    @Override
    public void init(Config.Scope config) {
        AuditSettings d = AuditSettings.DEFAULTS;
        settings = new AuditSettings(
                Math.max(50, config.getLong(POLL_INTERVAL_MILLIS, d.pollIntervalMillis())),
                batchSize(config.getInt(BATCH_SIZE, d.batchSize())),
                Math.max(5, config.getInt(LEASE_SECONDS, (int) (d.leaseMillis() / 1000))) * 1000L,
                Math.max(10, config.getLong(RETRY_BASE_MILLIS, d.retryBaseMillis())),
                Math.max(100, config.getLong(RETRY_MAX_MILLIS, d.retryMaxMillis())),
                Math.max(1, config.getInt(MAX_IN_FLIGHT, d.maxInFlight())),
                Math.max(0, config.getInt(RECORD_RETENTION_DAYS, d.recordRetentionDays())));
        privateNetworks = config.get(WEBHOOK_PRIVATE_NETWORKS, "");
        destinations = Destinations.allowing(privateNetworks); // a malformed entry stops the server, naming it
        // Keycloak's own option (build time): its meters and ours are on /metrics together or not at all.
        meters = ActAsMeters.create(config.root().getBoolean(METRICS_ENABLED, false));
    }

    /** This node's delivery worker (null before Keycloak has started this factory). */
    DeliveryWorker worker() {
        return delivery;
    }

    /** This node's audit record retention (null before Keycloak has started this factory). */
    public Retention retention() {
        return retention;
    }

    /** Where webhook sinks may send (sinks are checked when written and before every request). */
    public Destinations destinations() {
        return destinations;
    }

    private static int batchSize(int configured) {
        if (configured > AuditSettings.MAX_BATCH_SIZE) {
            LOG.warnf("%s %d is above its maximum; using %d", BATCH_SIZE, configured, AuditSettings.MAX_BATCH_SIZE);
            return AuditSettings.MAX_BATCH_SIZE;
        }
        return Math.max(1, configured);
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        DeliveryWorker created = new DeliveryWorker(factory, settings, destinations, meters);
        delivery = created;
        Retention purge = new Retention(factory, settings.recordRetentionDays());
        retention = purge;
        // Records may be written (and queued) from now on; sending starts once the database is migrated.
        factory.register(event -> {
            if (event instanceof PostMigrationEvent) {
                created.start();
                purge.start();
                startGauges(factory);
            }
        });
    }

    /**
     * Closed before these (Keycloak closes a factory before those it depends on): a clean shutdown still
     * has the database, the realm cache and the HTTP client to finish or hand over what is in flight.
     */
    @Override
    public Set<Class<? extends Provider>> dependsOn() {
        return Set.of(JpaConnectionProvider.class, RealmProvider.class, HttpClientProvider.class);
    }

    private void startGauges(KeycloakSessionFactory factory) {
        if (!meters.enabled()) {
            return;
        }
        gauges = Executors.newSingleThreadScheduledExecutor(r -> DeliveryWorker.daemon(r, "act-as-metrics"));
        gauges.scheduleWithFixedDelay(() -> {
            try {
                KeycloakModelUtils.runJobInTransaction(factory, meters::refresh);
            } catch (RuntimeException e) {
                LOG.debugf("Act-As gauges not refreshed, will retry: %s", e.toString());
            }
        }, 0, GAUGE_REFRESH_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        if (gauges != null) {
            gauges.shutdownNow();
        }
        if (retention != null) {
            retention.stop();
        }
        if (delivery != null) {
            delivery.stop();
        }
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        AuditSettings d = AuditSettings.DEFAULTS;
        return ProviderConfigurationBuilder.create()
                .property().name(POLL_INTERVAL_MILLIS).type("long").defaultValue(d.pollIntervalMillis())
                .helpText("How often this node looks for records due for a retry (and refreshes its checkpoint); records it writes are sent within about half a second.").add()
                .property().name(BATCH_SIZE).type("int").defaultValue(d.batchSize())
                .helpText("Records a node sends or claims at a time (1-" + AuditSettings.MAX_BATCH_SIZE + ").").add()
                .property().name(LEASE_SECONDS).type("int").defaultValue(d.leaseMillis() / 1000)
                .helpText("How long a node may be silent before another delivers the records it wrote; how long a claimed batch of retries is reserved.").add()
                .property().name(RETRY_BASE_MILLIS).type("long").defaultValue(d.retryBaseMillis())
                .helpText("First retry delay; doubles with each failed attempt, with +-20% jitter.").add()
                .property().name(RETRY_MAX_MILLIS).type("long").defaultValue(d.retryMaxMillis())
                .helpText("Longest retry delay.").add()
                .property().name(MAX_IN_FLIGHT).type("int").defaultValue(d.maxInFlight())
                .helpText("Concurrent webhook requests per node.").add()
                .property().name(RECORD_RETENTION_DAYS).type("int").defaultValue(d.recordRetentionDays())
                .helpText("Records older than this are deleted, unless the realm sets its own retention (0 keeps them forever).").add()
                .property().name(WEBHOOK_PRIVATE_NETWORKS).type("string").defaultValue("")
                .helpText("Comma-separated CIDR blocks webhook sinks may send to although they are loopback, private or"
                        + " link-local (an on-premises receiver, e.g. 10.1.2.0/24). Empty: public addresses only.").add()
                .build();
    }

    @Override
    public Map<String, String> getOperationalInfo() {
        Map<String, String> info = new LinkedHashMap<>();
        info.put("version", ActAsVersion.VERSION);
        info.put(POLL_INTERVAL_MILLIS, Long.toString(settings.pollIntervalMillis()));
        info.put(BATCH_SIZE, Integer.toString(settings.batchSize()));
        info.put(LEASE_SECONDS, Long.toString(settings.leaseMillis() / 1000));
        info.put(RETRY_BASE_MILLIS, Long.toString(settings.retryBaseMillis()));
        info.put(RETRY_MAX_MILLIS, Long.toString(settings.retryMaxMillis()));
        info.put(MAX_IN_FLIGHT, Integer.toString(settings.maxInFlight()));
        info.put(RECORD_RETENTION_DAYS, Integer.toString(settings.recordRetentionDays()));
        info.put(WEBHOOK_PRIVATE_NETWORKS, privateNetworks);
        if (delivery != null) {
            info.put("delivered-by-this-node", Long.toString(delivery.deliveredCount()));
        }
        return info;
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }
}
