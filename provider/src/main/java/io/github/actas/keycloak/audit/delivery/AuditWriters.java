package io.github.actas.keycloak.audit.delivery;

import java.time.Instant;
import java.util.List;

import io.github.actas.keycloak.persistence.AuditOutboxEntity;
import io.github.actas.keycloak.persistence.AuditWriterEntity;
import jakarta.persistence.EntityManager;
import org.jboss.logging.Logger;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * The checkpoint rows of the nodes that deliver audit records ({@link AuditWriterEntity}): this node's
 * heartbeat, and taking over the records of a node that fell silent. Each method runs in the caller's
 * transaction.
 */
final class AuditWriters {

    private static final Logger LOG = Logger.getLogger(AuditWriters.class);

    private final String writerId;
    private final String host;

    AuditWriters(String writerId, String host) {
        this.writerId = writerId;
        this.host = host;
    }

    String writerId() {
        return writerId;
    }

    /**
     * Publishes this node's checkpoint. Its row is created on the first beat, and again if another node
     * took it over because this one was silent for longer than the lease (a long pause): records this node
     * was sending then may arrive twice, none is missed.
     */
    void beat(KeycloakSession session, long now, long safeBefore) {
        EntityManager em = em(session);
        int updated = em.createNamedQuery("actAsWriter.heartbeat").setParameter("now", now)
                .setParameter("safeBefore", safeBefore).setParameter("writerId", writerId).executeUpdate();
        if (updated == 0) {
            if (em.find(AuditWriterEntity.class, writerId) == null) {
                em.persist(AuditWriterEntity.of(writerId, host, now, safeBefore));
            }
        }
    }

    /** Removes this node's checkpoint: everything it wrote has been delivered or is in the outbox. */
    void retire(KeycloakSession session) {
        em(session).createNamedQuery("actAsWriter.retire").setParameter("writerId", writerId).executeUpdate();
    }

    /** Checkpoints of other nodes not refreshed since {@code before}. */
    List<AuditWriterEntity> silentSince(KeycloakSession session, long before) {
        return em(session).createNamedQuery("actAsWriter.silentSince", AuditWriterEntity.class)
                .setParameter("before", before).setParameter("self", writerId).getResultList();
    }

    /**
     * Takes a silent node's place: removes its checkpoint (only one node can) and puts every record it wrote
     * since its last safe point, and did not already leave in the outbox, into the outbox, due now. Some of
     * them may have reached their sinks before the node died: at least once, never lost.
     *
     * @return how many records were moved, or -1 if another node took over first
     */
    int takeOver(KeycloakSession session, AuditWriterEntity silent, long now) {
        EntityManager em = em(session);
        int claimed = em.createNamedQuery("actAsWriter.claim").setParameter("writerId", silent.getWriterId())
                .setParameter("heartbeat", silent.getHeartbeat()).executeUpdate();
        if (claimed == 0) {
            return -1;
        }
        int moved = 0;
        for (RealmModel realm : session.realms().getRealmsStream().toList()) {
            List<Object[]> rows = em.createNamedQuery("actAsAudit.undeliveredOfWriter", Object[].class)
                    .setParameter("realmId", realm.getId()).setParameter("since", silent.getSafeBefore())
                    .setParameter("writerId", silent.getWriterId()).getResultList();
            for (Object[] row : rows) {
                em.persist(AuditOutboxEntity.of((String) row[0], realm.getId(), (Long) row[1], (String) row[2], now));
            }
            moved += rows.size();
        }
        LOG.infof("Took over audit delivery from node %s (%s), silent since %s: %d records it may not have delivered "
                        + "are due again", silent.getWriterId(), silent.getHost(), Instant.ofEpochMilli(silent.getHeartbeat()),
                moved);
        return moved;
    }

    private static EntityManager em(KeycloakSession session) {
        return session.getProvider(JpaConnectionProvider.class).getEntityManager();
    }
}
