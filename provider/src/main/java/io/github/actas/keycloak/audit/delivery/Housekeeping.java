package io.github.actas.keycloak.audit.delivery;

import java.util.ArrayList;
import java.util.List;

import io.github.actas.keycloak.persistence.AuditOutboxEntity;
import jakarta.persistence.EntityManager;
import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;

/**
 * Sink retention, once a minute on every node (idempotent): gives up on records a sink with a retention limit
 * could not take in time (counted and logged, never silently). The records themselves expire in {@link Retention}.
 */
final class Housekeeping {

    private static final Logger LOG = Logger.getLogger(Housekeeping.class);
    private static final int BATCH = 500;

    void run(KeycloakSession session) {
        EntityManager em = Outbox.em(session);
        long now = Time.currentTimeMillis();
        session.realms().getRealmsStream().forEach(realm ->
                realm.getComponentsStream(realm.getId(), AuditSinkProviderFactory.PROVIDER_TYPE).forEach(component -> {
                    AuditSinkConfig sink = DeliveryPlanner.sink(realm, component.getId());
                    if (sink != null && sink.retentionHours() > 0) {
                        dropExpired(em, sink, now - sink.retentionHours() * 3_600_000L);
                    }
                }));
    }

    private static void dropExpired(EntityManager em, AuditSinkConfig sink, long before) {
        List<AuditOutboxEntity> rows = em.createNamedQuery("actAsOutbox.pendingOfSink", AuditOutboxEntity.class)
                .setParameter("pattern", "%" + sink.id() + "%").setParameter("before", before)
                .setMaxResults(BATCH).getResultList();
        int dropped = 0;
        for (AuditOutboxEntity row : rows) {
            List<String> remaining = new ArrayList<>(DeliveryPlanner.split(row.getPendingSinks()));
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
}
