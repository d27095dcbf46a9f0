package io.github.actas.keycloak.acting;

import io.github.actas.keycloak.audit.EndReason;
import io.github.actas.keycloak.persistence.ActAsSessionEntity;
import io.github.actas.keycloak.policy.Decision;
import io.github.actas.keycloak.policy.Denial;
import io.github.actas.keycloak.token.ActAsSession;
import jakarta.persistence.EntityManager;
import org.keycloak.common.util.Time;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;

/**
 * Re-decides running acting sessions with today's grants and users, whenever one issues a token (a
 * refresh, another client, a repeated exchange): the policy that started a session keeps holding it.
 */
public final class SessionChecks {

    private final KeycloakSession session;

    public SessionChecks(KeycloakSession session) {
        this.session = session;
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

        /** Why the policy refused the session (null when it is allowed or over anyway). */
        public Denial denial() {
            return decision == null ? null : decision.denial();
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
        ActingRequests requests = new ActingRequests(session, realm, client);
        Decision decision = requests.decide(requests.running(requests.actor(actorUser, false), notes, userSession.getUser()));
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

    private EntityManager em() {
        return session.getProvider(JpaConnectionProvider.class).getEntityManager();
    }
}
