package io.github.actas.keycloak.acting;

import java.util.List;
import java.util.Objects;

import io.github.actas.keycloak.persistence.ActAsSessionEntity;
import io.github.actas.keycloak.policy.Decision;
import io.github.actas.keycloak.policy.Mode;
import io.github.actas.keycloak.token.ActAsSession;
import jakarta.persistence.EntityManager;
import jakarta.persistence.TypedQuery;
import org.keycloak.common.ClientConnection;
import org.keycloak.common.util.Time;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.services.managers.UserSessionManager;

/**
 * Starts and finds acting sessions. An acting session is a Keycloak user session of the target (so every
 * Keycloak mechanism, from userinfo to logout, works on it) carrying {@link ActAsSession} notes, plus a row
 * in {@code ACT_AS_SESSION} written in the same transaction. {@link SessionChecks} re-decides them,
 * {@link SessionEnds} ends them.
 */
public final class ActingSessions {

    /** The authentication method recorded on the user session. */
    public static final String AUTH_METHOD = "act-as";

    /** A session with less time left than this (or half its duration) is not reused. */
    private static final int MIN_REUSE_REMAINING_SECONDS = 60;

    private final KeycloakSession session;

    public ActingSessions(KeycloakSession session) {
        this.session = session;
    }

    /**
     * Starts an acting session: the target's user session carrying {@code notes}, its registry row, and
     * (when the grant asks for it) the target's notification, sent once this transaction has committed.
     */
    public UserSessionModel start(RealmModel realm, UserModel target, ActAsSession notes, Decision decision) {
        ClientConnection connection = session.getContext().getConnection();
        UserSessionModel userSession = new UserSessionManager(session).createUserSession(realm, target,
                target.getUsername(), connection == null ? null : connection.getRemoteHost(), AUTH_METHOD,
                false, null, null);
        notes.writeTo(userSession);

        em().persist(new ActAsSessionEntity(userSession.getId(), realm.getId(), notes.mode().wireName(), notes.actorId(),
                notes.actorUsername(), target.getId(), target.getUsername(), notes.grantId(), notes.grantName(),
                notes.clientId(), notes.reason(), notes.started(), notes.expires(), notes.parentId(),
                notes.group() == null ? null : notes.group().id(), notes.group() == null ? null : notes.group().path()));
        if (decision.grant().notifyTarget() && notes.group() == null) { // a group has nobody to tell
            TargetNotification.sendAfterCommit(session, realm, target, notes);
        }
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

    /** Active registry rows of the realm (optionally of one actor or target), newest first. */
    public List<ActAsSessionEntity> active(RealmModel realm, String actorId, String targetId, int first, int max) {
        return active(realm, actorId, targetId, null, first, max);
    }

    /**
     * Running sessions, newest first (of one actor or one target, when given).
     *
     * @param after where the previous page ended (keyset paging: a deep page costs what the first does), or null
     */
    public List<ActAsSessionEntity> active(RealmModel realm, String actorId, String targetId, Position after, int first, int max) {
        StringBuilder jpql = new StringBuilder("select s from ActAsSessionEntity s where s.realmId = :realmId and s.expires > :now");
        if (actorId != null) {
            jpql.append(" and s.actorId = :actorId");
        } else if (targetId != null) {
            jpql.append(" and s.targetId = :targetId");
        }
        if (after != null) {
            // "started <= last" bounds the index range; the OR only sorts out sessions of that very second
            jpql.append(" and s.started <= :lastStarted and (s.started < :lastStarted or s.id < :lastId)");
        }
        TypedQuery<ActAsSessionEntity> query = em().createQuery(jpql.append(" order by s.started desc, s.id desc").toString(),
                ActAsSessionEntity.class);
        if (actorId != null) {
            query.setParameter("actorId", actorId);
        } else if (targetId != null) {
            query.setParameter("targetId", targetId);
        }
        if (after != null) {
            query.setParameter("lastStarted", after.started()).setParameter("lastId", after.id());
        }
        return query.setParameter("realmId", realm.getId())
                .setParameter("now", (long) Time.currentTime())
                .setFirstResult(first)
                .setMaxResults(max)
                .getResultList();
    }

    /** Where a page of sessions ended: the last session's start and id, as {@code <started>:<id>} in a cursor. */
    public record Position(long started, String id) {

        public static Position of(ActAsSessionEntity row) {
            return new Position(row.getStarted(), row.getId());
        }

        /** @return the position, or null when {@code cursor} is not one {@link #toString()} wrote */
        public static Position parse(String cursor) {
            int colon = cursor.indexOf(':');
            if (colon < 1 || cursor.length() - colon - 1 < 1 || cursor.length() - colon - 1 > 36) {
                return null;
            }
            try {
                return new Position(Long.parseLong(cursor.substring(0, colon)), cursor.substring(colon + 1));
            } catch (NumberFormatException e) {
                return null;
            }
        }

        @Override
        public String toString() {
            return started + ":" + id;
        }
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

    private EntityManager em() {
        return session.getProvider(JpaConnectionProvider.class).getEntityManager();
    }
}
