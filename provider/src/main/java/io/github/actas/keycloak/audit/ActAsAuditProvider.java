package io.github.actas.keycloak.audit;

import org.keycloak.common.util.Time;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.provider.Provider;

/**
 * The one audit path. Every door and lifecycle step hands its record here; it is stored in Keycloak's
 * database, marked pending for each enabled sink of the realm, and delivered by {@link AuditDelivery}
 * after the transaction commits. Nothing lives only in memory.
 */
public final class ActAsAuditProvider implements Provider {

    private static final String WAKE_ENLISTED = ActAsAuditProvider.class.getName() + ".wake";

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
        if (persist(session, realm, record)) {
            wakeDeliveryAfterCommit();
        }
        return record;
    }

    /** Stores a record in its own transaction, for refusals: the request itself is about to fail. */
    public AuditRecord recordNow(RealmModel realm, AuditRecord.Builder builder) {
        AuditRecord record = complete(realm, builder);
        String realmId = realm.getId();
        boolean[] pending = new boolean[1];
        KeycloakModelUtils.runJobInTransaction(session.getKeycloakSessionFactory(),
                own -> pending[0] = persist(own, own.realms().getRealm(realmId), record));
        if (pending[0]) {
            delivery.wakeUp();
        }
        return record;
    }

    /** Makes the records kept for a (re-enabled) sink due now, in the current transaction. */
    public void resume(String sinkId) {
        session.getProvider(JpaConnectionProvider.class).getEntityManager()
                .createQuery("update AuditRecordEntity r set r.nextAttempt = :now"
                        + " where r.nextAttempt is not null and r.pendingSinks like :pattern"
                        + " and (r.leaseUntil is null or r.leaseUntil < :now)")
                .setParameter("now", Time.currentTimeMillis())
                .setParameter("pattern", "%" + sinkId + "%")
                .executeUpdate();
        wakeDeliveryAfterCommit();
    }

    /** Wakes this node's delivery worker once the request's transaction has committed (once per request). */
    private void wakeDeliveryAfterCommit() {
        if (session.getAttribute(WAKE_ENLISTED) != null) {
            return;
        }
        session.setAttribute(WAKE_ENLISTED, Boolean.TRUE);
        session.getTransactionManager().enlistAfterCompletion(new AbstractKeycloakTransaction() {
            @Override
            protected void commitImpl() {
                delivery.wakeUp();
            }

            @Override
            protected void rollbackImpl() {
                // nothing was stored
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

    /** @return whether the record is pending for some sink (then the worker has something to do) */
    private static boolean persist(KeycloakSession session, RealmModel realm, AuditRecord record) {
        String sinks = enabledSinks(realm);
        session.getProvider(JpaConnectionProvider.class).getEntityManager().persist(AuditRecordEntity.of(record,
                sinks, sinks == null ? null : record.time()));
        return sinks != null;
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
