package io.github.actas.keycloak.audit.delivery;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import io.github.actas.keycloak.audit.ActAsMeters;
import io.github.actas.keycloak.audit.Handover;
import org.apache.http.impl.client.CloseableHttpClient;
import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.connections.httpclient.HttpClientProvider;
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
public final class DeliveryWorker implements Handover {

    private static final Logger LOG = Logger.getLogger(DeliveryWorker.class);
    private static final long HOUSEKEEPING_INTERVAL_MILLIS = 60_000;
    /**
     * After a wake-up, wait up to this long for a full batch: under load this turns one small send-and-complete
     * cycle per request into one per batch (each cycle has fixed costs: two transactions, a sink-state
     * update), at the price of up to half a second of audit latency.
     */
    private static final long LINGER_MILLIS = 500;

    private final KeycloakSessionFactory factory;
    private final AuditSettings settings;
    private final Destinations destinations;
    private final ActAsMeters meters;
    private final Semaphore wake = new Semaphore(0);
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicBoolean dueNow = new AtomicBoolean();
    private final InFlight inFlight = new InFlight();
    private final Heartbeat heartbeat;
    private WebhookSink webhooks;
    private Outbox outbox;
    private Housekeeping housekeeping;
    private Thread worker;
    private volatile boolean running;
    private long nextHousekeeping;
    /** Consecutive failed rounds of the worker (its thread only). */
    private int failedRounds;

    DeliveryWorker(KeycloakSessionFactory factory, AuditSettings settings, Destinations destinations, ActAsMeters meters) {
        this.factory = factory;
        this.settings = settings;
        this.destinations = destinations;
        this.meters = meters;
        this.heartbeat = new Heartbeat(factory, settings, inFlight, this::toOutbox, this::dueNow);
    }

    /** Starts the worker and the heartbeat: once Keycloak's database is migrated (its tables exist). */
    void start() {
        webhooks = new WebhookSink(settings.maxInFlight(), destinations);
        outbox = new Outbox(settings, new DeliveryPlanner(new LogSink(), webhooks), meters);
        housekeeping = new Housekeeping();
        running = true;
        heartbeat.start();
        worker = daemon(this::loop, "act-as-audit-delivery");
        worker.start();
    }

    void stop() {
        running = false;
        wake.release();
        heartbeat.stopping();
        if (worker != null) {
            try {
                worker.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        heartbeat.stopped();
        if (webhooks != null) {
            webhooks.close();
        }
        if (heartbeat.checkpointed()) {
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
            heartbeat.finish();
        } catch (RuntimeException e) {
            LOG.infof("%d audit records are sent by another node once this node's lease has ended (%s)",
                    inFlight.size(), e.toString());
        }
    }

    @Override
    public String writerId() {
        return heartbeat.writerId();
    }

    /**
     * Comma-separated ids of the realm's enabled sinks, or null. Only {@code enabled} is read: sinks were
     * validated when written, and a malformed one is reported (and skipped) when records are planned.
     */
    @Override
    public String enabledSinks(RealmModel realm) {
        StringBuilder ids = new StringBuilder();
        realm.getComponentsStream(realm.getId(), AuditSinkProviderFactory.PROVIDER_TYPE).forEach(component -> {
            if (!"false".equalsIgnoreCase(component.getConfig().getFirst(AuditSinkConfig.ENABLED))) {
                if (ids.length() > 0) {
                    ids.append(',');
                }
                ids.append(component.getId());
            }
        });
        return ids.length() == 0 ? null : ids.toString();
    }

    /** A record with sinks is about to be written in the current transaction: its place, and its time. */
    @Override
    public Slot open() {
        heartbeat.ensureCheckpoint();
        return inFlight.open(Time.currentTimeMillis());
    }

    /** Records this node has just committed: deliver them now rather than at the next poll. */
    @Override
    public void committed(List<Slot> slots, List<Pending> records) {
        boolean wakeUp = false;
        for (int i = 0; i < slots.size(); i++) {
            int ready = inFlight.commit((InFlight.Entry) slots.get(i), records.get(i));
            // Wake the worker for the first record (it then lingers) and for a full batch (it stops lingering).
            wakeUp |= ready == 1 || ready == settings.batchSize();
        }
        if (wakeUp) {
            wakeUp();
        }
    }

    /** The records' transaction rolled back: they were never stored. */
    @Override
    public void abandoned(List<Slot> slots) {
        slots.forEach(slot -> inFlight.abandon((InFlight.Entry) slot));
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
                    KeycloakModelUtils.runJobInTransaction(factory, housekeeping::run);
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

    /** Sends a batch of the records this node has just committed. */
    private void deliverReady() {
        List<InFlight.Entry> batch = inFlight.take(settings.batchSize());
        if (batch.isEmpty()) {
            return;
        }
        List<Pending> records = new ArrayList<>(batch.size());
        batch.forEach(entry -> records.add(entry.committed()));
        try {
            deliver(session -> outbox.planner().tasks(session, records, batch));
        } catch (RuntimeException e) {
            inFlight.retry(batch);
            throw e;
        }
    }

    /** Moves ready records to the outbox, due now: the claim path sends them (on whichever node). */
    private void toOutbox(List<InFlight.Entry> entries) {
        List<Pending> records = new ArrayList<>(entries.size());
        entries.forEach(entry -> records.add(entry.committed()));
        try {
            KeycloakModelUtils.runJobInTransaction(factory, session -> outbox.write(session, records));
        } catch (RuntimeException e) {
            inFlight.retry(entries);
            throw e;
        }
        inFlight.done(entries);
    }

    /** Claims and sends due records: retries, backlogs, and records whose writing node went away. */
    private void drain() {
        while (running) {
            if (deliver(outbox::claim) < settings.batchSize()) {
                return;
            }
        }
    }

    /** One round: find tasks in a transaction, send outside any, record the outcome in another. */
    private int deliver(Function<KeycloakSession, List<DeliveryTask>> source) {
        List<DeliveryTask> tasks = new ArrayList<>();
        CloseableHttpClient[] http = new CloseableHttpClient[1];
        KeycloakModelUtils.runJobInTransaction(factory, session -> {
            tasks.addAll(source.apply(session));
            // Keycloak's client, owned by its factory: usable after this session, never closed by us.
            http[0] = tasks.isEmpty() ? null : session.getProvider(HttpClientProvider.class).getHttpClient();
        });
        if (tasks.isEmpty()) {
            return 0;
        }
        List<DeliveryResult> results = DeliveryPlanner.send(http[0], tasks);
        KeycloakModelUtils.runJobInTransaction(factory, session -> delivered.addAndGet(outbox.complete(session, tasks, results)));
        List<InFlight.Entry> finished = new ArrayList<>();
        for (DeliveryTask task : tasks) {
            if (task.entry() != null) {
                finished.add(task.entry());
            }
        }
        inFlight.done(finished);
        return tasks.size();
    }

    static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }
}
