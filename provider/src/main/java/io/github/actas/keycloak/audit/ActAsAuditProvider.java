package io.github.actas.keycloak.audit;

import java.util.ArrayList;
import java.util.List;

import jakarta.persistence.EntityManager;
import org.keycloak.common.util.Time;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.provider.Provider;

/**
 * The one audit path. Every door and lifecycle step hands its record here; it is stored in Keycloak's
 * database with an outbox row naming each enabled sink of the realm (leased to this node), and handed to
 * this node's {@link AuditDelivery} after the transaction commits. The database row is the truth: the
 * hand-over only saves the worker from reading back what it has just written.
 */
public final class ActAsAuditProvider implements Provider {

    private static final String COMMITTED = ActAsAuditProvider.class.getName() + ".committed";

    private final KeycloakSession session;
    private final AuditDelivery delivery;

    ActAsAuditProvider(KeycloakSession session, AuditDelivery delivery) {
        this.session = session;
        this.delivery = delivery;
    }

    /**
     * Stores a record in the current transaction: if the action rolls back, so does its record.
     *
     * @return the stored record (with its id and time)
     */
    public AuditRecord record(RealmModel realm, AuditRecord.Builder builder) {
        AuditRecord record = complete(realm, builder);
        String sinks = persist(session, realm, record, delivery);
        if (sinks != null) {
            afterCommit().add(new AuditDelivery.Committed(record, sinks));
        }
        return record;
    }

    /** Stores a record in its own transaction, for refusals: the request itself is about to fail. */
    public AuditRecord recordNow(RealmModel realm, AuditRecord.Builder builder) {
        AuditRecord record = complete(realm, builder);
        String realmId = realm.getId();
        String[] sinks = new String[1];
        KeycloakModelUtils.runJobInTransaction(session.getKeycloakSessionFactory(),
                own -> sinks[0] = persist(own, own.realms().getRealm(realmId), record, delivery));
        if (sinks[0] != null) {
            delivery.committed(List.of(new AuditDelivery.Committed(record, sinks[0])));
        }
        return record;
    }

    /** Makes the records kept for a (re-enabled) sink due now, in the current transaction. */
    public void resume(String sinkId) {
        session.getProvider(JpaConnectionProvider.class).getEntityManager()
                .createNamedQuery("actAsOutbox.resume")
                .setParameter("now", Time.currentTimeMillis())
                .setParameter("pattern", "%" + sinkId + "%")
                .executeUpdate();
        afterCommit(delivery::dueNow);
    }

    /**
     * The records this request's transaction stores, handed to this node's delivery worker once it has
     * committed (one hook per request); on rollback they were never stored and are forgotten.
     */
    @SuppressWarnings("unchecked")
    private List<AuditDelivery.Committed> afterCommit() {
        List<AuditDelivery.Committed> committed = (List<AuditDelivery.Committed>) session.getAttribute(COMMITTED);
        if (committed != null) {
            return committed;
        }
        List<AuditDelivery.Committed> records = new ArrayList<>(2);
        session.setAttribute(COMMITTED, records);
        afterCommit(() -> delivery.committed(records));
        return records;
    }

    /** Runs {@code action} once the request's transaction has committed; nothing on rollback. */
    private void afterCommit(Runnable action) {
        session.getTransactionManager().enlistAfterCompletion(new AbstractKeycloakTransaction() {
            @Override
            protected void commitImpl() {
                action.run();
            }

            @Override
            protected void rollbackImpl() {
                // nothing was stored, nothing became due
            }
        });
    }

    private static AuditRecord complete(RealmModel realm, AuditRecord.Builder builder) {
        long now = Time.currentTimeMillis();
        return builder.id(RecordIds.next(now))
                .time(now)
                .realm(realm.getId(), realm.getName())
                .build();
    }

    /** @return the sinks the record is pending for, null if none (then the worker has nothing to do) */
    private static String persist(KeycloakSession session, RealmModel realm, AuditRecord record, AuditDelivery delivery) {
        String sinks = enabledSinks(realm);
        EntityManager em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
        em.persist(AuditRecordEntity.of(record));
        if (sinks != null) {
            em.persist(AuditOutboxEntity.of(record, sinks, delivery.node(), record.time() + delivery.leaseMillis()));
        }
        return sinks;
    }

    /**
     * Comma-separated ids of the realm's enabled sinks, or null. Only {@code enabled} is read: sinks were
     * validated when written, and a malformed one is reported (and skipped) by the worker.
     */
    private static String enabledSinks(RealmModel realm) {
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

    @Override
    public void close() {
    }
}
