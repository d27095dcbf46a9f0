package io.github.actas.keycloak.login;

import java.util.Map;

import io.github.actas.keycloak.acting.ActAsRequestParameters;
import io.github.actas.keycloak.policy.Decision;
import io.github.actas.keycloak.policy.Denial;
import org.keycloak.authentication.AuthenticationFlowCallback;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.authenticators.conditional.ConditionalAuthenticator;
import org.keycloak.authentication.authenticators.conditional.ConditionalAuthenticatorFactory;
import org.keycloak.authentication.authenticators.util.AcrStore;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
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
        BrowserActing.Asked asked = BrowserActing.asked(authSession);
        UserModel actor = context.getUser();
        if (asked == null || asked.ambiguous() || actor == null) {
            return false;
        }
        BrowserActing acting = new BrowserActing(context.getSession(), authSession);
        Decision decision = acting.decide(acting.request(actor, asked.mode(), asked.name(),
                ActAsRequestParameters.get(authSession, ActAsRequestParameters.REASON)));
        if (decision.allowed() || decision.pendingGrant() == null || decision.pendingGrant().requireAcr() == null) {
            return false;
        }
        // Also when a reason is still missing: the confirmation page asks for it after the step-up.
        if (decision.denial() != Denial.STEP_UP_REQUIRED && decision.denial() != Denial.REASON_REQUIRED) {
            return false;
        }
        int needed = acting.acrLevel(decision.pendingGrant().requireAcr());
        String verified = acting.currentAcr();
        if (needed < 0 || verified != null && Integer.parseInt(verified) >= needed) {
            return false;
        }
        authSession.setAuthNote(LEVEL_NOTE, Integer.toString(needed));
        return true;
    }

    /**
     * The subflow finished. Keycloak also calls a flow finished when a required second factor was skipped
     * or only marked "set up required" (an actor without such a credential): the level is recorded only
     * when the subflow's authenticators really verified the actor in this sign-in.
     */
    @Override
    public void onParentFlowSuccess(AuthenticationFlowContext context) {
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        String level = authSession.getAuthNote(LEVEL_NOTE);
        if (level == null) {
            return;
        }
        authSession.removeAuthNote(LEVEL_NOTE);
        if (!verified(context, context.getExecution().getParentFlow(), 0)) {
            BrowserActing.LOG.debugf("Act-As step-up of %s not counted: its subflow did not verify a second factor",
                    context.getUser() == null ? "?" : context.getUser().getUsername());
            return;
        }
        // For this sign-in only: the next act-as asks for the second factor again.
        authSession.setAuthNote(BrowserActing.VERIFIED_LEVEL, level);
        new AcrStore(context.getSession(), authSession).setLevelAuthenticatedToCurrentRequest(Integer.parseInt(level));
    }

    /**
     * Whether a flow's enabled steps verified the user in this sign-in: every required authenticator (and
     * required subflow) succeeded, at least one authenticator succeeded, and nothing ended in "set up
     * required" or was merely attempted. Conditions do not count as verification.
     */
    private static boolean verified(AuthenticationFlowContext context, String flowId, int depth) {
        if (depth > 32) {
            return false;
        }
        Map<String, AuthenticationSessionModel.ExecutionStatus> statuses = context.getAuthenticationSession().getExecutionStatus();
        KeycloakSessionFactory factory = context.getSession().getKeycloakSessionFactory();
        boolean anyVerified = false;
        for (AuthenticationExecutionModel execution : context.getRealm().getAuthenticationExecutionsStream(flowId).toList()) {
            if (execution.isDisabled()) {
                continue;
            }
            AuthenticationSessionModel.ExecutionStatus status = statuses.get(execution.getId());
            if (status == AuthenticationSessionModel.ExecutionStatus.SETUP_REQUIRED) {
                return false;
            }
            boolean succeeded = status == AuthenticationSessionModel.ExecutionStatus.SUCCESS;
            if (execution.isAuthenticatorFlow()) {
                if (succeeded && !verified(context, execution.getFlowId(), depth + 1)) {
                    return false;
                }
            } else if (factory.getProviderFactory(Authenticator.class, execution.getAuthenticator())
                    instanceof ConditionalAuthenticatorFactory) {
                continue;
            }
            if (!succeeded && execution.isRequired()) {
                return false;
            }
            anyVerified |= succeeded;
        }
        return anyVerified;
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
