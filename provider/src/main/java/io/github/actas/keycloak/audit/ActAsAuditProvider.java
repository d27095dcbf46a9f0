package io.github.actas.keycloak.audit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.github.actas.keycloak.persistence.AuditRecordEntity;
import io.github.actas.keycloak.policy.Mode;
import io.github.actas.keycloak.policy.Principal;
import jakarta.persistence.EntityManager;
import org.keycloak.common.ClientConnection;
import org.keycloak.common.util.Time;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.provider.Provider;

/**
 * The one audit path: a method per step. Each writes the step's record and fires the matching Keycloak
 * event with the same facts; realm, time, address and record id are filled in here. Records go into
 * Keycloak's database in the caller's transaction (refusals and failures in one of their own: the request
 * they belong to is failing) and to this node's delivery once that transaction has committed.
 *
 * <p>A door that has a Keycloak event of its own (the token endpoint's {@code TOKEN_EXCHANGE}, a refresh's
 * {@code REFRESH_TOKEN}) passes it in as a {@link DoorEvent}: it is given the same facts here. Otherwise
 * the event is made and sent here: {@code IMPERSONATE} (or {@code TOKEN_EXCHANGE} for delegation) when
 * acting starts, {@code IMPERSONATE_ERROR} for a refusal, {@code LOGOUT} when Act-As itself ends a session.
 * Grant changes are in Keycloak's admin events (the API that changed the grant sends one); a failed
 * notification only has Keycloak's own log line about the email.
 */
public final class ActAsAuditProvider implements Provider {

    private static final String PENDING = ActAsAuditProvider.class.getName() + ".pending";
    private static final String DENIED_ERROR = "act_as_denied";

    private final KeycloakSession session;
    private final Handover handover;
    private final ActAsMeters meters;

    public ActAsAuditProvider(KeycloakSession session, Handover handover, ActAsMeters meters) {
        this.session = session;
        this.handover = handover;
        this.meters = meters;
    }

    /**
     * Acting started: a session was created and its first token issued.
     *
     * @param door    the request's Keycloak event, or null: then an {@code IMPERSONATE} event (delegation:
     *                {@code TOKEN_EXCHANGE}) is sent from here
     * @param through the door that decided (counted in the metrics)
     */
    public AuditRecord started(RealmModel realm, ActingFacts facts, String tokenId, DoorEvent door, Door through) {
        meters.decision(realm, through, null);
        AuditRecord record = record(realm, builder(RecordType.STARTED, facts).tokenId(tokenId));
        EventBuilder event = door != null ? door.event() : newEvent(realm, startType(facts));
        describe(event, facts, record).user(facts.targetId()).detail(ActAsEventDetails.SESSION_STARTED, "true");
        send(event, door);
        return record;
    }

    /**
     * A token was issued from a running acting session; its door's Keycloak event gets the facts.
     *
     * @param door the request's Keycloak event, or null where Keycloak sends its own without handing it over
     *             (an application's code exchanged while the browser acts: {@code CODE_TO_TOKEN})
     * @param decidedBy the door that decided anew to issue it (a running session reused), or null when no door
     *                  asked (a refresh, an application signing in by SSO)
     */
    public AuditRecord tokenIssued(RealmModel realm, ActingFacts facts, String tokenId, DoorEvent door, Door decidedBy) {
        if (decidedBy != null) {
            meters.decision(realm, decidedBy, null);
        }
        AuditRecord record = record(realm, builder(RecordType.TOKEN_ISSUED, facts).tokenId(tokenId));
        if (door != null) {
            describe(door.event(), facts, record).user(facts.targetId()).detail(ActAsEventDetails.SESSION_STARTED, "false");
            send(door.event(), door);
        }
        return record;
    }

    /**
     * A request to act was refused. Stored in a transaction of its own: the request is failing.
     *
     * @param why        the refusal as the caller was told it (or the denial's name)
     * @param door       the request's Keycloak event, or null: then {@code IMPERSONATE_ERROR} is sent from here
     * @param eventError the error of the door's event ({@code not_allowed}, {@code invalid_request}, ...)
     * @param through    the door that refused (counted in the metrics)
     */
    public AuditRecord denied(RealmModel realm, ActingFacts facts, String why, DoorEvent door, String eventError,
                              Door through) {
        meters.decision(realm, through, why);
        AuditRecord record = recordNow(realm, builder(RecordType.DENIED, facts).error(why));
        EventBuilder event = door != null ? door.event() : newEvent(realm, EventType.IMPERSONATE_ERROR);
        describe(event, facts, record).user(facts.actorId()).detail(ActAsEventDetails.DENIAL, why);
        if (door == null || !door.sentByKeycloak()) {
            event.error(door == null || eventError == null ? DENIED_ERROR : eventError);
        }
        return record;
    }

    /** The explain endpoint answered (no record: nobody acted); counted with the doors' decisions. */
    public void explained(RealmModel realm, String denial) {
        meters.decision(realm, Door.EXPLAIN, denial);
    }

    /**
     * An acting session ended, recorded by whoever ended it (exactly once: see the acting sessions). A
     * {@code LOGOUT} event goes with it unless Keycloak itself ended the session (it sent its own).
     *
     * @param endedBy the person who ended it (the actor on Stop, an administrator), or null
     */
    public AuditRecord ended(RealmModel realm, ActingFacts facts, EndReason reason, UserModel endedBy) {
        RecordType type = reason == EndReason.REVOKED ? RecordType.REVOKED : RecordType.ENDED;
        AuditRecord record = record(realm, builder(type, facts).endReason(reason)
                .endedBy(endedBy == null ? null : endedBy.getId(), endedBy == null ? null : endedBy.getUsername()));
        if (!reason.endedByKeycloak()) {
            describe(newEvent(realm, EventType.LOGOUT), facts, record)
                    .user(facts.targetId())
                    .detail(ActAsEventDetails.END_REASON, reason.code())
                    .detail(ActAsEventDetails.ENDED_BY, endedBy == null ? null : endedBy.getUsername())
                    .success();
        }
        return record;
    }

    /** The target of a grant with notifyTarget could not be told; stored at once (it happens after the commit). */
    public AuditRecord notificationFailed(RealmModel realm, ActingFacts facts, String problem) {
        return recordNow(realm, builder(RecordType.NOTIFICATION_FAILED, facts).error(problem));
    }

    /**
     * A grant was created, updated or deleted, by the administrator Keycloak authenticated for the request.
     * The admin API that changed it sends Keycloak's admin event.
     */
    public AuditRecord grantChanged(RealmModel realm, GrantChange change, String grantName) {
        UserModel admin = session.getContext().getUser();
        return record(realm, new RecordBuilder(change.type)
                .initiatingUser(admin == null ? null : admin.getId(), admin == null ? null : admin.getUsername())
                .grant(grantName));
    }

    /**
     * A service account was created, its key rotated or the account revoked, by {@code admin} (from the admin
     * API or the account console); the record's effective user is the account ({@code sa:<name>}).
     */
    public AuditRecord serviceAccountChanged(RealmModel realm, ServiceAccountChange change, UserModel admin,
                                             String principalId, String accountName) {
        return record(realm, new RecordBuilder(change.type)
                .initiatingUser(admin == null ? null : admin.getId(), admin == null ? null : admin.getUsername())
                .effectiveUser(principalId, Principal.serviceAccountName(accountName)));
    }

    /**
     * A service account's key expires soon, or has expired, as housekeeping found (no one initiates it); the
     * record's {@code reason} says when.
     */
    public AuditRecord serviceAccountExpiry(RealmModel realm, ServiceAccountChange change, String principalId,
                                            String accountName, Instant expires) {
        return record(realm, new RecordBuilder(change.type)
                .effectiveUser(principalId, Principal.serviceAccountName(accountName))
                .reason("expires " + expires));
    }

    /** How a service account changed. */
    public enum ServiceAccountChange {
        CREATED(RecordType.SERVICE_ACCOUNT_CREATED), ROTATED(RecordType.SERVICE_ACCOUNT_ROTATED),
        REVOKED(RecordType.SERVICE_ACCOUNT_REVOKED), EXPIRING(RecordType.SERVICE_ACCOUNT_EXPIRING),
        EXPIRED(RecordType.SERVICE_ACCOUNT_EXPIRED);

        private final RecordType type;

        ServiceAccountChange(RecordType type) {
            this.type = type;
        }
    }

    /** How a grant changed. */
    public enum GrantChange {
        CREATED(RecordType.GRANT_CREATED), UPDATED(RecordType.GRANT_UPDATED), DELETED(RecordType.GRANT_DELETED);

        private final RecordType type;

        GrantChange(RecordType type) {
            this.type = type;
        }
    }

    private static void send(EventBuilder event, DoorEvent door) {
        if (door == null || !door.sentByKeycloak()) {
            event.success();
        }
    }

    private static EventType startType(ActingFacts facts) {
        return facts.mode() == Mode.DELEGATE ? EventType.TOKEN_EXCHANGE : EventType.IMPERSONATE;
    }

    private EventBuilder newEvent(RealmModel realm, EventType type) {
        ClientConnection connection = session.getContext().getConnection();
        // Housekeeping ends sessions from a timer task, which has no connection.
        EventBuilder event = connection == null ? new EventBuilder(realm, session) : new EventBuilder(realm, session, connection);
        return event.event(type);
    }

    /** The facts of a record as event details: the same values, under Act-As's detail keys. */
    private static EventBuilder describe(EventBuilder event, ActingFacts facts, AuditRecord record) {
        if (facts.client() != null) {
            event.client(facts.client());
        }
        if (facts.sessionId() != null) {
            event.session(facts.sessionId());
        }
        return event
                .detail(ActAsEventDetails.RECORD_ID, record.id())
                .detail(ActAsEventDetails.MODE, facts.mode() == null ? null : facts.mode().wireName())
                .detail(ActAsEventDetails.ACTOR, facts.actorUsername())
                .detail(ActAsEventDetails.ACTOR_ID, facts.actorId())
                .detail(ActAsEventDetails.ACTOR_CLIENT, facts.actorClientId())
                .detail(Details.IMPERSONATOR, facts.actorUsername())
                .detail(ActAsEventDetails.TARGET, facts.targetUsername())
                .detail(ActAsEventDetails.TARGET_ID, facts.targetId())
                .detail(ActAsEventDetails.GROUP, facts.group() == null ? null : facts.group().path())
                .detail(ActAsEventDetails.GROUP_ID, facts.group() == null ? null : facts.group().id())
                .detail(ActAsEventDetails.GRANT, facts.grant())
                .detail(ActAsEventDetails.REASON, facts.reason())
                .detail(ActAsEventDetails.EXPIRES, facts.expires() == 0 ? null : Long.toString(facts.expires()));
    }

    private RecordBuilder builder(RecordType type, ActingFacts facts) {
        return new RecordBuilder(type)
                .initiatingUser(facts.actorId(), facts.actorUsername())
                .effectiveUser(facts.targetId(), facts.targetUsername())
                .effectiveGroup(facts.group())
                .mode(facts.mode() == null ? null : facts.mode().wireName())
                .grant(facts.grant())
                .reason(facts.reason())
                .client(facts.client())
                .sessionId(facts.sessionId());
    }

    /** Stores a record in the current transaction: if the action rolls back, so does its record. */
    private AuditRecord record(RealmModel realm, RecordBuilder builder) {
        String sinks = handover.enabledSinks(realm);
        if (sinks == null) {
            AuditRecord record = complete(realm, builder, Time.currentTimeMillis());
            em(session).persist(AuditRecords.entity(record, null, null));
            return record;
        }
        Handover.Slot slot = handover.open();
        AuditRecord record = complete(realm, builder, slot.time());
        em(session).persist(AuditRecords.entity(record, sinks, handover.writerId()));
        pending().add(slot, new Handover.Pending(record, sinks));
        return record;
    }

    /** Stores a record in a transaction of its own. */
    private AuditRecord recordNow(RealmModel realm, RecordBuilder builder) {
        String sinks = handover.enabledSinks(realm);
        Handover.Slot slot = sinks == null ? null : handover.open();
        AuditRecord record = complete(realm, builder, slot == null ? Time.currentTimeMillis() : slot.time());
        AuditRecordEntity row = AuditRecords.entity(record, sinks, sinks == null ? null : handover.writerId());
        try {
            KeycloakModelUtils.runJobInTransaction(session.getKeycloakSessionFactory(), own -> em(own).persist(row));
        } catch (RuntimeException e) {
            if (slot != null) {
                handover.abandoned(List.of(slot));
            }
            throw e;
        }
        if (slot != null) {
            handover.committed(List.of(slot), List.of(new Handover.Pending(record, sinks)));
        }
        return record;
    }

    private AuditRecord complete(RealmModel realm, RecordBuilder builder, long time) {
        ClientConnection connection = session.getContext().getConnection();
        return builder.build(RecordIds.next(time), time, realm,
                connection == null ? null : connection.getRemoteAddr());
    }

    /**
     * The records this request's transaction stores with sinks: handed to this node's delivery once it has
     * committed, forgotten if it rolls back (one hook per request).
     */
    private Pending pending() {
        Pending pending = (Pending) session.getAttribute(PENDING);
        if (pending == null) {
            pending = new Pending(handover);
            session.setAttribute(PENDING, pending);
            session.getTransactionManager().enlistAfterCompletion(pending);
        }
        return pending;
    }

    private static final class Pending extends AbstractKeycloakTransaction {
        private final Handover handover;
        private final List<Handover.Slot> slots = new ArrayList<>(2);
        private final List<Handover.Pending> records = new ArrayList<>(2);

        Pending(Handover handover) {
            this.handover = handover;
        }

        void add(Handover.Slot slot, Handover.Pending record) {
            slots.add(slot);
            records.add(record);
        }

        @Override
        protected void commitImpl() {
            handover.committed(slots, records);
        }

        @Override
        protected void rollbackImpl() {
            handover.abandoned(slots);
        }
    }

    private static EntityManager em(KeycloakSession session) {
        return session.getProvider(JpaConnectionProvider.class).getEntityManager();
    }

    @Override
    public void close() {
    }
}
