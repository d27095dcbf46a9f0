package io.github.actas.keycloak.audit;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.github.actas.keycloak.policy.GrantValidationException;
import jakarta.persistence.EntityManager;
import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.component.ComponentModel;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * This node's delivery worker. It claims due records with a database lease (so nodes do not send the
 * same record in normal operation), sends them outside any transaction, then marks each sink done or
 * schedules a retry with exponential back-off and jitter. A crash between sending and marking means
 * the lease expires and the record is sent again: at least once, with the stable record id
 * (CloudEvents {@code id}, {@code webhook-id}) for de-duplication.
 *
 * <p>The worker thread and HTTP client are this node's machinery, not state: what is pending lives in
 * the database.
 */
final class AuditDelivery {

    /** Loggers of the log sink: operators route this category. */
    static final Logger AUDIT_LOG = Logger.getLogger("io.github.actas.audit");
    private static final Logger LOG = Logger.getLogger(AuditDelivery.class);
    private static final long HOUSEKEEPING_INTERVAL_MILLIS = 60_000;
    /**
     * After a wake-up, wait this long for more commits: under load this turns one small claim-and-complete
     * cycle per request into one per batch, at the price of a tenth of a second of audit latency.
     */
    private static final long LINGER_MILLIS = 100;
    private static final int HOUSEKEEPING_BATCH = 500;

    private final KeycloakSessionFactory factory;
    private final AuditSettings settings;
    private final Backoff backoff;
    private final Semaphore wake = new Semaphore(0);
    private final Semaphore inFlight;
    private final AtomicLong delivered = new AtomicLong();
    private ExecutorService httpExecutor;
    private HttpClient http;
    private Thread worker;
    private volatile boolean running;
    private long nextHousekeeping;

    AuditDelivery(KeycloakSessionFactory factory, AuditSettings settings) {
        this.factory = factory;
        this.settings = settings;
        this.backoff = new Backoff(settings.retryBaseMillis(), settings.retryMaxMillis());
        this.inFlight = new Semaphore(settings.maxInFlight());
    }

    void start() {
        httpExecutor = Executors.newFixedThreadPool(Math.min(8, Math.max(2, settings.maxInFlight() / 4)),
                r -> daemon(r, "act-as-audit-http"));
        http = HttpClient.newBuilder().executor(httpExecutor).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build();
        running = true;
        worker = daemon(this::loop, "act-as-audit-delivery");
        worker.start();
    }

    void stop() {
        running = false;
        wake.release();
        if (worker != null) {
            try {
                worker.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (httpExecutor != null) {
            httpExecutor.shutdownNow();
        }
    }

    /** New records were committed: deliver now rather than at the next poll. */
    void wakeUp() {
        if (wake.availablePermits() == 0) {
            wake.release();
        }
    }

    long deliveredCount() {
        return delivered.get();
    }

    private void loop() {
        while (running) {
            try {
                if (wake.tryAcquire(settings.pollIntervalMillis(), TimeUnit.MILLISECONDS)) {
                    Thread.sleep(LINGER_MILLIS);
                }
                wake.drainPermits();
                if (!running) {
                    return;
                }
                drain();
                if (System.currentTimeMillis() >= nextHousekeeping) {
                    nextHousekeeping = System.currentTimeMillis() + HOUSEKEEPING_INTERVAL_MILLIS;
                    KeycloakModelUtils.runJobInTransaction(factory, this::housekeeping);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // The database may be briefly unavailable (startup, failover): nothing is lost, try again later.
                LOG.warnf("Audit delivery round failed, will retry: %s", e.toString());
            }
        }
    }

    /** How often records kept only for disabled sinks are looked at again. */
    private static final long PAUSED_RECHECK_MILLIS = 10 * 60 * 1000L;

    private void drain() {
        while (running) {
            List<Task> tasks = new ArrayList<>();
            KeycloakModelUtils.runJobInTransaction(factory, session -> tasks.addAll(claim(session)));
            if (tasks.isEmpty()) {
                return;
            }
            List<Result> results = send(tasks);
            KeycloakModelUtils.runJobInTransaction(factory, session -> complete(session, tasks, results));
            if (tasks.size() < settings.batchSize()) {
                return;
            }
        }
    }

    /** A claimed record and what to do with each of its pending sinks. */
    private record Task(String recordId, AuditRecord record, List<String> pending, List<Target> deliver,
                        Set<String> gone, Set<String> paused) {
    }

    /** A sink, resolved once per batch: its config, signing key and address. */
    private record Target(AuditSinkConfig config, byte[] key, URI uri) {

        static Target of(AuditSinkConfig config) {
            return AuditSinkConfig.WEBHOOK.equals(config.type())
                    ? new Target(config, config.signingKey(), URI.create(config.url()))
                    : new Target(config, null, null);
        }

        String id() {
            return config.id();
        }
    }

    private record Result(String recordId, String sinkId, boolean ok, String error) {
    }

    private List<Task> claim(KeycloakSession session) {
        EntityManager em = em(session);
        long now = Time.currentTimeMillis();
        List<String> due = em.createNamedQuery("actAsAudit.due", String.class)
                .setParameter("now", now).setMaxResults(settings.batchSize()).getResultList();
        if (due.isEmpty()) {
            return List.of();
        }
        String owner = UUID.randomUUID().toString();
        em.createNamedQuery("actAsAudit.lease")
                .setParameter("owner", owner).setParameter("until", now + settings.leaseMillis())
                .setParameter("ids", due).setParameter("now", now)
                .executeUpdate();
        List<AuditRecordEntity> leased = em.createNamedQuery("actAsAudit.leased", AuditRecordEntity.class)
                .setParameter("owner", owner).setParameter("now", now).getResultList();

        Map<String, RealmModel> realms = new HashMap<>();
        Map<String, Target> targets = new HashMap<>();
        List<Task> tasks = new ArrayList<>(leased.size());
        for (AuditRecordEntity row : leased) {
            RealmModel realm = realms.computeIfAbsent(row.getRealmId(), id -> session.realms().getRealm(id));
            List<String> pending = split(row.getPendingSinks());
            List<Target> deliver = new ArrayList<>();
            Set<String> gone = new LinkedHashSet<>();
            Set<String> paused = new LinkedHashSet<>();
            for (String sinkId : pending) {
                Target target = realm == null ? null : targets.computeIfAbsent(sinkId, id -> {
                    AuditSinkConfig config = sink(realm, id);
                    return config == null ? null : Target.of(config);
                });
                if (target == null) {
                    gone.add(sinkId);
                } else if (!target.config().enabled()) {
                    paused.add(sinkId);
                } else {
                    deliver.add(target);
                }
            }
            tasks.add(new Task(row.getId(), row.toRecord(), pending, deliver, gone, paused));
        }
        return tasks;
    }

    private static AuditSinkConfig sink(RealmModel realm, String sinkId) {
        ComponentModel component = realm.getComponent(sinkId);
        if (component == null || !AuditSinkProviderFactory.PROVIDER_TYPE.equals(component.getProviderType())) {
            return null;
        }
        try {
            return AuditSinkProviderFactory.toConfig(component);
        } catch (GrantValidationException e) {
            return null;
        }
    }

    private List<Result> send(List<Task> tasks) {
        List<CompletableFuture<Result>> futures = new ArrayList<>();
        for (Task task : tasks) {
            for (Target target : task.deliver()) {
                if (target.uri() == null) {
                    AUDIT_LOG.info(LogLine.of(task.record()));
                    futures.add(CompletableFuture.completedFuture(new Result(task.recordId(), target.id(), true, null)));
                } else {
                    futures.add(post(task, target));
                }
            }
        }
        List<Result> results = new ArrayList<>(futures.size());
        for (CompletableFuture<Result> future : futures) {
            results.add(future.join());
        }
        return results;
    }

    private CompletableFuture<Result> post(Task task, Target target) {
        AuditSinkConfig sink = target.config();
        String body = AuditJson.cloudEvent(task.record());
        long timestamp = System.currentTimeMillis() / 1000;
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(target.uri())
                    .timeout(Duration.ofMillis(sink.timeoutMillis()))
                    .header("Content-Type", AuditJson.CONTENT_TYPE)
                    .header(WebhookSignature.ID_HEADER, task.recordId())
                    .header(WebhookSignature.TIMESTAMP_HEADER, Long.toString(timestamp))
                    .header(WebhookSignature.SIGNATURE_HEADER,
                            WebhookSignature.sign(target.key(), task.recordId(), timestamp, body))
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build();
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(new Result(task.recordId(), sink.id(), false, "invalid request: " + e.getMessage()));
        }
        inFlight.acquireUninterruptibly();
        return http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                .handle((response, failure) -> {
                    inFlight.release();
                    if (failure != null) {
                        return new Result(task.recordId(), sink.id(), false, describe(failure, sink));
                    }
                    int status = response.statusCode();
                    return status >= 200 && status < 300
                            ? new Result(task.recordId(), sink.id(), true, null)
                            : new Result(task.recordId(), sink.id(), false, "HTTP " + status + " from " + host(sink));
                });
    }

    private void complete(KeycloakSession session, List<Task> tasks, List<Result> results) {
        EntityManager em = em(session);
        long now = Time.currentTimeMillis();
        Map<String, Set<String>> succeeded = new HashMap<>();
        Map<String, String> firstError = new HashMap<>();
        Map<String, Integer> sinkSuccesses = new HashMap<>();
        Map<String, Integer> sinkFailures = new HashMap<>();
        Map<String, String> sinkLastError = new HashMap<>();
        for (Result result : results) {
            if (result.ok()) {
                succeeded.computeIfAbsent(result.recordId(), k -> new LinkedHashSet<>()).add(result.sinkId());
                sinkSuccesses.merge(result.sinkId(), 1, Integer::sum);
            } else {
                firstError.putIfAbsent(result.recordId(), result.error());
                sinkFailures.merge(result.sinkId(), 1, Integer::sum);
                sinkLastError.put(result.sinkId(), result.error());
            }
        }

        List<String> done = new ArrayList<>();
        for (Task task : tasks) {
            List<String> remaining = new ArrayList<>(task.pending());
            remaining.removeAll(succeeded.getOrDefault(task.recordId(), Set.of()));
            remaining.removeAll(task.gone());
            if (!task.gone().isEmpty()) {
                LOG.infof("Audit record %s will not reach sinks %s: they no longer exist", task.recordId(), task.gone());
            }
            if (remaining.isEmpty()) {
                done.add(task.recordId());
                continue;
            }
            AuditRecordEntity row = em.find(AuditRecordEntity.class, task.recordId());
            if (row == null) {
                continue;
            }
            row.setPendingSinks(String.join(",", remaining));
            row.setLeaseOwner(null);
            row.setLeaseUntil(null);
            boolean onlyPaused = task.paused().containsAll(remaining);
            if (onlyPaused) {
                // Disabled sinks keep their records (nothing is lost) without churning them: enabling the
                // sink makes them due at once (AuditSinkProviderFactory.onUpdate); this is only a safety net.
                row.setNextAttempt(now + Math.max(settings.retryMaxMillis(), PAUSED_RECHECK_MILLIS));
            } else {
                row.setAttempts(row.getAttempts() + 1);
                row.setNextAttempt(now + backoff.delayMillis(row.getAttempts(), ThreadLocalRandom.current().nextDouble()));
                row.setLastError(truncate(firstError.get(task.recordId())));
            }
        }
        if (!done.isEmpty()) {
            em.createQuery("update AuditRecordEntity r set r.pendingSinks = null, r.nextAttempt = null, r.leaseOwner = null,"
                            + " r.leaseUntil = null, r.attempts = r.attempts + 1 where r.id in :ids")
                    .setParameter("ids", done).executeUpdate();
        }
        sinkSuccesses.forEach((sinkId, count) -> {
            ensureState(em, sinkId, tasks);
            em.createNamedQuery("actAsAuditSink.succeeded").setParameter("count", (long) count)
                    .setParameter("now", now).setParameter("sinkId", sinkId).executeUpdate();
            delivered.addAndGet(count);
        });
        sinkFailures.forEach((sinkId, count) -> {
            ensureState(em, sinkId, tasks);
            em.createNamedQuery("actAsAuditSink.failed").setParameter("count", (long) count)
                    .setParameter("now", now).setParameter("error", truncate(sinkLastError.get(sinkId)))
                    .setParameter("sinkId", sinkId).executeUpdate();
        });
    }

    private static void ensureState(EntityManager em, String sinkId, List<Task> tasks) {
        if (em.find(AuditSinkStateEntity.class, sinkId) != null) {
            return;
        }
        String realmId = tasks.stream().filter(t -> t.pending().contains(sinkId)).map(t -> t.record().realmId())
                .findFirst().orElse("");
        AuditSinkStateEntity state = new AuditSinkStateEntity();
        state.setSinkId(sinkId);
        state.setRealmId(realmId);
        em.persist(state);
        em.flush();
    }

    /**
     * Gives up on records a sink with a retention limit could not take in time (counted and logged, never
     * silently), and deletes delivered records past the record retention.
     */
    private void housekeeping(KeycloakSession session) {
        EntityManager em = em(session);
        long now = Time.currentTimeMillis();
        session.realms().getRealmsStream().forEach(realm ->
                realm.getComponentsStream(realm.getId(), AuditSinkProviderFactory.PROVIDER_TYPE).forEach(component -> {
                    AuditSinkConfig sink = sink(realm, component.getId());
                    if (sink != null && sink.retentionHours() > 0) {
                        dropExpired(em, sink, now - sink.retentionHours() * 3_600_000L);
                    }
                }));
        if (settings.recordRetentionDays() > 0) {
            int deleted = em.createNamedQuery("actAsAudit.deleteOlderThan")
                    .setParameter("before", now - settings.recordRetentionDays() * 86_400_000L).executeUpdate();
            if (deleted > 0) {
                LOG.infof("Deleted %d delivered audit records older than %d days", deleted, settings.recordRetentionDays());
            }
        }
    }

    private void dropExpired(EntityManager em, AuditSinkConfig sink, long before) {
        List<AuditRecordEntity> rows = em.createNamedQuery("actAsAudit.pendingOfSink", AuditRecordEntity.class)
                .setParameter("pattern", "%" + sink.id() + "%").setParameter("before", before)
                .setMaxResults(HOUSEKEEPING_BATCH).getResultList();
        int dropped = 0;
        for (AuditRecordEntity row : rows) {
            List<String> remaining = new ArrayList<>(split(row.getPendingSinks()));
            if (remaining.remove(sink.id())) {
                dropped++;
                row.setPendingSinks(remaining.isEmpty() ? null : String.join(",", remaining));
                if (remaining.isEmpty()) {
                    row.setNextAttempt(null);
                }
            }
        }
        if (dropped > 0) {
            em.createNamedQuery("actAsAuditSink.dropped").setParameter("count", (long) dropped)
                    .setParameter("sinkId", sink.id()).executeUpdate();
            LOG.warnf("Audit sink '%s' could not take %d records within its retention of %d hours; they are no longer "
                    + "sent to it (they stay queryable through the audit API)", sink.name(), dropped, sink.retentionHours());
        }
    }

    private static String describe(Throwable failure, AuditSinkConfig sink) {
        Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof java.net.http.HttpTimeoutException) {
            return "timeout after " + sink.timeoutMillis() + " ms from " + host(sink);
        }
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message) + " (" + host(sink) + ")";
    }

    /** Only scheme, host and port: the URL's path or query could carry a token. */
    private static String host(AuditSinkConfig sink) {
        URI uri = URI.create(sink.url());
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
    }

    private static List<String> split(String ids) {
        return ids == null || ids.isEmpty() ? List.of() : Arrays.asList(ids.split(","));
    }

    private static String truncate(String value) {
        return value == null || value.length() <= 1000 ? value : value.substring(0, 1000);
    }

    private static EntityManager em(KeycloakSession session) {
        return session.getProvider(JpaConnectionProvider.class).getEntityManager();
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }
}
