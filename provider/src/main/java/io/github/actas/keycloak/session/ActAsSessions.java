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
import org.keycloak.models.utils.KeycloakModelUtils;
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

    /** Sessions are ended in pages of this size (an actor's, a target's, those delegated from one). */
    private static final int END_BATCH = 200;

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
        row.setParentId(notes.parentId());
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
     * What re-deciding a running session found.
     *
     * @param decision the decision with today's grants and users, or null when the session must end anyway
     * @param notes    the session's notes, with its hard end moved earlier if the grant (or the session it was
     *                 delegated from) now ends it sooner
     * @param end      why the session must end now (past its hard end, actor gone, parent ended), or null
     */
    public record Recheck(Decision decision, ActAsSession notes, EndReason end) {

        public boolean allowed() {
            return end == null && decision != null && decision.allowed();
        }
    }

    /**
     * Re-decides an existing session with today's grants and users, for {@code client}: the actor must still
     * exist, be enabled and be allowed to act as the session's user. A grant that was shortened (or a parent
     * session that ends sooner) moves the session's hard end earlier, here and for every token issued from now on.
     */
    public Recheck recheck(RealmModel realm, ClientModel client, UserSessionModel userSession, ActAsSession notes) {
        long now = Time.currentTime();
        if (notes.expiredAt(now)) {
            return new Recheck(null, notes, EndReason.HARD_END);
        }
        long end = notes.expires();
        if (notes.parentId() != null) {
            ActAsSession parent = ActAsSession.of(session.sessions().getUserSession(realm, notes.parentId()));
            if (parent == null || parent.expiredAt(now)) {
                return new Recheck(null, notes, EndReason.PARENT_ENDED);
            }
            end = Math.min(end, parent.expires());
        }
        UserModel actorUser = notes.actorId() == null ? null : session.users().getUserById(realm, notes.actorId());
        if (actorUser == null) {
            return new Recheck(null, notes, EndReason.ACTOR_GONE);
        }
        ActAsPolicyProvider policy = session.getProvider(ActAsPolicyProvider.class);
        Principal actor = policy.principal(realm, actorUser);
        ActAsRequest request = new ActAsRequest(actor, notes.mode(), userSession.getUser().getId(), null,
                client.getClientId(), notes.reason(), notes.acr());
        Decision decision = policy.decide(realm, client, request);
        if (!decision.allowed()) {
            return new Recheck(decision, notes, null); // nothing written: the caller may end it in another transaction
        }
        end = Math.min(end, decision.sessionLimit().endFor(notes.started()));
        if (end <= now) {
            return new Recheck(decision, notes.endingAt(end), EndReason.HARD_END);
        }
        return new Recheck(decision, end < notes.expires() ? moveEnd(userSession, notes, end, now) : notes, null);
    }

    /**
     * Applies what an allowed decision says about the session's duration today: a grant shortened (or given
     * an earlier notAfter) since the session started moves its hard end earlier. Never later.
     *
     * @return the notes with the (possibly) earlier end; past it, the caller ends the session
     */
    public ActAsSession shorten(UserSessionModel userSession, ActAsSession notes, Decision decision) {
        long end = decision.sessionLimit().endFor(notes.started());
        return end < notes.expires() ? moveEnd(userSession, notes, end, Time.currentTime()) : notes;
    }

    private ActAsSession moveEnd(UserSessionModel userSession, ActAsSession notes, long end, long now) {
        ActAsSession shortened = notes.endingAt(end);
        if (!shortened.expiredAt(now)) {
            shortened.writeExpires(userSession);
            ActAsSessionEntity row = em().find(ActAsSessionEntity.class, userSession.getId());
            if (row != null) {
                row.setExpires(end);
            }
        }
        return shortened;
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

    /** @return the live Keycloak user session behind a registry row, or null when it is gone (logged out, expired) */
    public UserSessionModel live(RealmModel realm, ActAsSessionEntity row) {
        UserSessionModel userSession = session.sessions().getUserSession(realm, row.getId());
        return userSession != null && ActAsSession.isActAs(userSession) ? userSession : null;
    }

    /**
     * Ends an Act-As session, whatever ends it: exactly one {@code impersonation.ended} record (or
     * {@code impersonation.revoked}) is written, by whoever removes the registry row, in the same
     * transaction; a second ending of the same session (another node, a logout racing a hard end) finds
     * the row gone and writes nothing. Then Keycloak logs the session out (back-channel logout to the
     * clients), and the sessions delegated from it end as well.
     *
     * @param by the person who ended it (actor on Stop, administrator on revoke), or null
     * @return whether this call ended it (false: it had already been ended)
     */
    public boolean end(RealmModel realm, String id, EndReason reason, UserModel by) {
        return end(realm, id, reason, by, true);
    }

    /**
     * @param inRequest whether this runs for an HTTP request: then the clients are told by back-channel
     *                  logout; housekeeping (a timer task, no request) removes the session quietly, as its
     *                  tokens have expired anyway
     */
    private boolean end(RealmModel realm, String id, EndReason reason, UserModel by, boolean inRequest) {
        ActAsSessionEntity row = find(realm, id);
        boolean claimed = row != null && claim(realm, row, reason, by == null ? null : by.getId(),
                by == null ? null : by.getUsername());
        UserSessionModel userSession = id == null || reason.endedByKeycloak() ? null : session.sessions().getUserSession(realm, id);
        if (userSession != null && ActAsSession.isActAs(userSession)) {
            if (inRequest) {
                AuthenticationManager.backchannelLogout(session, realm, userSession, session.getContext().getUri(),
                        session.getContext().getConnection(), session.getContext().getRequestHeaders(), true);
            } else {
                session.sessions().removeUserSession(realm, userSession);
            }
        }
        if (row != null) {
            endDelegated(realm, row.getId(), inRequest);
        }
        return claimed;
    }

    /**
     * {@link #end}, in a transaction of its own: for requests that are about to fail (a refused refresh),
     * whose own transaction Keycloak rolls back.
     */
    public void endNow(RealmModel realm, String id, EndReason reason) {
        KeycloakModelUtils.runJobInTransaction(session.getKeycloakSessionFactory(), session.getContext(), own -> {
            RealmModel ownRealm = own.realms().getRealm(realm.getId());
            own.getContext().setRealm(ownRealm);
            new ActAsSessions(own).end(ownRealm, id, reason, null);
        });
    }

    /** Removes the registry row if it is still there and, if this transaction removed it, records the end. */
    private boolean claim(RealmModel realm, ActAsSessionEntity row, EndReason reason, String byId, String byUsername) {
        em().detach(row);
        boolean claimed = em().createNamedQuery("actAsSessions.claim").setParameter("id", row.getId()).executeUpdate() == 1;
        if (claimed) {
            ClientConnection connection = session.getContext().getConnection();
            session.getProvider(ActAsAuditProvider.class).record(realm,
                    describe(reason == EndReason.REVOKED ? AuditTypes.REVOKED : AuditTypes.ENDED, AuditRecord.ENDED, row)
                            .endedBy(byId, byUsername)
                            .ipAddress(connection == null ? null : connection.getRemoteAddr())
                            .error(reason.text()));
        }
        return claimed;
    }

    /** Ends the sessions delegated from an acting session that ends (and theirs, in turn). */
    private void endDelegated(RealmModel realm, String parentId, boolean inRequest) {
        List<ActAsSessionEntity> children = em().createNamedQuery("actAsSessions.delegatedFrom", ActAsSessionEntity.class)
                .setParameter("parentId", parentId).setMaxResults(END_BATCH).getResultList();
        for (ActAsSessionEntity child : children) {
            end(realm, child.getId(), EndReason.PARENT_ENDED, null, inRequest);
        }
    }

    /**
     * Ends, in batches, the Act-As sessions whose Keycloak session is already gone, among those of one
     * target user ({@code targetId}) or of the whole realm (null): after Keycloak's own logout APIs, which
     * remove sessions without telling Act-As.
     *
     * @return how many were ended
     */
    public int endVanished(RealmModel realm, String targetId, EndReason reason, UserModel by) {
        int ended = 0;
        int first = 0;
        List<ActAsSessionEntity> batch;
        do {
            batch = active(realm, null, targetId, first, END_BATCH);
            int kept = 0;
            for (ActAsSessionEntity row : batch) {
                if (live(realm, row) == null) {
                    if (end(realm, row.getId(), reason, by)) {
                        ended++;
                    }
                } else {
                    kept++;
                }
            }
            first += kept;
        } while (batch.size() == END_BATCH);
        return ended;
    }

    /** Ends every running session of a deleted user, as actor or as target. */
    public void userRemoved(RealmModel realm, UserModel user) {
        for (boolean asActor : new boolean[] {true, false}) {
            List<ActAsSessionEntity> batch;
            do {
                batch = asActor ? active(realm, user.getId(), null, 0, END_BATCH) : active(realm, null, user.getId(), 0, END_BATCH);
                for (ActAsSessionEntity row : batch) {
                    end(realm, row.getId(), asActor ? EndReason.ACTOR_GONE : EndReason.TARGET_REMOVED, null);
                }
            } while (batch.size() == END_BATCH);
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
     * Housekeeping, on any node: ends the Act-As sessions past their hard end (their tokens are already
     * expired; this frees Keycloak's session store instead of waiting for the realm's SSO timeouts).
     * Safe to run concurrently on every node: each session's end is recorded once.
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
            if (realm == null) {
                em().remove(row);
                continue;
            }
            session.getContext().setRealm(realm); // a timer task has no request realm; the session store needs one
            end(realm, row.getId(), live(realm, row) != null ? EndReason.HARD_END : EndReason.GONE, null, false);
        }
        return rows.size();
    }

    private EntityManager em() {
        return session.getProvider(JpaConnectionProvider.class).getEntityManager();
    }
}
