package io.github.actas.keycloak.session;

import java.util.List;
import java.util.Objects;

import io.github.actas.keycloak.audit.ActAsAuditProvider;
import io.github.actas.keycloak.audit.AuditRecord;
import io.github.actas.keycloak.audit.AuditTypes;
import io.github.actas.keycloak.policy.ActAsPolicyProvider;
import io.github.actas.keycloak.policy.ActAsRequest;
import io.github.actas.keycloak.policy.Decision;
import io.github.actas.keycloak.policy.Mode;
import io.github.actas.keycloak.policy.Principal;
import jakarta.persistence.EntityManager;
import jakarta.persistence.TypedQuery;
import org.keycloak.common.ClientConnection;
import org.keycloak.common.util.Time;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.services.managers.AuthenticationManager;
import org.keycloak.services.managers.UserSessionManager;

/**
 * Starts, finds, re-checks and ends Act-As sessions. An Act-As session is a Keycloak user session of
 * the target (so every Keycloak mechanism, from userinfo to logout, works on it) carrying
 * {@link ActAsSession} notes, plus a row in {@code ACT_AS_SESSION} written in the same transaction.
 */
public final class ActAsSessions {

    /** The authentication method recorded on the user session. */
    public static final String AUTH_METHOD = "act-as";

    /** A session with less time left than this (or half its duration) is not reused. */
    private static final int MIN_REUSE_REMAINING_SECONDS = 60;

    private final KeycloakSession session;

    public ActAsSessions(KeycloakSession session) {
        this.session = session;
    }

    /** Creates the target's user session for an allowed decision. */
    public UserSessionModel start(RealmModel realm, UserModel target, ActAsSession notes) {
        ClientConnection connection = session.getContext().getConnection();
        UserSessionModel userSession = new UserSessionManager(session).createUserSession(realm, target,
                target.getUsername(), connection == null ? null : connection.getRemoteHost(), AUTH_METHOD,
                false, null, null);
        notes.writeTo(userSession);

        ActAsSessionEntity row = new ActAsSessionEntity();
        row.setId(userSession.getId());
        row.setRealmId(realm.getId());
        row.setMode(notes.mode().wireName());
        row.setActorId(notes.actorId());
        row.setActorUsername(notes.actorUsername());
        row.setTargetId(target.getId());
        row.setTargetUsername(target.getUsername());
        row.setGrantId(notes.grantId());
        row.setGrantName(notes.grantName());
        row.setClientId(notes.clientId());
        row.setReason(notes.reason());
        row.setStarted(notes.started());
        row.setExpires(notes.expires());
        em().persist(row);
        return userSession;
    }

    /**
     * The Act-As session an earlier, identical request started from the same parent session (the actor's
     * session for impersonation, the user's for delegation), if it can serve this one too: same target,
     * actor, mode, grant, client, reason and acr, and not close to its hard end. Reusing it means a
     * repeated exchange is one impersonation with one hard end, not a new session each time.
     */
    public Reuse reusable(RealmModel realm, UserSessionModel parent, UserModel target, ActAsSession wanted,
                          int durationSeconds) {
        String childId = parent == null ? null : parent.getNote(childKey(wanted, target));
        UserSessionModel child = childId == null ? null : session.sessions().getUserSession(realm, childId);
        ActAsSession existing = ActAsSession.of(child);
        if (existing == null || existing.expiredAt(Time.currentTime())) {
            return new Reuse(null, true);
        }
        boolean same = child.getUser().getId().equals(target.getId())
                && existing.mode() == wanted.mode()
                && Objects.equals(existing.actorId(), wanted.actorId())
                && Objects.equals(existing.grantId(), wanted.grantId())
                && Objects.equals(existing.clientId(), wanted.clientId())
                && Objects.equals(existing.reason(), wanted.reason())
                && Objects.equals(existing.acr(), wanted.acr())
                && Objects.equals(existing.nestedAct(), wanted.nestedAct());
        if (!same) {
            return new Reuse(null, false);
        }
        long remaining = existing.expires() - Time.currentTime();
        boolean worthIt = remaining >= Math.min(MIN_REUSE_REMAINING_SECONDS, durationSeconds / 2);
        // Too close to its end: the session started now succeeds it, and the requests after this one reuse that.
        return worthIt ? new Reuse(child, false) : new Reuse(null, true);
    }

    /**
     * What {@link #reusable} found.
     *
     * @param session the session to reuse, or null
     * @param relink  whether a session started now should become the one the parent points at: yes when the
     *                parent points at none that is live, or at this request's own session near its end; no
     *                when it points at a live session of a different request, so that varied requests do
     *                not keep rewriting the parent session (which every concurrent request of that actor
     *                would contend on)
     */
    public record Reuse(UserSessionModel session, boolean relink) {
    }

    /** Remembers on the parent session which Act-As session it started, for {@link #reusable}. */
    public void link(UserSessionModel parent, UserModel target, ActAsSession started, UserSessionModel child) {
        if (parent != null && parent.getPersistenceState() != UserSessionModel.SessionPersistenceState.TRANSIENT) {
            parent.setNote(childKey(started, target), child.getId());
        }
    }

    private static String childKey(ActAsSession notes, UserModel target) {
        // The other party: for impersonation the parent is the actor's session, so the key names the target;
        // for delegation the parent is the user's (target's) session, so it names the actor.
        String other = notes.mode() == Mode.DELEGATE ? notes.actorId() : target.getId();
        return ActAsSession.PREFIX + "child." + notes.mode().wireName() + "." + other + "." + notes.clientId();
    }

    /** Removes a session started in this request whose tokens could not be issued. */
    public void discard(RealmModel realm, UserSessionModel userSession) {
        session.sessions().removeUserSession(realm, userSession);
        ActAsSessionEntity row = em().find(ActAsSessionEntity.class, userSession.getId());
        if (row != null) {
            em().remove(row);
        }
    }

    /**
     * Re-decides an existing session with today's grants and users: the actor must still exist, be
     * enabled and be allowed to act as the session's user for this client.
     *
     * @return the decision, or null when the session has passed its hard end or its actor is gone
     */
    public Decision recheck(RealmModel realm, ClientModel client, UserSessionModel userSession, ActAsSession notes) {
        if (notes.expiredAt(Time.currentTime())) {
            return null;
        }
        UserModel actorUser = notes.actorId() == null ? null : session.users().getUserById(realm, notes.actorId());
        if (actorUser == null) {
            return null;
        }
        ActAsPolicyProvider policy = session.getProvider(ActAsPolicyProvider.class);
        Principal actor = policy.principal(realm, actorUser);
        ActAsRequest request = new ActAsRequest(actor, notes.mode(), userSession.getUser().getId(), null,
                client.getClientId(), notes.reason(), notes.acr());
        return policy.decide(realm, client, request);
    }

    /** Active registry rows of the realm (optionally of one actor or target), newest first. */
    public List<ActAsSessionEntity> active(RealmModel realm, String actorId, String targetId, int first, int max) {
        TypedQuery<ActAsSessionEntity> query;
        if (actorId != null) {
            query = em().createNamedQuery("actAsSessions.activeOfActor", ActAsSessionEntity.class).setParameter("actorId", actorId);
        } else if (targetId != null) {
            query = em().createNamedQuery("actAsSessions.activeOfTarget", ActAsSessionEntity.class).setParameter("targetId", targetId);
        } else {
            query = em().createNamedQuery("actAsSessions.active", ActAsSessionEntity.class);
        }
        return query.setParameter("realmId", realm.getId())
                .setParameter("now", (long) Time.currentTime())
                .setFirstResult(first)
                .setMaxResults(max)
                .getResultList();
    }

    public ActAsSessionEntity find(RealmModel realm, String id) {
        ActAsSessionEntity row = id == null || id.length() > 36 ? null : em().find(ActAsSessionEntity.class, id);
        return row != null && row.getRealmId().equals(realm.getId()) ? row : null;
    }

    /**
     * @return the live Keycloak user session behind a registry row, or null when it is gone (logged out,
     *         expired); a row without a session is removed
     */
    public UserSessionModel live(RealmModel realm, ActAsSessionEntity row) {
        UserSessionModel userSession = session.sessions().getUserSession(realm, row.getId());
        if (userSession == null || !ActAsSession.isActAs(userSession)) {
            em().remove(row);
            return null;
        }
        return userSession;
    }

    /**
     * Ends a session: the index row goes first (so Act-As's logout listener does not record the end a
     * second time), then Keycloak logs the session out, notifying clients with back-channel logout.
     */
    public void end(RealmModel realm, ActAsSessionEntity row, UserSessionModel userSession) {
        if (row != null) {
            em().remove(row);
            em().flush();
        }
        if (userSession != null) {
            AuthenticationManager.backchannelLogout(session, realm, userSession, session.getContext().getUri(),
                    session.getContext().getConnection(), session.getContext().getRequestHeaders(), true);
        }
    }

    /** The audit record of an Act-As session's lifecycle step, with the session's facts. */
    public static AuditRecord.Builder describe(String type, String outcome, ActAsSession notes, UserSessionModel userSession) {
        return describe(type, outcome, notes, userSession.getUser()).sessionId(userSession.getId());
    }

    /** The same, about a target user (when there is no user session to name). */
    public static AuditRecord.Builder describe(String type, String outcome, ActAsSession notes, UserModel target) {
        return AuditRecord.builder(type, outcome)
                .initiatingUser(notes.actorId(), notes.actorUsername())
                .effectiveUser(target.getId(), target.getUsername())
                .mode(notes.mode())
                .grant(notes.grantName())
                .reason(notes.reason())
                .client(notes.clientId());
    }

    /** The same, from the index row (the user session may be gone). */
    public static AuditRecord.Builder describe(String type, String outcome, ActAsSessionEntity row) {
        return AuditRecord.builder(type, outcome)
                .initiatingUser(row.getActorId(), row.getActorUsername())
                .effectiveUser(row.getTargetId(), row.getTargetUsername())
                .mode(row.getMode())
                .grant(row.getGrantName())
                .reason(row.getReason())
                .client(row.getClientId())
                .sessionId(row.getId());
    }

    /**
     * Housekeeping, on any node: removes Keycloak user sessions of Act-As sessions past their hard end
     * (their tokens are already expired; this frees the store instead of waiting for the realm's SSO
     * timeouts) and their index rows. Safe to run concurrently: removing twice is harmless.
     *
     * @return how many Act-As sessions were purged
     */
    public int purgeExpired(int limit) {
        List<ActAsSessionEntity> rows = em().createNamedQuery("actAsSessions.expired", ActAsSessionEntity.class)
                .setParameter("now", (long) Time.currentTime())
                .setMaxResults(limit)
                .getResultList();
        for (ActAsSessionEntity row : rows) {
            RealmModel realm = session.realms().getRealm(row.getRealmId());
            em().remove(row);
            if (realm == null) {
                continue;
            }
            session.getContext().setRealm(realm); // a timer task has no request realm; the session store needs one
            UserSessionModel userSession = session.sessions().getUserSession(realm, row.getId());
            boolean live = userSession != null && ActAsSession.isActAs(userSession);
            if (live) {
                session.sessions().removeUserSession(realm, userSession);
            }
            session.getProvider(ActAsAuditProvider.class).record(realm, describe(AuditTypes.ENDED, AuditRecord.ENDED, row)
                    .error(live ? "hard end reached" : "session had already ended in Keycloak (logout or timeout)"));
        }
        return rows.size();
    }

    private EntityManager em() {
        return session.getProvider(JpaConnectionProvider.class).getEntityManager();
    }
}
