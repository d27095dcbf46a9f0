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
 * database in the caller's transaction, naming the realm's enabled sinks and this node, and handed to
 * this node's {@link AuditDelivery} once that transaction has committed (forgotten if it rolls back).
 */
public final class ActAsAuditProvider implements Provider {

    private static final String PENDING = ActAsAuditProvider.class.getName() + ".pending";

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
        String sinks = enabledSinks(realm);
        if (sinks == null) {
            AuditRecord record = complete(realm, builder, Time.currentTimeMillis());
            em(session).persist(AuditRecordEntity.of(record, null, null));
            return record;
        }
        InFlight.Entry entry = delivery.open();
        AuditRecord record = complete(realm, builder, entry.time());
        em(session).persist(AuditRecordEntity.of(record, sinks, delivery.writerId()));
        pending().add(entry, new AuditDelivery.Committed(record, sinks));
        return record;
    }

    /** Stores a record in its own transaction, for refusals: the request itself is about to fail. */
    public AuditRecord recordNow(RealmModel realm, AuditRecord.Builder builder) {
        String sinks = enabledSinks(realm);
        InFlight.Entry entry = sinks == null ? null : delivery.open();
        AuditRecord record = complete(realm, builder, entry == null ? Time.currentTimeMillis() : entry.time());
        try {
            KeycloakModelUtils.runJobInTransaction(session.getKeycloakSessionFactory(),
                    own -> em(own).persist(AuditRecordEntity.of(record, sinks, sinks == null ? null : delivery.writerId())));
        } catch (RuntimeException e) {
            if (entry != null) {
                delivery.abandoned(List.of(entry));
            }
            throw e;
        }
        if (entry != null) {
            delivery.committed(List.of(entry), List.of(new AuditDelivery.Committed(record, sinks)));
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
     * The records this request's transaction stores with sinks: handed to this node's delivery worker once
     * it has committed, forgotten if it rolls back (one hook per request).
     */
    private Pending pending() {
        Pending pending = (Pending) session.getAttribute(PENDING);
        if (pending == null) {
            pending = new Pending(delivery);
            session.setAttribute(PENDING, pending);
            session.getTransactionManager().enlistAfterCompletion(pending);
        }
        return pending;
    }

    private static final class Pending extends AbstractKeycloakTransaction {
        private final AuditDelivery delivery;
        private final List<InFlight.Entry> entries = new ArrayList<>(2);
        private final List<AuditDelivery.Committed> records = new ArrayList<>(2);

        Pending(AuditDelivery delivery) {
            this.delivery = delivery;
        }

        void add(InFlight.Entry entry, AuditDelivery.Committed record) {
            entries.add(entry);
            records.add(record);
        }

        @Override
        protected void commitImpl() {
            delivery.committed(entries, records);
        }

        @Override
        protected void rollbackImpl() {
            delivery.abandoned(entries);
        }
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

    private static AuditRecord complete(RealmModel realm, AuditRecord.Builder builder, long time) {
        return builder.id(RecordIds.next(time))
                .time(time)
                .realm(realm.getId(), realm.getName())
                .build();
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

    private static EntityManager em(KeycloakSession session) {
        return session.getProvider(JpaConnectionProvider.class).getEntityManager();
    }

    @Override
    public void close() {
    }
}
