package io.github.actas.keycloak.audit;

import java.util.List;

import org.keycloak.models.RealmModel;

/**
 * How the emitter hands records to this node's delivery: the delivery worker implements it (in
 * {@code audit.delivery}, which sits above this package). A record with sinks takes a {@link Slot}
 * before it is written, and is committed or abandoned with its transaction.
 */
public interface Handover {

    /** A record's place in this node's delivery, taken before the record is written. */
    interface Slot {
        /** When the record is written: its time. */
        long time();
    }

    /** A record committed, with the sinks it is for (comma-separated ids). */
    record Pending(AuditRecord record, String sinks) {
    }

    /** @return the comma-separated ids of the realm's enabled sinks, or null when it has none */
    String enabledSinks(RealmModel realm);

    /** The node start writing records (it delivers them). */
    String writerId();

    Slot open();

    void committed(List<Slot> slots, List<Pending> records);

    void abandoned(List<Slot> slots);
}
