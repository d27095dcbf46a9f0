package io.github.actas.keycloak.audit.delivery;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.github.actas.keycloak.persistence.AuditWriterEntity;
import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * This node's checkpoint and its heartbeat, on a thread of its own so that a slow receiver cannot delay
 * it: keeps the ready queue bounded, publishes up to when everything this node wrote has been dealt with
 * ({@link AuditWriters}), and takes over the records of nodes that fell silent.
 */
final class Heartbeat {

    private static final Logger LOG = Logger.getLogger(Heartbeat.class);
    /** Committed records held for sending at most; beyond this the oldest go to the outbox, so memory stays bounded. */
    private static final int READY_CAPACITY = 10_000;
    /** A transaction holding an audit record open for this long is unusual enough to mention. */
    private static final long LONG_OPEN_MILLIS = 10 * 60 * 1000L;

    private final KeycloakSessionFactory factory;
    private final AuditSettings settings;
    private final InFlight inFlight;
    private final Consumer<List<InFlight.Entry>> toOutbox;
    private final Runnable dueNow;
    /** This node start's checkpoint: a fresh id per start, so a restarted node never mistakes an old row for its own. */
    private final AuditWriters writers = new AuditWriters(UUID.randomUUID().toString(), hostName());
    private ScheduledExecutorService executor;
    /** Whether this node's checkpoint row has been written: it must exist before the first record names it. */
    private volatile boolean checkpointed;
    private long nextLongOpenWarning;

    /**
     * @param toOutbox moves ready records to the outbox (when too many wait)
     * @param dueNow   tells the worker that records became due (a silent node's, taken over)
     */
    Heartbeat(KeycloakSessionFactory factory, AuditSettings settings, InFlight inFlight,
              Consumer<List<InFlight.Entry>> toOutbox, Runnable dueNow) {
        this.factory = factory;
        this.settings = settings;
        this.inFlight = inFlight;
        this.toOutbox = toOutbox;
        this.dueNow = dueNow;
    }

    void start() {
        executor = Executors.newSingleThreadScheduledExecutor(r -> DeliveryWorker.daemon(r, "act-as-audit-heartbeat"));
        // Often enough that a lease never ends while this node is alive and well.
        long interval = Math.max(100, Math.min(settings.pollIntervalMillis(), settings.leaseMillis() / 4));
        executor.scheduleWithFixedDelay(this::run, interval, interval, TimeUnit.MILLISECONDS);
    }

    /** Stops beating (the node is shutting down); {@link #stopped} waits for a beat under way. */
    void stopping() {
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    void stopped() {
        try {
            if (executor != null) {
                executor.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    String writerId() {
        return writers.writerId();
    }

    boolean checkpointed() {
        return checkpointed;
    }

    /**
     * Before the first record naming this node is written (perhaps during Keycloak's start, before the
     * heartbeat runs), its checkpoint row must exist, or a crash right then would leave that record to no one.
     */
    void ensureCheckpoint() {
        if (!checkpointed) {
            firstCheckpoint();
        }
    }

    private synchronized void firstCheckpoint() {
        if (!checkpointed) {
            KeycloakModelUtils.runJobInTransaction(factory,
                    session -> writers.beat(session, Time.currentTimeMillis(), inFlight.safeBefore(Time.currentTimeMillis())));
            checkpointed = true;
        }
    }

    /** At a clean shutdown: the checkpoint goes once nothing is left in flight, else it is published a last time. */
    void finish() {
        if (inFlight.size() == 0) {
            KeycloakModelUtils.runJobInTransaction(factory, writers::retire);
        } else {
            beat();
        }
    }

    private void run() {
        try {
            List<InFlight.Entry> overflow = inFlight.overflow(READY_CAPACITY);
            if (!overflow.isEmpty()) {
                LOG.debugf("Audit backlog: %d records go to the outbox", overflow.size());
                toOutbox.accept(overflow);
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
                    dueNow.run();
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
            LOG.warnf("An audit record's transaction has been open since %s", Instant.ofEpochMilli(open.time()));
        }
    }

    /** For log lines about a takeover: which machine a silent node ran on. */
    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown host";
        }
    }
}
