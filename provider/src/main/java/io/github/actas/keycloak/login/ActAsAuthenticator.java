package io.github.actas.keycloak.login;

import io.github.actas.keycloak.audit.ActAsAuditProvider;
import io.github.actas.keycloak.audit.ActAsEventDetails;
import io.github.actas.keycloak.audit.AuditRecord;
import io.github.actas.keycloak.audit.AuditTypes;
import io.github.actas.keycloak.policy.Decision;
import io.github.actas.keycloak.policy.Denial;
import io.github.actas.keycloak.policy.Grant;
import io.github.actas.keycloak.policy.Mode;
import io.github.actas.keycloak.session.ActAsSession;
import io.github.actas.keycloak.session.ActAsSessions;
import io.github.actas.keycloak.session.EndReason;
import io.github.actas.keycloak.session.TargetNotification;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticationFlowError;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.authenticators.browser.AbstractUsernameFormAuthenticator;
import org.keycloak.common.util.SecretGenerator;
import org.keycloak.common.util.Time;
import org.keycloak.events.EventType;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.services.Urls;
import org.keycloak.services.managers.AuthenticationManager;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * The "act as" step of a browser flow. Placed last, after the actor has signed in (and after the optional
 * step-up subflow), it does nothing unless the authorization request carried {@code act_as}. Then it
 * asks the policy, shows a confirmation page (target, grant, duration, a reason field when the grant
 * wants one) and, on Confirm, switches the browser to a new user session of the target that records
 * the actor. The actor's own session is carried over, so Stop can return to it.
 *
 * <p>The switch holds for the request that makes it, so it happens only when the sign-in ends right
 * there ({@link AfterTheSwitch}); otherwise acting is refused. Without {@code act_as} the step guards
 * running Act-As sessions ({@link RunningSessionGuard}).
 */
final class ActAsAuthenticator implements Authenticator {

    /** Auth note: the target's username while the confirmation page is shown. */
    private static final String PENDING_TARGET = "act-as.pending.target";
    private static final int MAX_REASON_LENGTH = 255;

    static final String TEMPLATE = "act-as-confirm.ftl";

    private final KeycloakSession session;

    ActAsAuthenticator(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        BrowserActing acting = new BrowserActing(session, authSession);
        String group = ActAsRequestParameters.get(authSession, ActAsRequestParameters.ACT_AS_GROUP);
        if (group != null) {
            refuse(context, acting, null, group, null, null, null, "actAsGroupNotAvailable", "group mode is not available");
            return;
        }
        String target = ActAsRequestParameters.get(authSession, ActAsRequestParameters.ACT_AS);
        if (target == null) {
            new RunningSessionGuard(session, acting).guard(context);
            return;
        }
        UserModel actor = context.getUser();
        String reason = ActAsRequestParameters.get(authSession, ActAsRequestParameters.REASON);
        Decision decision = acting.decide(actor, BrowserActing.isActing(acting.ssoSession(), actor), target, reason);
        if (decision.allowed() || decision.denial() == Denial.REASON_REQUIRED && decision.pendingGrant() != null) {
            UserModel targetUser = userOf(acting.realm(), decision);
            Grant grant = decision.allowed() ? decision.grant() : decision.pendingGrant();
            if (refusedByWhatFollows(context, acting, actor, target, targetUser, grant, reason)) {
                return;
            }
            authSession.setAuthNote(PENDING_TARGET, target);
            context.challenge(confirmationPage(context, decision, reason, null));
            return;
        }
        refuseDecision(context, acting, actor, target, reason, decision);
    }

    @Override
    public void action(AuthenticationFlowContext context) {
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        BrowserActing acting = new BrowserActing(session, authSession);
        MultivaluedMap<String, String> form = context.getHttpRequest().getDecodedFormParameters();
        String target = authSession.getAuthNote(PENDING_TARGET);
        UserModel actor = context.getUser();
        if (target == null) {
            context.failure(AuthenticationFlowError.INTERNAL_ERROR);
            return;
        }
        if (form.containsKey("cancel")) {
            authSession.removeAuthNote(PENDING_TARGET);
            if (ActAsRequestParameters.CANCEL_DENY.equals(ActAsRequestParameters.get(authSession, ActAsRequestParameters.ON_CANCEL))) {
                context.cancelLogin(); // the client receives error=access_denied
            } else {
                acting.endReplacedSession(actor);
                context.success(); // the flow goes on as the actor
            }
            return;
        }
        String reason = trimToNull(form.getFirst("reason"));
        if (reason != null && reason.length() > MAX_REASON_LENGTH) {
            context.challenge(confirmationPage(context, acting.decide(actor, false, target, null), null, "actAsReasonTooLong"));
            return;
        }
        // Decided again at the moment of acting: grants, users and sessions may have changed meanwhile.
        Decision decision = acting.decide(actor, BrowserActing.isActing(acting.ssoSession(), actor), target, reason);
        if (!decision.allowed()) {
            if (decision.denial() == Denial.REASON_REQUIRED && decision.pendingGrant() != null) {
                acting.auditDenied(actor, target, userOf(acting.realm(), decision), decision.pendingGrant().name(), reason,
                        reason == null ? "a reason is required" : "the reason does not match the required form");
                context.challenge(confirmationPage(context, decision, reason,
                        reason == null ? "actAsReasonRequired" : "actAsReasonInvalid"));
                return;
            }
            refuseDecision(context, acting, actor, target, reason, decision);
            return;
        }
        UserModel targetUser = userOf(acting.realm(), decision);
        if (refusedByWhatFollows(context, acting, actor, target, targetUser, decision.grant(), reason)) {
            return;
        }
        start(context, acting, actor, targetUser, decision, reason);
    }

    private void start(AuthenticationFlowContext context, BrowserActing acting, UserModel actor, UserModel target,
                       Decision decision, String reason) {
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        RealmModel realm = acting.realm();
        Grant grant = decision.grant();
        AuthenticationManager.AuthResult sso = acting.ssoSession();
        UserSessionModel original = sso != null && sso.user().getId().equals(actor.getId()) ? sso.session() : null;
        acting.endReplacedSession(actor);
        UserSessionModel actorSession = CarriedActorSession.carry(session, realm, actor, original, authSession.getProtocol());

        long now = Time.currentTime();
        ActAsSession notes = new ActAsSession(Mode.IMPERSONATE, actor.getId(), actor.getUsername(), null,
                Urls.realmIssuer(session.getContext().getUri().getBaseUri(), realm.getName()),
                grant.id(), grant.name(), acting.client().getClientId(), reason, acting.currentAcr(),
                now, now + decision.durationSeconds(), null, null);
        UserSessionModel targetSession = new ActAsSessions(session).start(realm, target, notes);
        targetSession.setNote(CarriedActorSession.ACTOR_SESSION_NOTE, actorSession.getId());
        targetSession.setNote(ActAsSession.STOP_SECRET, SecretGenerator.getInstance().randomString(43));

        authSession.removeAuthNote(PENDING_TARGET);
        authSession.setAuthNote(AbstractUsernameFormAuthenticator.ATTEMPTED_USERNAME, target.getUsername());
        context.clearUser(); // Keycloak refuses to replace an authenticated user (USER_CONFLICT) otherwise
        context.setUser(target);
        // A user session of its own: Keycloak would otherwise find the actor's SSO session under the
        // browser's id and fail with DIFFERENT_USER_AUTHENTICATED.
        context.attachUserSession(targetSession);

        session.getProvider(ActAsAuditProvider.class).record(realm,
                ActAsSessions.describe(AuditTypes.STARTED, AuditRecord.ALLOWED, notes, targetSession)
                        .ipAddress(acting.remoteAddress()));
        acting.event(EventType.IMPERSONATE, actor)
                .user(target)
                .session(targetSession)
                .detail(ActAsEventDetails.TARGET, target.getUsername())
                .detail(ActAsEventDetails.TARGET_ID, target.getId())
                .detail(ActAsEventDetails.GRANT, grant.name())
                .detail(ActAsEventDetails.REASON, reason)
                .detail(ActAsEventDetails.EXPIRES, Long.toString(notes.expires()))
                .success();
        if (grant.notifyTarget()) {
            TargetNotification.sendAfterCommit(session, realm, target, notes);
        }
        context.success();
    }

    /** Refuses (and audits) when the sign-in would not end with the switch to {@code targetUser}. */
    private boolean refusedByWhatFollows(AuthenticationFlowContext context, BrowserActing acting, UserModel actor,
                                         String target, UserModel targetUser, Grant grant, String reason) {
        AfterTheSwitch.Obstacle obstacle = AfterTheSwitch.check(context, targetUser);
        if (obstacle == null) {
            return false;
        }
        if ("actAsFlowMisconfigured".equals(obstacle.messageKey())) {
            BrowserActing.LOG.warnf("Act-As refused acting in realm %s: the browser flow '%s' has enabled steps after the"
                    + " act-as step; make it the last step", acting.realm().getName(), context.getTopLevelFlow().getAlias());
        }
        refuse(context, acting, actor, target, targetUser, grant == null ? null : grant.name(), reason,
                obstacle.messageKey(), obstacle.why());
        return true;
    }

    private void refuseDecision(AuthenticationFlowContext context, BrowserActing acting, UserModel actor, String target,
                                String reason, Decision decision) {
        Denial denial = decision.denial();
        Grant grant = decision.pendingGrant();
        refuse(context, acting, actor, target, denial.revealsTarget() ? null : userOf(acting.realm(), decision),
                grant == null ? null : grant.name(), reason, messageKey(denial), denial.name());
    }

    private void refuse(AuthenticationFlowContext context, BrowserActing acting, UserModel actor, String targetName,
                        UserModel target, String grant, String reason, String messageKey, String why) {
        context.getAuthenticationSession().removeAuthNote(PENDING_TARGET);
        acting.auditDenied(actor == null ? context.getUser() : actor, targetName, target, grant, reason, why);
        context.failure(AuthenticationFlowError.ACCESS_DENIED,
                BrowserActing.errorPage(context, messageKey, targetName, acting.client().getClientId()));
    }

    /** One message for every refusal that could reveal whether the target exists. */
    private static String messageKey(Denial denial) {
        switch (denial) {
            case ACTOR_DISABLED:
                return "actAsActorDisabled";
            case CHAINED:
                return "actAsChained";
            case SELF:
                return "actAsSelf";
            case STEP_UP_REQUIRED:
                return "actAsStepUpRequired";
            default:
                return "actAsNotPermitted";
        }
    }

    private Response confirmationPage(AuthenticationFlowContext context, Decision decision, String reason, String error) {
        Grant grant = decision.allowed() ? decision.grant() : decision.pendingGrant();
        UserModel target = userOf(context.getRealm(), decision);
        LoginFormsProvider form = context.form()
                .setAttribute("actAs", new ConfirmationPage(context.getUser(), target, grant, decision.durationSeconds(),
                        !decision.allowed(), reason));
        if (error != null) {
            form.setError(error);
        }
        return form.createForm(TEMPLATE);
    }

    private UserModel userOf(RealmModel realm, Decision decision) {
        return decision.target() == null ? null : session.users().getUserById(realm, decision.target().id());
    }

    private static String trimToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    @Override
    public boolean requiresUser() {
        return true;
    }

    @Override
    public boolean configuredFor(KeycloakSession session, RealmModel realm, UserModel user) {
        return true;
    }

    @Override
    public void setRequiredActions(KeycloakSession session, RealmModel realm, UserModel user) {
    }

    @Override
    public void close() {
    }
}
