package io.github.actas.keycloak.login;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import io.github.actas.keycloak.audit.ActAsAuditProvider;
import io.github.actas.keycloak.audit.ActAsEventDetails;
import io.github.actas.keycloak.audit.AuditRecord;
import io.github.actas.keycloak.audit.AuditTypes;
import io.github.actas.keycloak.policy.Decision;
import io.github.actas.keycloak.policy.Denial;
import io.github.actas.keycloak.policy.Grant;
import io.github.actas.keycloak.policy.Mode;
import io.github.actas.keycloak.session.ActAsSession;
import io.github.actas.keycloak.session.ActAsSessionEntity;
import io.github.actas.keycloak.session.ActAsSessions;
import io.github.actas.keycloak.session.TargetNotification;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticationFlowError;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.authenticators.browser.AbstractUsernameFormAuthenticator;
import org.keycloak.common.util.Time;
import org.keycloak.events.EventType;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.services.Urls;
import org.keycloak.services.managers.AuthenticationManager;
import org.keycloak.services.managers.UserSessionManager;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * The "act as" step of a browser flow. Placed after the actor has signed in (and after the optional
 * step-up subflow), it does nothing unless the authorization request carried {@code act_as}. Then it
 * asks the policy, shows a confirmation page (target, grant, duration, a reason field when the grant
 * wants one) and, on Confirm, switches the browser to a new user session of the target that records
 * the actor. The actor's own session is left untouched, so Stop can return to it.
 *
 * <p>It also guards running Act-As browser sessions: every later sign-in through the flow (another
 * application, a page reload that needs a new code) re-checks the session's hard end and the policy.
 */
final class ActAsAuthenticator implements Authenticator {


    /** Auth note: the target's username while the confirmation page is shown. */
    private static final String PENDING_TARGET = "act-as.pending.target";
    /** Note on the Act-As user session: the actor's own user session, for Stop. */
    static final String ACTOR_SESSION_NOTE = "act-as.actor.session";
    /** Note on the actor's carried-over session: epoch seconds after which Stop does not return to it. */
    static final String ACTOR_SESSION_LIMIT_NOTE = "act-as.actor.session.limit";

    static final String TEMPLATE = "act-as-confirm.ftl";

    private final KeycloakSession session;

    ActAsAuthenticator(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        BrowserActing acting = new BrowserActing(session, authSession);
        if (ActAsRequestParameters.get(authSession, ActAsRequestParameters.ACT_AS_GROUP) != null) {
            refuse(context, acting, null, ActAsRequestParameters.get(authSession, ActAsRequestParameters.ACT_AS_GROUP),
                    null, null, null, "actAsGroupNotAvailable", "group mode is not available");
            return;
        }
        String target = ActAsRequestParameters.get(authSession, ActAsRequestParameters.ACT_AS);
        if (target == null) {
            guardRunningSession(context, acting);
            return;
        }
        UserModel actor = context.getUser();
        String reason = ActAsRequestParameters.get(authSession, ActAsRequestParameters.REASON);
        Decision decision = acting.decide(actor, BrowserActing.isActing(acting.ssoSession(), actor), target, reason);
        if (decision.allowed() || decision.denial() == Denial.REASON_REQUIRED && decision.pendingGrant() != null) {
            UserModel targetUser = userOf(acting.realm(), decision);
            List<String> pending = pendingAccountActions(context, targetUser);
            if (!pending.isEmpty()) {
                Grant grant = decision.allowed() ? decision.grant() : decision.pendingGrant();
                refuse(context, acting, actor, target, targetUser, grant.name(), reason,
                        "actAsTargetHasRequiredActions", "the target has pending account actions " + pending);
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
                context.success(); // the flow goes on as the actor
            }
            return;
        }
        String reason = trimToNull(form.getFirst("reason"));
        if (reason != null && reason.length() > 255) {
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
        List<String> pending = pendingAccountActions(context, targetUser);
        if (!pending.isEmpty()) {
            // Keycloak would ask the actor to complete the target's own account actions (profile, password, OTP).
            refuse(context, acting, actor, target, targetUser, decision.grant().name(), reason,
                    "actAsTargetHasRequiredActions", "the target has pending account actions " + pending);
            return;
        }
        start(context, acting, actor, targetUser, decision, reason);
    }

    private void start(AuthenticationFlowContext context, BrowserActing acting, UserModel actor, UserModel target,
                       Decision decision, String reason) {
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        RealmModel realm = acting.realm();
        Grant grant = decision.grant();
        UserSessionModel actorSession = actorSession(acting, actor, authSession);

        long now = Time.currentTime();
        ActAsSession notes = new ActAsSession(Mode.IMPERSONATE, actor.getId(), actor.getUsername(), null,
                Urls.realmIssuer(session.getContext().getUri().getBaseUri(), realm.getName()),
                grant.id(), grant.name(), acting.client().getClientId(), reason, acting.currentAcr(),
                now, now + decision.durationSeconds(), null);
        UserSessionModel targetSession = new ActAsSessions(session).start(realm, target, notes);
        if (actorSession != null) {
            targetSession.setNote(ACTOR_SESSION_NOTE, actorSession.getId());
        }

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

    /**
     * The account actions Keycloak would ask of {@code target} at the end of this sign-in: those set on the
     * user and those its required-action triggers add (incomplete profile, expired password...). The
     * triggers are evaluated exactly as Keycloak will; what they add is taken back.
     */
    private List<String> pendingAccountActions(AuthenticationFlowContext context, UserModel target) {
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        Set<String> before = new HashSet<>(authSession.getRequiredActions());
        AuthenticationManager.evaluateRequiredActionTriggers(session, authSession, context.getHttpRequest(),
                context.getEvent().clone(), context.getRealm(), target);
        List<String> pending = target.getRequiredActionsStream().collect(Collectors.toCollection(ArrayList::new));
        for (String action : new ArrayList<>(authSession.getRequiredActions())) {
            if (!before.contains(action)) {
                pending.add(action);
                authSession.removeRequiredAction(action);
            }
        }
        return pending;
    }

    /**
     * The actor's own session to return to on Stop. Keycloak removes the browser's previous SSO session
     * when the browser switches to the target's, so the actor's session is carried over into a new one
     * (same notes: authentication time, levels of authentication). Stop returns to it only while the
     * original session would still have been within the realm's SSO maximum lifespan
     * ({@link #ACTOR_SESSION_LIMIT_NOTE}), so acting never lengthens the actor's sign-in.
     */
    private UserSessionModel actorSession(BrowserActing acting, UserModel actor, AuthenticationSessionModel authSession) {
        RealmModel realm = acting.realm();
        AuthenticationManager.AuthResult sso = acting.ssoSession();
        UserSessionModel original = sso != null && sso.user().getId().equals(actor.getId()) ? sso.session() : null;
        UserSessionModel carried = new UserSessionManager(session).createUserSession(KeycloakModelUtils.generateId(),
                realm, actor, actor.getUsername(), session.getContext().getConnection().getRemoteHost(),
                authSession.getProtocol(), original != null && original.isRememberMe(), null, null,
                UserSessionModel.SessionPersistenceState.PERSISTENT);
        if (original != null) {
            original.getNotes().forEach(carried::setNote);
        }
        int started = original != null ? original.getStarted() : Time.currentTime();
        carried.setNote(ACTOR_SESSION_LIMIT_NOTE, Long.toString((long) started + realm.getSsoSessionMaxLifespan()));
        return carried;
    }

    /**
     * A sign-in without {@code act_as}: if the browser is already in an Act-As session (single sign-on to
     * another application, a new code for the same one), that session must still be within its hard end
     * and still allowed for this client.
     */
    private void guardRunningSession(AuthenticationFlowContext context, BrowserActing acting) {
        if (context.getAuthenticationSession().getAuthNote(AuthenticationManager.SSO_AUTH) == null) {
            context.success();
            return;
        }
        AuthenticationManager.AuthResult sso = acting.ssoSession();
        ActAsSession notes = sso == null ? null : ActAsSession.of(sso.session());
        if (notes == null || !sso.user().getId().equals(context.getUser().getId())) {
            context.success();
            return;
        }
        ActAsSessions sessions = new ActAsSessions(session);
        Decision decision = sessions.recheck(acting.realm(), acting.client(), sso.session(), notes);
        if (decision == null) {
            // Past its hard end: the session ends now and the browser starts a fresh sign-in.
            ActAsSessionEntity row = sessions.find(acting.realm(), sso.session().getId());
            session.getProvider(ActAsAuditProvider.class).record(acting.realm(),
                    ActAsSessions.describe(AuditTypes.ENDED, AuditRecord.ENDED, notes, sso.session()).error("hard end reached"));
            sessions.end(acting.realm(), row, sso.session());
            AuthenticationManager.expireIdentityCookie(session);
            context.resetFlow();
            return;
        }
        if (!decision.allowed()) {
            UserModel actor = session.users().getUserById(acting.realm(), notes.actorId());
            if (actor != null) {
                acting.auditDenied(actor, sso.user().getUsername(), sso.user(), notes.grantName(), notes.reason(),
                        "acting is not permitted for client " + acting.client().getClientId() + " (" + decision.denial() + ")");
            }
            context.failure(AuthenticationFlowError.ACCESS_DENIED, errorPage(context, "actAsNotForThisClient",
                    sso.user().getUsername(), acting.client().getClientId()));
            return;
        }
        context.success();
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
        context.failure(AuthenticationFlowError.ACCESS_DENIED, errorPage(context, messageKey, targetName));
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

    private static Response errorPage(AuthenticationFlowContext context, String messageKey, Object... parameters) {
        return context.form().setError(messageKey, parameters).createErrorPage(Response.Status.FORBIDDEN);
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
