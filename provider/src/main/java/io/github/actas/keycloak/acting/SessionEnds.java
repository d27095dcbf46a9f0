package io.github.actas.keycloak.acting;

import java.util.List;
import java.util.function.Consumer;

import io.github.actas.keycloak.audit.ActAsAuditProvider;
import io.github.actas.keycloak.audit.ActingFacts;
import io.github.actas.keycloak.audit.AuditRecord;
import io.github.actas.keycloak.audit.EndReason;
import io.github.actas.keycloak.persistence.ActAsSessionEntity;
import io.github.actas.keycloak.store.GroupPrincipals;
import io.github.actas.keycloak.policy.Mode;
import io.github.actas.keycloak.token.ActAsSession;
import jakarta.persistence.EntityManager;
import org.keycloak.common.util.Time;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.GroupModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.services.managers.AuthenticationManager;

/**
 * Ends acting sessions, whatever ends them (Stop, logout, revocation, hard end, a grant that no longer
 * allows them, a deleted user, housekeeping), and records each end exactly once.
 */
public final class SessionEnds {

    /** Sessions are ended in pages of this size (an actor's, a target's, those delegated from one). */
    private static final int END_BATCH = 200;

    private final KeycloakSession session;
    private final ActingSessions sessions;

    public SessionEnds(KeycloakSession session) {
        this.session = session;
        this.sessions = new ActingSessions(session);
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
     * Ends every live acting session of one actor (an administrator's bulk end, a revoked service account), in
     * pages; a registry row whose session Keycloak had already removed is closed as {@link EndReason#GONE}.
     *
     * @param ended told of each session this call ended (for the caller's admin event)
     * @return how many live sessions this call ended
     */
    public int endAllOfActor(RealmModel realm, String actorId, EndReason reason, UserModel by,
                             Consumer<ActAsSessionEntity> ended) {
        int count = 0;
        List<ActAsSessionEntity> batch;
        do {
            batch = sessions.active(realm, actorId, null, 0, END_BATCH);
            for (ActAsSessionEntity row : batch) {
                if (sessions.live(realm, row) == null) {
                    end(realm, row.getId(), EndReason.GONE, null);
                } else if (end(realm, row.getId(), reason, by)) {
                    ended.accept(row);
                    count++;
                }
            }
        } while (batch.size() == END_BATCH);
        return count;
    }

    /**
     * @param inRequest whether this runs for an HTTP request: then the clients are told by back-channel
     *                  logout; housekeeping (a timer task, no request) removes the session quietly, as its
     *                  tokens have expired anyway
     */
    private boolean end(RealmModel realm, String id, EndReason reason, UserModel by, boolean inRequest) {
        ActAsSessionEntity row = sessions.find(realm, id);
        boolean claimed = row != null && claim(realm, row, reason, by);
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
            new SessionEnds(own).end(ownRealm, id, reason, null);
        });
    }

    /** Removes the registry row if it is still there and, if this transaction removed it, records the end. */
    private boolean claim(RealmModel realm, ActAsSessionEntity row, EndReason reason, UserModel by) {
        em().detach(row);
        boolean claimed = em().createNamedQuery("actAsSessions.claim").setParameter("id", row.getId()).executeUpdate() == 1;
        if (claimed) {
            session.getProvider(ActAsAuditProvider.class).ended(realm, facts(row), reason, by);
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
            batch = sessions.active(realm, null, targetId, first, END_BATCH);
            int kept = 0;
            for (ActAsSessionEntity row : batch) {
                if (sessions.live(realm, row) == null) {
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
                batch = asActor ? sessions.active(realm, user.getId(), null, 0, END_BATCH)
                        : sessions.active(realm, null, user.getId(), 0, END_BATCH);
                for (ActAsSessionEntity row : batch) {
                    end(realm, row.getId(), asActor ? EndReason.ACTOR_GONE : EndReason.TARGET_REMOVED, null);
                }
            } while (batch.size() == END_BATCH);
        }
    }

    /**
     * A group is being deleted: its principal's acting sessions end (recorded, tokens inactive on every node)
     * and the principal is removed with it. Subgroups are deleted one by one, each with its own call.
     */
    public void groupRemoved(RealmModel realm, GroupModel group) {
        GroupPrincipals principals = new GroupPrincipals(session);
        UserModel principal = principals.find(realm, group.getId());
        if (principal == null) {
            return;
        }
        List<ActAsSessionEntity> batch;
        do {
            batch = sessions.active(realm, null, principal.getId(), 0, END_BATCH);
            for (ActAsSessionEntity row : batch) {
                end(realm, row.getId(), EndReason.GROUP_REMOVED, null);
            }
        } while (batch.size() == END_BATCH);
        principals.remove(realm, principal);
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
            end(realm, row.getId(), sessions.live(realm, row) != null ? EndReason.HARD_END : EndReason.GONE, null, false);
        }
        return rows.size();
    }

    /** What the end record of a session says, from its registry row (the user session may be gone). */
    private static ActingFacts facts(ActAsSessionEntity row) {
        return new ActingFacts(row.getActorId(), row.getActorUsername(), null, row.getTargetId(), row.getTargetUsername(),
                row.getGroupId() == null ? null : new AuditRecord.Group(row.getGroupId(), row.getGroupPath()),
                Mode.fromWireName(row.getMode()), row.getGrantName(), row.getReason(), row.getClientId(),
                row.getId(), row.getExpires());
    }

    private EntityManager em() {
        return session.getProvider(JpaConnectionProvider.class).getEntityManager();
    }
}
