package io.github.actas.keycloak.audit.delivery;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.persistence.EntityManager;
import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * Audit record retention: a realm's records older than its retention (the realm attribute
 * {@value #REALM_ATTRIBUTE}, else the server's {@code record-retention-days}) are deleted, oldest first, in
 * batches of {@value #BATCH} rows, each in its own short transaction with a pause after it. A purge of a
 * million records then holds no long lock, never fills the transaction log in one go, and leaves the token
 * path its connections. Every node runs it once a minute on its own thread (a batch deleted by another node
 * is simply found gone); a record still waiting in the outbox is kept until it has been delivered.
 */
public final class Retention {

    /** The realm's retention in days (0 keeps its records forever); absent: the server's default. */
    public static final String REALM_ATTRIBUTE = "act-as.audit.retention-days";
    /** A hundred years: more is a typo, not a policy. */
    public static final int MAX_DAYS = 36_500;
    static final int BATCH = 500;
    /** Between two batches: the token path gets the database in between. */
    private static final long PAUSE_MILLIS = 20;
    private static final long INTERVAL_SECONDS = 60;
    private static final Logger LOG = Logger.getLogger(Retention.class);

    private record Due(String realmId, String realmName, int days) {
    }

    private final KeycloakSessionFactory factory;
    private final int serverDays;
    private ScheduledExecutorService executor;

    Retention(KeycloakSessionFactory factory, int serverDays) {
        this.factory = factory;
        this.serverDays = serverDays;
    }

    /** The server-wide default ({@code record-retention-days}). */
    public int serverDays() {
        return serverDays;
    }

    /** The retention that applies to the realm: its own, or the server's. */
    public int days(RealmModel realm) {
        Integer own = realmDays(realm);
        return own == null ? serverDays : own;
    }

    /** The realm's own retention; null when it has none or the stored value is not one the API would write. */
    public static Integer realmDays(RealmModel realm) {
        String value = realm.getAttribute(REALM_ATTRIBUTE);
        if (value == null) {
            return null;
        }
        try {
            int days = Integer.parseInt(value.trim());
            return days >= 0 && days <= MAX_DAYS ? days : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    void start() {
        executor = Executors.newSingleThreadScheduledExecutor(r -> DeliveryWorker.daemon(r, "act-as-audit-retention"));
        executor.scheduleWithFixedDelay(this::runSafely, INTERVAL_SECONDS, INTERVAL_SECONDS, TimeUnit.SECONDS);
    }

    /** Runs a purge on this node now (after a retention was shortened), instead of within the minute. */
    public void runSoon() {
        ScheduledExecutorService running = executor;
        if (running != null) {
            try {
                running.execute(this::runSafely);
            } catch (RejectedExecutionException e) {
                // shutting down: the next start purges
            }
        }
    }

    void stop() {
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    private void runSafely() {
        try {
            run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.infof("Audit retention round failed, will retry within the minute: %s", e.toString());
        }
    }

    private void run() throws InterruptedException {
        List<Due> due = KeycloakModelUtils.runJobInTransactionWithResult(factory, session ->
                session.realms().getRealmsStream().map(realm -> new Due(realm.getId(), realm.getName(), days(realm)))
                        .filter(realm -> realm.days() > 0).toList());
        for (Due realm : due) {
            purge(realm);
        }
    }

    private void purge(Due realm) throws InterruptedException {
        long before = Time.currentTimeMillis() - realm.days() * 86_400_000L;
        long started = System.nanoTime();
        long total = 0;
        int deleted;
        do {
            deleted = KeycloakModelUtils.runJobInTransactionWithResult(factory, session -> {
                EntityManager em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
                List<String> ids = em.createNamedQuery("actAsAudit.expiredIds", String.class)
                        .setParameter("realmId", realm.realmId()).setParameter("before", before)
                        .setMaxResults(BATCH).getResultList();
                return ids.isEmpty() ? 0 : em.createNamedQuery("actAsAudit.deleteByIds").setParameter("ids", ids).executeUpdate();
            });
            total += deleted;
            if (deleted > 0) {
                Thread.sleep(PAUSE_MILLIS);
            }
        } while (deleted > 0 && !Thread.currentThread().isInterrupted());
        if (total > 0) {
            LOG.infof("Deleted %d audit records of realm '%s' older than %d days in %d ms", total, realm.realmName(),
                    realm.days(), (System.nanoTime() - started) / 1_000_000);
        }
    }
}
