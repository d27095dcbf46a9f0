package io.github.actas.keycloak.audit.delivery;

import java.util.List;
import java.util.Set;

import io.github.actas.keycloak.audit.AuditRecord;

/**
 * A record and what to do with each of its pending sinks.
 *
 * @param deliver the sinks to send to now
 * @param gone    sinks that no longer exist (the record will not reach them)
 * @param paused  sinks that are disabled (the record waits for them in the outbox)
 * @param entry   its place in this node's in-flight registry when it was just written here; null when it
 *                was claimed from the outbox
 */
record DeliveryTask(AuditRecord record, List<String> pending, List<SinkTarget> deliver, Set<String> gone,
                    Set<String> paused, InFlight.Entry entry) {

    String recordId() {
        return record.id();
    }
}
