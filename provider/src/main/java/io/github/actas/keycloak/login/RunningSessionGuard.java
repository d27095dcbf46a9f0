package io.github.actas.keycloak.login;

import io.github.actas.keycloak.acting.CarriedActorSession;
import io.github.actas.keycloak.acting.Refusals;
import io.github.actas.keycloak.acting.SessionChecks;
import io.github.actas.keycloak.acting.SessionEnds;
import io.github.actas.keycloak.token.ActAsSession;
import io.github.actas.keycloak.token.Decided;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticationFlowError;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserModel;
import org.keycloak.services.managers.AuthenticationManager;

/**
 * The act-as step of a sign-in without {@code act_as}. When the browser already acts (single sign-on to
 * another application, a new code for the same one), that session must still be within its hard end,
 * allowed for this client, and the sign-in must end right here: no account action of the target, no
 * offline access, nothing after this step. A sign-in that replaces the acting session ends it (audited),
 * and an actor's carried-over session ends when the actor's original sign-in would have.
 */
final class RunningSessionGuard {

    private final KeycloakSession session;
    private final BrowserActing acting;

    RunningSessionGuard(KeycloakSession session, BrowserActing acting) {
        this.session = session;
        this.acting = acting;
    }

    void guard(AuthenticationFlowContext context) {
        AuthenticationManager.AuthResult sso = acting.ssoSession();
        UserModel user = context.getUser();
        boolean singleSignOn = context.getAuthenticationSession().getAuthNote(AuthenticationManager.SSO_AUTH) != null
                && sso != null && sso.user().getId().equals(user.getId());
        if (singleSignOn && CarriedActorSession.ended(sso.session())) {
            // The actor's own session, carried over while acting, ends when the original sign-in would have.
            session.sessions().removeUserSession(acting.realm(), sso.session());
            AuthenticationManager.expireIdentityCookie(session);
            context.resetFlow();
            return;
        }
        ActAsSession notes = sso == null ? null : ActAsSession.of(sso.session());
        if (notes == null) {
            context.success();
            return;
        }
        if (!singleSignOn) {
            acting.endReplacedSession(user);
            context.success();
            return;
        }
        SessionChecks.Recheck recheck = new SessionChecks(session).recheck(acting.realm(), acting.client(), sso.session(), notes);
        if (recheck.end() != null) {
            // Ended now (hard end, actor gone): the browser starts a fresh sign-in.
            new SessionEnds(session).end(acting.realm(), sso.session().getId(), recheck.end(), null);
            AuthenticationManager.expireIdentityCookie(session);
            context.resetFlow();
            return;
        }
        UserModel actor = session.users().getUserById(acting.realm(), notes.actorId());
        if (!recheck.allowed()) {
            Refusals refusal = Refusals.notForClient(acting.client().getClientId(), recheck.denial());
            refuse(context, actor, notes, refusal.pageKey(), refusal.audit());
            return;
        }
        AfterTheSwitch.Obstacle obstacle = AfterTheSwitch.check(context, user);
        if (obstacle != null) {
            refuse(context, actor, notes, obstacle.messageKey(), obstacle.why());
            return;
        }
        Decided.mark(session, sso.session(), acting.client());
        context.success();
    }

    private void refuse(AuthenticationFlowContext context, UserModel actor, ActAsSession notes, String messageKey, String why) {
        UserModel target = context.getUser();
        String name = notes.group() != null ? notes.group().path() : target.getUsername();
        if (actor != null) {
            acting.auditDenied(actor, notes.mode(), name, target, notes.grantName(), notes.reason(), why);
        }
        context.failure(AuthenticationFlowError.ACCESS_DENIED,
                BrowserActing.errorPage(context, messageKey, BrowserActing.actingAs(target, notes), acting.client().getClientId()));
    }
}
