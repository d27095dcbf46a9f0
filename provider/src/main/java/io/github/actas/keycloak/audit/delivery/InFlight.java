package io.github.actas.keycloak.audit.delivery;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;

import io.github.actas.keycloak.audit.Handover;

/**
 * The records this node is writing or delivering: from the moment one is created inside a transaction
 * until every sink has it or it is in the outbox. Never the only copy of anything: a record that
 * matters is a committed database row, and {@link #safeBefore} is what this node publishes in its
 * checkpoint row ({@link AuditWriters}) so that, should it die, another node knows which of its rows to
 * deliver. Other nodes never need to see this registry; losing it (a crash) costs duplicates, not records.
 *
 * <p>Times are handed out here, under the same lock that reads the oldest entry, and never go backwards:
 * a record created after {@link #safeBefore} returned {@code t} has a time of at least {@code t}.
 */
final class InFlight {

    enum State { OPEN, READY, SENDING }

    /** One record: open while its transaction runs, ready once committed, sending while in a batch. */
    static final class Entry implements Handover.Slot {
        private final long time;
        private State state = State.OPEN;
        private Handover.Pending committed;

        private Entry(long time) {
            this.time = time;
        }

        @Override
        public long time() {
            return time;
        }

        Handover.Pending committed() {
            return committed;
        }
    }

    /** Every entry, oldest first (times are handed out in insertion order). Identity-hashed. */
    private final LinkedHashSet<Entry> entries = new LinkedHashSet<>();
    /** Committed entries waiting for the worker, oldest first. */
    private final ArrayDeque<Entry> ready = new ArrayDeque<>();
    private long lastTime;

    /** A new entry for a record about to be written; its time is the record's time. */
    synchronized Entry open(long now) {
        lastTime = Math.max(now, lastTime);
        Entry entry = new Entry(lastTime);
        entries.add(entry);
        return entry;
    }

    /**
     * The record's transaction committed: it is ready to send.
     *
     * @return how many entries are ready now (the worker is woken for the first and for a full batch)
     */
    synchronized int commit(Entry entry, Handover.Pending committed) {
        entry.committed = committed;
        entry.state = State.READY;
        ready.addLast(entry);
        return ready.size();
    }

    /** The record's transaction rolled back: there is nothing to deliver. */
    synchronized void abandon(Entry entry) {
        entries.remove(entry);
    }

    /** Up to {@code max} ready entries, oldest first, now sending. */
    synchronized List<Entry> take(int max) {
        List<Entry> batch = new ArrayList<>(Math.min(max, ready.size()));
        while (batch.size() < max && !ready.isEmpty()) {
            Entry entry = ready.pollFirst();
            entry.state = State.SENDING;
            batch.add(entry);
        }
        return batch;
    }

    /** The oldest ready entries beyond {@code keep}, to be moved to the outbox instead of waiting here. */
    synchronized List<Entry> overflow(int keep) {
        List<Entry> moved = new ArrayList<>(Math.max(0, ready.size() - keep));
        while (ready.size() > keep) {
            Entry entry = ready.pollFirst();
            entry.state = State.SENDING;
            moved.add(entry);
        }
        return moved;
    }

    /** Every sink has these, or they are in the outbox: this node is done with them. */
    synchronized void done(Collection<Entry> finished) {
        finished.forEach(entries::remove);
    }

    /** Their outcome could not be stored: they go back to the front of the queue, to be sent again. */
    synchronized void retry(List<Entry> failed) {
        for (int i = failed.size() - 1; i >= 0; i--) {
            Entry entry = failed.get(i);
            entry.state = State.READY;
            ready.addFirst(entry);
        }
    }

    /**
     * Every record this node created with an earlier time has been delivered, or is in the outbox, or was
     * rolled back: the oldest entry's time, or now (and no later record will be older).
     */
    synchronized long safeBefore(long now) {
        lastTime = Math.max(now, lastTime);
        Iterator<Entry> oldest = entries.iterator();
        return oldest.hasNext() ? oldest.next().time : lastTime;
    }

    /** The oldest entry still open (its transaction not finished), or null. */
    synchronized Entry oldestOpen() {
        for (Entry entry : entries) {
            if (entry.state == State.OPEN) {
                return entry;
            }
        }
        return null;
    }

    synchronized int readyCount() {
        return ready.size();
    }

    synchronized int size() {
        return entries.size();
    }

    /** Everything ready, for a clean shutdown: it goes to the outbox. */
    synchronized List<Entry> drainReady() {
        return overflow(0);
    }

    synchronized Entry peekReady() {
        return ready.peekFirst();
    }
}
