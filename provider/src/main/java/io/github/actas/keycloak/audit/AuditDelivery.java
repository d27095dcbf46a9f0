package io.github.actas.keycloak.audit;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
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
 * This node's delivery worker. A record this node writes is sent right after its transaction commits,
 * from {@link InFlight}, and costs the database nothing more than its own row when its sinks take it: its
 * row names its sinks and this node, and this node's checkpoint row ({@link AuditWriters}), refreshed
 * every heartbeat, says up to when everything it wrote has been dealt with. What cannot be sent at once
 * (a failed attempt, a disabled sink, a backlog too large to hold, a clean shutdown) goes to the outbox,
 * where retries with exponential back-off and jitter claim it under a database lease, so nodes do not
 * send the same record in normal operation. If a node dies, the first other node to notice its silent
 * checkpoint moves its records since that checkpoint to the outbox. A crash between sending and recording
 * the outcome means a record is sent again: at least once, with the stable record id (CloudEvents
 * {@code id}, {@code webhook-id}) for de-duplication.
 *
 * <p>The threads and the in-flight registry are this node's machinery, not state: a crash loses neither a
 * record nor the knowledge of which records to send, only which of them were sent already.
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
    /** Committed records held for sending at most; beyond this the oldest go to the outbox, so memory stays bounded. */
    private static final int READY_CAPACITY = 10_000;
    /** A transaction holding an audit record open for this long is unusual enough to mention. */
    private static final long LONG_OPEN_MILLIS = 10 * 60 * 1000L;
    /** How often records kept only for disabled sinks are looked at again. */
    private static final long PAUSED_RECHECK_MILLIS = 10 * 60 * 1000L;

    private final KeycloakSessionFactory factory;
    private final AuditSettings settings;
    private final Destinations destinations;
    private final Backoff backoff;
    private final Semaphore wake = new Semaphore(0);
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicBoolean dueNow = new AtomicBoolean();
    private final InFlight inFlight = new InFlight();
    /** This node start's checkpoint: a fresh id per start, so a restarted node never mistakes an old row for its own. */
    private final AuditWriters writers = new AuditWriters(UUID.randomUUID().toString(), hostName());
    private WebhookSender sender;
    private Thread worker;
    private ScheduledExecutorService heartbeat;
    private volatile boolean running;
    /** Whether this node's checkpoint row has been written: it must exist before the first record names it. */
    private volatile boolean checkpointed;
    private long nextHousekeeping;
    /** Consecutive failed rounds of the worker (its thread only). */
    private int failedRounds;
    private long nextLongOpenWarning;

    AuditDelivery(KeycloakSessionFactory factory, AuditSettings settings, Destinations destinations) {
        this.factory = factory;
        this.settings = settings;
        this.destinations = destinations;
        this.backoff = new Backoff(settings.retryBaseMillis(), settings.retryMaxMillis());
    }

    /** Starts the worker and the heartbeat: once Keycloak's database is migrated (its tables exist). */
    void start() {
        sender = new WebhookSender(settings.maxInFlight(), destinations);
        running = true;
        heartbeat = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "act-as-audit-heartbeat"));
        long interval = heartbeatMillis();
        heartbeat.scheduleWithFixedDelay(this::heartbeat, interval, interval, TimeUnit.MILLISECONDS);
        worker = daemon(this::loop, "act-as-audit-delivery");
        worker.start();
    }

    /** Often enough that a lease never ends while this node is alive and well. */
    private long heartbeatMillis() {
        return Math.max(100, Math.min(settings.pollIntervalMillis(), settings.leaseMillis() / 4));
    }

    void stop() {
        running = false;
        wake.release();
        if (heartbeat != null) {
            heartbeat.shutdownNow();
        }
        if (worker != null) {
            try {
                worker.join(10_000);
                if (heartbeat != null) {
                    heartbeat.awaitTermination(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (sender != null) {
            sender.close();
        }
        if (checkpointed) {
            handOverUnsent();
        }
    }

    /**
     * On a clean shutdown, records not sent yet go to the outbox, due at once for the other nodes (or for
     * this one after its restart), and the checkpoint is removed once nothing is left in flight.
     */
    private void handOverUnsent() {
        List<InFlight.Entry> unsent = inFlight.drainReady();
        try {
            if (!unsent.isEmpty()) {
                toOutbox(unsent);
            }
            if (inFlight.size() == 0) {
                KeycloakModelUtils.runJobInTransaction(factory, writers::retire);
            } else {
                beat();
            }
        } catch (RuntimeException e) {
            LOG.infof("%d audit records are sent by another node once this node's lease has ended (%s)",
                    inFlight.size(), e.toString());
        }
    }

    String writerId() {
        return writers.writerId();
    }

    /** A record with sinks is about to be written in the current transaction: its place, and its time. */
    InFlight.Entry open() {
        if (!checkpointed) {
            firstCheckpoint();
        }
        return inFlight.open(Time.currentTimeMillis());
    }

    /**
     * Before the first record naming this node is written (perhaps during Keycloak's start, before the
     * heartbeat runs), its checkpoint row must exist, or a crash right then would leave that record to no one.
     */
    private synchronized void firstCheckpoint() {
        if (!checkpointed) {
            KeycloakModelUtils.runJobInTransaction(factory,
                    session -> writers.beat(session, Time.currentTimeMillis(), inFlight.safeBefore(Time.currentTimeMillis())));
            checkpointed = true;
        }
    }

    /** Records this node has just committed: deliver them now rather than at the next poll. */
    void committed(List<InFlight.Entry> entries, List<Committed> records) {
        boolean wakeUp = false;
        for (int i = 0; i < entries.size(); i++) {
            int ready = inFlight.commit(entries.get(i), records.get(i));
            // Wake the worker for the first record (it then lingers) and for a full batch (it stops lingering).
            wakeUp |= ready == 1 || ready == settings.batchSize();
        }
        if (wakeUp) {
            wakeUp();
        }
    }

    /** The records' transaction rolled back: they were never stored. */
    void abandoned(List<InFlight.Entry> entries) {
        entries.forEach(inFlight::abandon);
    }

    /** Records became due (a sink was resumed, a silent node's records taken over): look for them now. */
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

    /** Waits until a full batch is ready or the oldest ready record has waited long enough. */
    private void linger() throws InterruptedException {
        while (running && inFlight.readyCount() < settings.batchSize()) {
            InFlight.Entry oldest = inFlight.peekReady();
            if (oldest == null) {
                return;
            }
            long left = oldest.time() + LINGER_MILLIS - Time.currentTimeMillis();
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
                if (inFlight.readyCount() == 0) {
                    wake.tryAcquire(settings.pollIntervalMillis(), TimeUnit.MILLISECONDS);
                }
                linger();
                wake.drainPermits();
                if (!running) {
                    return;
                }
                deliverReady();
                // Records written here were just handled; the due query is for retries, backlogs, resumed
                // sinks and silent nodes' records, so once per poll interval is enough unless asked.
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
                // The database may be briefly unavailable (failover; Keycloak stopping its caches while shutting
                // down): nothing is lost, try again later. Only a failure that repeats is a warning.
                failedRounds++;
                LOG.logf(failedRounds > 1 ? Logger.Level.WARN : Logger.Level.INFO,
                        "Audit delivery round failed, will retry: %s", e.toString());
                pause();
                continue;
            }
            failedRounds = 0;
        }
    }

    private void pause() {
        try {
            wake.tryAcquire(settings.pollIntervalMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /**
     * The heartbeat, on its own thread so that a slow receiver cannot delay it: keeps the ready queue
     * bounded, publishes this node's checkpoint, and takes over the records of nodes that fell silent.
     */
    private void heartbeat() {
        try {
            List<InFlight.Entry> overflow = inFlight.overflow(READY_CAPACITY);
            if (!overflow.isEmpty()) {
                LOG.debugf("Audit backlog: %d records go to the outbox", overflow.size());
                toOutbox(overflow);
            }
            warnAboutLongOpenRecords();
            beat();
            long now = Time.currentTimeMillis();
            List<AuditWriterEntity> silent = new ArrayList<>();
            KeycloakModelUtils.runJobInTransaction(factory,
                    session -> silent.addAll(writers.silentSince(session, now - settings.leaseMillis())));
            for (AuditWriterEntity writer : silent) {
                int[] moved = new int[1];
                KeycloakModelUtils.runJobInTransaction(factory, session -> moved[0] = writers.takeOver(session, writer, now));
                if (moved[0] > 0) {
                    dueNow();
                }
            }
        } catch (RuntimeException e) {
            LOG.warnf("Audit heartbeat failed, will retry: %s", e.toString());
        }
    }

    private void beat() {
        try {
            KeycloakModelUtils.runJobInTransaction(factory,
                    session -> writers.beat(session, Time.currentTimeMillis(), inFlight.safeBefore(Time.currentTimeMillis())));
            checkpointed = true;
        } catch (RuntimeException e) {
            LOG.warnf("Audit checkpoint could not be written, will retry: %s", e.toString());
        }
    }

    /** An open record holds this node's checkpoint back (after a crash, more would be sent twice): say so. */
    private void warnAboutLongOpenRecords() {
        InFlight.Entry open = inFlight.oldestOpen();
        long now = Time.currentTimeMillis();
        if (open != null && now - open.time() > LONG_OPEN_MILLIS && now >= nextLongOpenWarning) {
            nextLongOpenWarning = now + LONG_OPEN_MILLIS;
            LOG.warnf("An audit record's transaction has been open since %s", java.time.Instant.ofEpochMilli(open.time()));
        }
    }

    /** Sends a batch of the records this node has just committed. */
    private void deliverReady() {
        List<InFlight.Entry> batch = inFlight.take(settings.batchSize());
        if (batch.isEmpty()) {
            return;
        }
        List<Committed> records = new ArrayList<>(batch.size());
        batch.forEach(entry -> records.add(entry.committed()));
        try {
            deliver(session -> tasks(session, records, batch));
        } catch (RuntimeException e) {
            inFlight.retry(batch);
            throw e;
        }
    }

    /** Moves ready records to the outbox, due now: the claim path sends them (on whichever node). */
    private void toOutbox(List<InFlight.Entry> entries) {
        long now = Time.currentTimeMillis();
        try {
            KeycloakModelUtils.runJobInTransaction(factory, session -> {
                EntityManager em = em(session);
                Map<String, AuditOutboxEntity> existing = existingOutboxRows(em, entries.stream()
                        .map(e -> e.committed().record().id()).toList());
                for (InFlight.Entry entry : entries) {
                    AuditRecord record = entry.committed().record();
                    AuditOutboxEntity row = existing.get(record.id());
                    if (row == null) {
                        em.persist(AuditOutboxEntity.of(record.id(), record.realmId(), record.time(), entry.committed().sinks(), now));
                    } else {
                        row.setNextAttempt(Math.min(row.getNextAttempt(), now));
                    }
                }
            });
        } catch (RuntimeException e) {
            inFlight.retry(entries);
            throw e;
        }
        inFlight.done(entries);
    }

    /** Outbox rows that already exist for some of these records (another node took them over meanwhile). */
    private static Map<String, AuditOutboxEntity> existingOutboxRows(EntityManager em, List<String> ids) {
        Map<String, AuditOutboxEntity> rows = new HashMap<>();
        if (!ids.isEmpty()) {
            for (AuditOutboxEntity row : em.createNamedQuery("actAsOutbox.byIds", AuditOutboxEntity.class)
                    .setParameter("ids", padded(ids)).getResultList()) {
                rows.put(row.getRecordId(), row);
            }
        }
        return rows;
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
        List<InFlight.Entry> finished = new ArrayList<>();
        for (Task task : tasks) {
            if (task.entry() != null) {
                finished.add(task.entry());
            }
        }
        inFlight.done(finished);
        return tasks.size();
    }

    /** A record committed, with the sinks it is for. */
    record Committed(AuditRecord record, String sinks) {
    }

    /**
     * A record and what to do with each of its pending sinks; {@code entry} is its place in this node's
     * in-flight registry when it was just written here, null when it was claimed from the outbox.
     */
    record Task(String recordId, AuditRecord record, List<String> pending, List<Target> deliver,
                Set<String> gone, Set<String> paused, InFlight.Entry entry) {
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
        // A fresh owner per claim: reading back "leased by this claim" returns exactly the rows it won.
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
        return tasks(session, rows, null);
    }

    /**
     * Resolves each record's pending sinks: those to deliver to now, those paused, those gone.
     *
     * @param entries the records' in-flight entries (same order), or null for records claimed from the outbox
     */
    private static List<Task> tasks(KeycloakSession session, List<Committed> records, List<InFlight.Entry> entries) {
        Map<String, RealmModel> realms = new HashMap<>();
        Map<String, Target> targets = new HashMap<>();
        List<Task> tasks = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            Committed pendingRecord = records.get(i);
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
            tasks.add(new Task(record.id(), record, pending, deliver, gone, paused, entries == null ? null : entries.get(i)));
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
        Map<Task, List<String>> remainingOf = new IdentityHashMap<>();
        List<String> freshIds = new ArrayList<>();
        for (Task task : tasks) {
            List<String> remaining = new ArrayList<>(task.pending());
            remaining.removeAll(succeeded.getOrDefault(task.recordId(), Set.of()));
            remaining.removeAll(task.gone());
            if (!task.gone().isEmpty()) {
                LOG.infof("Audit record %s will not reach sinks %s: they no longer exist", task.recordId(), task.gone());
            }
            if (!remaining.isEmpty()) {
                remainingOf.put(task, remaining);
                if (task.entry() != null) {
                    freshIds.add(task.recordId());
                }
            } else if (task.entry() == null) {
                done.add(task.recordId());
            }
            // a record just written here that every sink took leaves no trace but its own row
        }
        // Records just written here that a sink did not take get an outbox row; one may exist already if
        // another node took this one's records over while it was silent.
        Map<String, AuditOutboxEntity> existing = existingOutboxRows(em, freshIds);
        for (Map.Entry<Task, List<String>> pending : remainingOf.entrySet()) {
            Task task = pending.getKey();
            List<String> remaining = pending.getValue();
            AuditOutboxEntity row;
            if (task.entry() == null) {
                row = em.find(AuditOutboxEntity.class, task.recordId());
                if (row == null) {
                    continue;
                }
            } else {
                row = existing.get(task.recordId());
                if (row == null) {
                    AuditRecord record = task.record();
                    row = AuditOutboxEntity.of(record.id(), record.realmId(), record.time(), String.join(",", remaining), now);
                    em.persist(row);
                }
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

    /** For log lines about a takeover: which machine a silent node ran on. */
    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown host";
        }
    }

    static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }
}
