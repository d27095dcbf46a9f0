package io.github.actas.keycloak.login;

import io.github.actas.keycloak.policy.Decision;
import io.github.actas.keycloak.policy.Denial;
import org.keycloak.authentication.AuthenticationFlowCallback;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.authenticators.conditional.ConditionalAuthenticator;
import org.keycloak.authentication.authenticators.util.AcrStore;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * "Condition - Act-As step-up": true when the request asks to act as someone and the only thing
 * missing is the level of authentication the grant's {@code requireAcr} demands. The subflow it guards
 * holds the actor's own second factor (for example Keycloak's OTP Form); when that subflow succeeds,
 * the condition records the grant's level in Keycloak's acr store, so the act-as step and the tokens
 * see the stepped-up level.
 */
final class StepUpCondition implements ConditionalAuthenticator, AuthenticationFlowCallback {

    /** Auth note: the level the step-up subflow is about to prove. */
    private static final String LEVEL_NOTE = "act-as.step-up.level";

    static final StepUpCondition SINGLETON = new StepUpCondition();

    private StepUpCondition() {
    }

    @Override
    public boolean matchCondition(AuthenticationFlowContext context) {
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        String target = ActAsRequestParameters.get(authSession, ActAsRequestParameters.ACT_AS);
        UserModel actor = context.getUser();
        if (target == null || actor == null) {
            return false;
        }
        BrowserActing acting = new BrowserActing(context.getSession(), authSession);
        Decision decision = acting.decide(actor, BrowserActing.isActing(acting.ssoSession(), actor), target,
                ActAsRequestParameters.get(authSession, ActAsRequestParameters.REASON));
        if (decision.allowed() || decision.pendingGrant() == null || decision.pendingGrant().requireAcr() == null) {
            return false;
        }
        // Also when a reason is still missing: the confirmation page asks for it after the step-up.
        if (decision.denial() != Denial.STEP_UP_REQUIRED && decision.denial() != Denial.REASON_REQUIRED) {
            return false;
        }
        int needed = acting.acrLevel(decision.pendingGrant().requireAcr());
        String current = acting.currentAcr();
        if (needed < 0 || current != null && Integer.parseInt(current) >= needed) {
            return false;
        }
        authSession.setAuthNote(LEVEL_NOTE, Integer.toString(needed));
        return true;
    }

    @Override
    public void onParentFlowSuccess(AuthenticationFlowContext context) {
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        String level = authSession.getAuthNote(LEVEL_NOTE);
        if (level != null) {
            authSession.removeAuthNote(LEVEL_NOTE);
            // For this sign-in only: the next act-as asks for the second factor again.
            new AcrStore(context.getSession(), authSession).setLevelAuthenticatedToCurrentRequest(Integer.parseInt(level));
        }
    }

    @Override
    public void action(AuthenticationFlowContext context) {
    }

    @Override
    public boolean requiresUser() {
        return true;
    }

    @Override
    public void setRequiredActions(KeycloakSession session, RealmModel realm, UserModel user) {
    }

    @Override
    public void close() {
    }
}
