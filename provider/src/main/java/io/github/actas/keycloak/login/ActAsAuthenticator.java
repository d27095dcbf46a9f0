package io.github.actas.keycloak.login;

import io.github.actas.keycloak.acting.ActAsRequestParameters;
import io.github.actas.keycloak.acting.ActingSessions;
import io.github.actas.keycloak.acting.CarriedActorSession;
import io.github.actas.keycloak.acting.Refusals;
import io.github.actas.keycloak.audit.ActAsAuditProvider;
import io.github.actas.keycloak.audit.Door;
import io.github.actas.keycloak.policy.ActAsRequest;
import io.github.actas.keycloak.policy.Decision;
import io.github.actas.keycloak.policy.Denial;
import io.github.actas.keycloak.policy.Grant;
import io.github.actas.keycloak.policy.Mode;
import io.github.actas.keycloak.token.ActAsSession;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticationFlowError;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.authenticators.browser.AbstractUsernameFormAuthenticator;
import org.keycloak.common.util.SecretGenerator;
import org.keycloak.common.util.Time;
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
 * step-up subflow), it does nothing unless the authorization request carried {@code act_as} (a user) or
 * {@code act_as_group} (a group). Then it asks the policy, shows a confirmation page (target, grant,
 * duration, a reason field when the grant wants one) and, on Confirm, switches the browser to a new user
 * session of the target (for a group, of the group's principal) that records the actor. The actor's own session is carried over, so Stop can return to it.
 *
 * <p>The switch holds for the request that makes it, so it happens only when the sign-in ends right
 * there ({@link AfterTheSwitch}); otherwise acting is refused. Without {@code act_as} the step guards
 * running Act-As sessions ({@link RunningSessionGuard}).
 */
final class ActAsAuthenticator implements Authenticator {

    /** Auth notes: the target's name (a username, or a group's path) and the mode while the confirmation page is shown. */
    private static final String PENDING_TARGET = "act-as.pending.target";
    private static final String PENDING_MODE = "act-as.pending.mode";

    static final String TEMPLATE = "act-as-confirm.ftl";

    private final KeycloakSession session;

    ActAsAuthenticator(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        if (context.getUser() == null) {
            // Keycloak would answer "Invalid username or password" to everybody; name the real problem instead.
            BrowserActing.LOG.warnf("Act-As: the act-as step of the flow '%s' in realm %s ran before anyone signed in;"
                    + " it must follow a REQUIRED sign-in subflow (docs/browser.md, or POST"
                    + " /admin/realms/%s/act-as/setup/browser-flow)", context.getTopLevelFlow().getAlias(),
                    context.getRealm().getName(), context.getRealm().getName());
            context.failure(AuthenticationFlowError.INTERNAL_ERROR,
                    BrowserActing.errorPage(context, "actAsNotSignedIn"));
            return;
        }
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        BrowserActing acting = new BrowserActing(session, authSession);
        BrowserActing.Asked asked = BrowserActing.asked(authSession);
        if (asked == null) {
            new RunningSessionGuard(session, acting).guard(context);
            return;
        }
        if (asked.ambiguous()) {
            refuse(context, acting, Mode.GROUP, null, asked.name(), null, null, null, "actAsUserOrGroup",
                    "act_as and act_as_group cannot be combined");
            return;
        }
        Mode mode = asked.mode();
        String target = asked.name();
        UserModel actor = context.getUser();
        String reason = ActAsRequestParameters.get(authSession, ActAsRequestParameters.REASON);
        ActAsRequest request = acting.request(actor, mode, target, reason);
        Decision decision = acting.decide(request);
        if (decision.allowed() || decision.denial() == Denial.REASON_REQUIRED && decision.pendingGrant() != null) {
            UserModel targetUser = acting.targetOf(decision);
            Grant grant = decision.allowed() ? decision.grant() : decision.pendingGrant();
            if (refusedByWhatFollows(context, acting, request, targetUser, grant)) {
                return;
            }
            authSession.setAuthNote(PENDING_TARGET, target);
            authSession.setAuthNote(PENDING_MODE, mode.wireName());
            context.challenge(confirmationPage(context, decision, reason, null));
            return;
        }
        refuseDecision(context, acting, actor, request, decision);
    }

    @Override
    public void action(AuthenticationFlowContext context) {
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        BrowserActing acting = new BrowserActing(session, authSession);
        MultivaluedMap<String, String> form = context.getHttpRequest().getDecodedFormParameters();
        String target = authSession.getAuthNote(PENDING_TARGET);
        Mode mode = Mode.fromWireName(authSession.getAuthNote(PENDING_MODE));
        UserModel actor = context.getUser();
        if (target == null || mode == null) {
            context.failure(AuthenticationFlowError.INTERNAL_ERROR);
            return;
        }
        if (form.containsKey("cancel")) {
            forgetPending(authSession);
            if (ActAsRequestParameters.CANCEL_DENY.equals(ActAsRequestParameters.get(authSession, ActAsRequestParameters.ON_CANCEL))) {
                context.cancelLogin(); // the client receives error=access_denied
            } else {
                acting.endReplacedSession(actor);
                context.success(); // the flow goes on as the actor
            }
            return;
        }
        String reason = trimToNull(form.getFirst("reason"));
        if (reason != null && reason.length() > ActAsRequest.MAX_REASON_LENGTH) {
            context.challenge(confirmationPage(context, acting.decide(acting.request(actor, mode, target, null)), null,
                    "actAsReasonTooLong"));
            return;
        }
        // Decided again at the moment of acting: grants, users and sessions may have changed meanwhile.
        ActAsRequest request = acting.request(actor, mode, target, reason);
        Decision decision = acting.decide(request);
        if (!decision.allowed()) {
            if (decision.denial() == Denial.REASON_REQUIRED && decision.pendingGrant() != null) {
                acting.auditDenied(actor, mode, target, acting.knownTargetOf(decision), decision.pendingGrant().name(), reason,
                        reason == null ? "a reason is required" : "the reason does not match the required form");
                context.challenge(confirmationPage(context, decision, reason,
                        reason == null ? "actAsReasonRequired" : "actAsReasonInvalid"));
                return;
            }
            refuseDecision(context, acting, actor, request, decision);
            return;
        }
        UserModel targetUser = acting.targetOf(decision);
        if (refusedByWhatFollows(context, acting, request, targetUser, decision.grant())) {
            return;
        }
        start(context, acting, request, targetUser, decision);
    }

    private void start(AuthenticationFlowContext context, BrowserActing acting, ActAsRequest request, UserModel target,
                       Decision decision) {
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        RealmModel realm = acting.realm();
        UserModel actor = context.getUser();
        AuthenticationManager.AuthResult sso = acting.ssoSession();
        UserSessionModel original = sso != null && sso.user().getId().equals(actor.getId()) ? sso.session() : null;
        acting.endReplacedSession(actor);
        UserSessionModel actorSession = CarriedActorSession.carry(session, realm, actor, original, authSession.getProtocol());

        ActAsSession notes = ActAsSession.starting(decision, request.mode(), request.actor(),
                Urls.realmIssuer(session.getContext().getUri().getBaseUri(), realm.getName()),
                acting.client().getClientId(), request.reason(), request.acr(), null, null, null, Time.currentTime());
        UserSessionModel targetSession = new ActingSessions(session).start(realm, target, notes, decision);
        targetSession.setNote(CarriedActorSession.ACTOR_SESSION_NOTE, actorSession.getId());
        targetSession.setNote(ActAsSession.STOP_SECRET, SecretGenerator.getInstance().randomString(43));

        forgetPending(authSession);
        authSession.setAuthNote(AbstractUsernameFormAuthenticator.ATTEMPTED_USERNAME, target.getUsername());
        context.clearUser(); // Keycloak refuses to replace an authenticated user (USER_CONFLICT) otherwise
        context.setUser(target);
        // A user session of its own: Keycloak would otherwise find the actor's SSO session under the
        // browser's id and fail with DIFFERENT_USER_AUTHENTICATED.
        context.attachUserSession(targetSession);
        session.getProvider(ActAsAuditProvider.class).started(realm, notes.facts(targetSession), null, null, Door.BROWSER);
        context.success();
    }

    /** Refuses (and audits) when the sign-in would not end with the switch to {@code targetUser}. */
    private boolean refusedByWhatFollows(AuthenticationFlowContext context, BrowserActing acting, ActAsRequest request,
                                         UserModel targetUser, Grant grant) {
        AfterTheSwitch.Obstacle obstacle = targetUser == null
                ? new AfterTheSwitch.Obstacle("actAsNotPermitted", "the target no longer exists")
                : AfterTheSwitch.check(context, targetUser);
        if (obstacle == null) {
            return false;
        }
        if ("actAsFlowMisconfigured".equals(obstacle.messageKey())) {
            BrowserActing.LOG.warnf("Act-As refused acting in realm %s: the browser flow '%s' has enabled steps after the"
                    + " act-as step; make it the last step", acting.realm().getName(), context.getTopLevelFlow().getAlias());
        }
        refuse(context, acting, request.mode(), context.getUser(), request.targetName(), targetUser,
                grant == null ? null : grant.name(), request.reason(), obstacle.messageKey(), obstacle.why());
        return true;
    }

    private void refuseDecision(AuthenticationFlowContext context, BrowserActing acting, UserModel actor,
                                ActAsRequest request, Decision decision) {
        Denial denial = decision.denial();
        Grant grant = decision.pendingGrant();
        Refusals refusal = Refusals.of(denial, request);
        refuse(context, acting, request.mode(), actor, request.targetName(),
                denial.revealsTarget() ? null : acting.knownTargetOf(decision),
                grant == null ? null : grant.name(), request.reason(), refusal.pageKey(), refusal.audit());
    }

    private void refuse(AuthenticationFlowContext context, BrowserActing acting, Mode mode, UserModel actor,
                        String targetName, UserModel target, String grant, String reason, String messageKey, String why) {
        forgetPending(context.getAuthenticationSession());
        acting.auditDenied(actor == null ? context.getUser() : actor, mode, targetName, target, grant, reason, why);
        context.failure(AuthenticationFlowError.ACCESS_DENIED,
                BrowserActing.errorPage(context, messageKey, targetName, acting.client().getClientId()));
    }

    private static void forgetPending(AuthenticationSessionModel authSession) {
        authSession.removeAuthNote(PENDING_TARGET);
        authSession.removeAuthNote(PENDING_MODE);
    }

    private Response confirmationPage(AuthenticationFlowContext context, Decision decision, String reason, String error) {
        Grant grant = decision.allowed() ? decision.grant() : decision.pendingGrant();
        UserModel target = decision.target() == null ? null : session.users().getUserById(context.getRealm(), decision.target().id());
        LoginFormsProvider form = context.form()
                .setAttribute("actAs", new ConfirmationPage(context.getUser(), target,
                        decision.group() == null ? null : decision.group().path(), grant, decision.durationSeconds(),
                        !decision.allowed(), reason));
        if (error != null) {
            form.setError(error);
        }
        return form.createForm(TEMPLATE);
    }

    private static String trimToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    @Override
    public boolean requiresUser() {
        return false; // checked in authenticate, to say what is wrong instead of Keycloak's "invalid credentials"
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
