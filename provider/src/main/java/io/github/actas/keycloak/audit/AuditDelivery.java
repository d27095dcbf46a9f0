package io.github.actas.keycloak.audit;

import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import io.github.actas.keycloak.policy.GrantValidationException;
import jakarta.persistence.EntityManager;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.impl.client.CloseableHttpClient;
import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.component.ComponentModel;
import org.keycloak.connections.httpclient.HttpClientProvider;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * This node's delivery worker. It claims due outbox rows with a database lease (so nodes do not send the
 * same record in normal operation), sends them outside any transaction, then marks each sink done or
 * schedules a retry with exponential back-off and jitter. A crash between sending and marking means
 * the lease expires and the record is sent again: at least once, with the stable record id
 * (CloudEvents {@code id}, {@code webhook-id}) for de-duplication.
 *
 * <p>The worker thread and sender threads are this node's machinery, not state: what is pending lives in
 * the database.
 */
final class AuditDelivery {

    /** Loggers of the log sink: operators route this category. */
    static final Logger AUDIT_LOG = Logger.getLogger("io.github.actas.audit");
    private static final Logger LOG = Logger.getLogger(AuditDelivery.class);
    private static final long HOUSEKEEPING_INTERVAL_MILLIS = 60_000;
    /**
     * After a wake-up, wait up to this long for a full batch: under load this turns one small send-and-complete
     * cycle per request into one per batch (each cycle has fixed costs: two transactions, a sink-state
     * update), at the price of up to half a second of audit latency.
     */
    private static final long LINGER_MILLIS = 500;
    private static final int HOUSEKEEPING_BATCH = 500;
    private static final int COMMITTED_CAPACITY = 10_000;

    private final KeycloakSessionFactory factory;
    private final AuditSettings settings;
    private final Backoff backoff;
    private final Semaphore wake = new Semaphore(0);
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicBoolean dueNow = new AtomicBoolean();
    /** This node's lease-owner id: records it writes are leased to it from the start. */
    private final String node = UUID.randomUUID().toString();
    /**
     * Records this node committed and has not sent yet: a bounded hand-over, never the only copy (each is a
     * leased database row). Past capacity a record simply waits for its lease to end and the due query.
     */
    private final BlockingQueue<Committed> committed = new LinkedBlockingQueue<>(COMMITTED_CAPACITY);
    private WebhookSender sender;
    private Thread worker;
    private volatile boolean running;
    private long nextHousekeeping;

    AuditDelivery(KeycloakSessionFactory factory, AuditSettings settings) {
        this.factory = factory;
        this.settings = settings;
        this.backoff = new Backoff(settings.retryBaseMillis(), settings.retryMaxMillis());
    }

    void start() {
        sender = new WebhookSender(settings.maxInFlight());
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
        if (sender != null) {
            sender.close();
        }
        releaseUnsent();
    }

    /** On a clean shutdown, records handed over but not sent become due at once for the other nodes. */
    private void releaseUnsent() {
        List<String> ids = new ArrayList<>();
        for (Committed record : committed) {
            ids.add(record.record().id());
        }
        committed.clear();
        try {
            for (int from = 0; from < ids.size(); from += settings.batchSize()) {
                List<String> chunk = ids.subList(from, Math.min(ids.size(), from + settings.batchSize()));
                KeycloakModelUtils.runJobInTransaction(factory, session -> em(session)
                        .createNamedQuery("actAsOutbox.release")
                        .setParameter("now", Time.currentTimeMillis()).setParameter("ids", padded(chunk))
                        .setParameter("owner", node).executeUpdate());
            }
        } catch (RuntimeException e) {
            LOG.infof("%d audit records are sent once their lease ends (%s)", ids.size(), e.toString());
        }
    }

    String node() {
        return node;
    }

    long leaseMillis() {
        return settings.leaseMillis();
    }

    /** Records this node has just committed (possibly none): deliver them now rather than at the next poll. */
    void committed(List<Committed> records) {
        int before = committed.size();
        for (Committed record : records) {
            if (!committed.offer(record)) {
                LOG.debugf("Audit hand-over full: record %s is sent once its lease ends", record.record().id());
            }
        }
        // Wake the worker for the first record (it then lingers) and for a full batch (it stops lingering).
        int after = committed.size();
        if (before == 0 || (before < settings.batchSize() && after >= settings.batchSize())) {
            wakeUp();
        }
    }

    /** Records became due (a sink was resumed): look for them now rather than at the next poll. */
    void dueNow() {
        dueNow.set(true);
        wakeUp();
    }

    /** Something to do: wake the worker now rather than at the next poll. */
    void wakeUp() {
        if (wake.availablePermits() == 0) {
            wake.release();
        }
    }

    /** Waits until a full batch has been handed over or the oldest record handed over has waited long enough. */
    private void linger() throws InterruptedException {
        while (running && committed.size() < settings.batchSize()) {
            Committed oldest = committed.peek();
            if (oldest == null) {
                return;
            }
            long left = oldest.record().time() + LINGER_MILLIS - Time.currentTimeMillis();
            if (left <= 0) {
                return;
            }
            wake.tryAcquire(left, TimeUnit.MILLISECONDS);
        }
    }

    long deliveredCount() {
        return delivered.get();
    }

    private void loop() {
        long nextPoll = 0;
        while (running) {
            try {
                if (committed.isEmpty()) {
                    wake.tryAcquire(settings.pollIntervalMillis(), TimeUnit.MILLISECONDS);
                }
                linger();
                wake.drainPermits();
                if (!running) {
                    return;
                }
                deliverCommitted();
                // Records written here were just handled; the due query is for retries, backlogs, resumed
                // sinks and other nodes' expired leases, so once per poll interval is enough unless asked.
                long now = System.currentTimeMillis();
                if (now >= nextPoll || dueNow.getAndSet(false)) {
                    nextPoll = now + settings.pollIntervalMillis();
                    drain();
                }
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

    /** Sends a batch of the records this node has just committed, which it holds the lease of from the start. */
    private void deliverCommitted() {
        List<Committed> batch = new ArrayList<>();
        committed.drainTo(batch, settings.batchSize());
        // A record whose lease might run out before it is sent is left to the due query, so that no other
        // node takes it over while this one is still sending it.
        long now = Time.currentTimeMillis();
        batch.removeIf(c -> now - c.record().time() > settings.leaseMillis() / 2);
        if (!batch.isEmpty()) {
            deliver(session -> tasks(session, batch));
        }
    }

    /** Claims and sends due records: retries, backlogs, and records whose writing node went away. */
    private void drain() {
        while (running) {
            if (deliver(this::claim) < settings.batchSize()) {
                return;
            }
        }
    }

    /** One round: find tasks in a transaction, send outside any, record the outcome in another. */
    private int deliver(Function<KeycloakSession, List<Task>> source) {
        List<Task> tasks = new ArrayList<>();
        CloseableHttpClient[] http = new CloseableHttpClient[1];
        KeycloakModelUtils.runJobInTransaction(factory, session -> {
            tasks.addAll(source.apply(session));
            // Keycloak's client, owned by its factory: usable after this session, never closed by us.
            http[0] = tasks.isEmpty() ? null : session.getProvider(HttpClientProvider.class).getHttpClient();
        });
        if (tasks.isEmpty()) {
            return 0;
        }
        List<Result> results = send(http[0], tasks);
        KeycloakModelUtils.runJobInTransaction(factory, session -> complete(session, tasks, results));
        return tasks.size();
    }

    /** A record this node has committed, with the sinks it is pending for. */
    record Committed(AuditRecord record, String sinks) {
    }

    /** A claimed record and what to do with each of its pending sinks. */
    record Task(String recordId, AuditRecord record, List<String> pending, List<Target> deliver,
                        Set<String> gone, Set<String> paused) {
    }

    /** A sink, resolved once per batch: its config, signing key, address and request timeouts. */
    record Target(AuditSinkConfig config, byte[] key, URI uri, String host, RequestConfig requestConfig) {

        static Target of(AuditSinkConfig config) {
            if (!AuditSinkConfig.WEBHOOK.equals(config.type())) {
                return new Target(config, null, null, null, null);
            }
            int timeout = config.timeoutMillis();
            return new Target(config, config.signingKey(), URI.create(config.url()), AuditDelivery.host(config),
                    RequestConfig.custom().setConnectTimeout(timeout).setSocketTimeout(timeout)
                            .setConnectionRequestTimeout(timeout).build());
        }

        String id() {
            return config.id();
        }
    }

    record Result(String recordId, String sinkId, boolean ok, String error) {

        static Result ok(Task task, Target target) {
            return new Result(task.recordId(), target.id(), true, null);
        }

        static Result failed(Task task, Target target, String error) {
            return new Result(task.recordId(), target.id(), false, error);
        }
    }

    private List<Task> claim(KeycloakSession session) {
        EntityManager em = em(session);
        long now = Time.currentTimeMillis();
        List<String> due = em.createNamedQuery("actAsOutbox.due", String.class)
                .setParameter("now", now).setMaxResults(settings.batchSize()).getResultList();
        if (due.isEmpty()) {
            return List.of();
        }
        // A fresh owner per claim, not the node's id: rows this node leased when writing them may still be
        // in its hand-over, and reading back "leased to this node" would send them twice.
        String owner = UUID.randomUUID().toString();
        List<String> ids = padded(due);
        em.createNamedQuery("actAsOutbox.lease")
                .setParameter("owner", owner).setParameter("until", now + settings.leaseMillis())
                .setParameter("ids", ids).setParameter("now", now)
                .executeUpdate();
        // Only the rows this claim won (another node may have leased some of them in between). Read-only: the
        // rows are only read here, so Hibernate keeps no snapshots to dirty-check.
        Map<String, String> sinksOf = new HashMap<>();
        for (AuditOutboxEntity row : em.createNamedQuery("actAsOutbox.leased", AuditOutboxEntity.class)
                .setParameter("ids", ids).setParameter("owner", owner)
                .setHint("org.hibernate.readOnly", true).getResultList()) {
            sinksOf.put(row.getRecordId(), row.getPendingSinks());
        }
        if (sinksOf.isEmpty()) {
            return List.of();
        }
        List<Committed> rows = new ArrayList<>(sinksOf.size());
        for (AuditRecordEntity row : em.createNamedQuery("actAsAudit.byIds", AuditRecordEntity.class)
                .setParameter("ids", padded(new ArrayList<>(sinksOf.keySet())))
                .setHint("org.hibernate.readOnly", true).getResultList()) {
            rows.add(new Committed(row.toRecord(), sinksOf.remove(row.getId())));
        }
        if (!sinksOf.isEmpty()) {
            // an outbox row without its record (removed by hand?): nothing to send, do not claim it for ever
            LOG.warnf("Audit outbox rows without a record are dropped: %s", sinksOf.keySet());
            em.createNamedQuery("actAsOutbox.done").setParameter("ids", padded(new ArrayList<>(sinksOf.keySet())))
                    .executeUpdate();
        }
        return tasks(session, rows);
    }

    /** Resolves each record's pending sinks: those to deliver to now, those paused, those gone. */
    private static List<Task> tasks(KeycloakSession session, List<Committed> records) {
        Map<String, RealmModel> realms = new HashMap<>();
        Map<String, Target> targets = new HashMap<>();
        List<Task> tasks = new ArrayList<>(records.size());
        for (Committed pendingRecord : records) {
            AuditRecord record = pendingRecord.record();
            RealmModel realm = realms.computeIfAbsent(record.realmId(), id -> session.realms().getRealm(id));
            List<String> pending = split(pendingRecord.sinks());
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
            tasks.add(new Task(record.id(), record, pending, deliver, gone, paused));
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

    private List<Result> send(CloseableHttpClient http, List<Task> tasks) {
        List<Result> results = new ArrayList<>();
        List<WebhookSender.Delivery> webhooks = new ArrayList<>();
        for (Task task : tasks) {
            for (Target target : task.deliver()) {
                if (target.uri() == null) {
                    AUDIT_LOG.info(LogLine.of(task.record()));
                    results.add(Result.ok(task, target));
                } else {
                    webhooks.add(new WebhookSender.Delivery(task, target));
                }
            }
        }
        results.addAll(sender.send(http, webhooks));
        return results;
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
            AuditOutboxEntity row = em.find(AuditOutboxEntity.class, task.recordId());
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
            em.createNamedQuery("actAsOutbox.done").setParameter("ids", padded(done)).executeUpdate();
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
            long before = now - settings.recordRetentionDays() * 86_400_000L;
            session.realms().getRealmsStream().forEach(realm -> {
                int deleted = em.createNamedQuery("actAsAudit.deleteOlderThan").setParameter("realmId", realm.getId())
                        .setParameter("before", before).executeUpdate();
                if (deleted > 0) {
                    LOG.infof("Deleted %d delivered audit records of realm '%s' older than %d days", deleted,
                            realm.getName(), settings.recordRetentionDays());
                }
            });
        }
    }

    private void dropExpired(EntityManager em, AuditSinkConfig sink, long before) {
        List<AuditOutboxEntity> rows = em.createNamedQuery("actAsOutbox.pendingOfSink", AuditOutboxEntity.class)
                .setParameter("pattern", "%" + sink.id() + "%").setParameter("before", before)
                .setMaxResults(HOUSEKEEPING_BATCH).getResultList();
        int dropped = 0;
        for (AuditOutboxEntity row : rows) {
            List<String> remaining = new ArrayList<>(split(row.getPendingSinks()));
            if (remaining.remove(sink.id())) {
                dropped++;
                if (remaining.isEmpty()) {
                    em.remove(row);
                } else {
                    row.setPendingSinks(String.join(",", remaining));
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

    /** Only scheme, host and port: the URL's path or query could carry a token. */
    static String host(AuditSinkConfig sink) {
        URI uri = URI.create(sink.url());
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
    }

    /**
     * The list padded to a power of two by repeating its last id: "id in (...)" then has a handful of
     * shapes, so Hibernate and the database reuse their plans instead of preparing one per batch size.
     */
    static List<String> padded(List<String> ids) {
        int size = ids.size();
        int shape = size <= 1 ? size : Integer.highestOneBit(size - 1) << 1;
        if (shape == size) {
            return ids;
        }
        List<String> padded = new ArrayList<>(shape);
        padded.addAll(ids);
        while (padded.size() < shape) {
            padded.add(ids.get(size - 1));
        }
        return padded;
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

    static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }
}
