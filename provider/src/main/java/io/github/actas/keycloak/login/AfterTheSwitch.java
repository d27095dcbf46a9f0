package io.github.actas.keycloak.login;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.Constants;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.protocol.oidc.OIDCLoginProtocol;
import org.keycloak.services.managers.AuthenticationManager;
import org.keycloak.sessions.AuthenticationSessionModel;
import org.keycloak.util.TokenUtil;

/**
 * What would still happen in a sign-in after the browser switches to the target. The switch holds only
 * for the request that makes it: anything that continues the sign-in in a later request (a required
 * action, a consent page, a later step of the flow) would finish in a fresh, ordinary session of the
 * target, with no {@code act} and no hard end, and would let the actor change the target's account. So
 * the act-as step switches only when nothing follows, and refuses otherwise.
 */
final class AfterTheSwitch {

    /** Why acting cannot happen in this sign-in: a message key for the page and a text for the audit record. */
    record Obstacle(String messageKey, String why) {
    }

    private AfterTheSwitch() {
    }

    /**
     * @return the first thing that would follow the switch to {@code target} in this sign-in, or null when
     *         the sign-in would end with the switch
     */
    static Obstacle check(AuthenticationFlowContext context, UserModel target) {
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        String kcAction = authSession.getClientNote(Constants.KC_ACTION);
        if (kcAction != null) {
            return new Obstacle("actAsAccountActionRefused", "an account action (kc_action=" + kcAction + ") was requested;"
                    + " acting never changes the target's account");
        }
        if (TokenUtil.isOfflineTokenRequested(authSession.getClientNote(OIDCLoginProtocol.SCOPE_PARAM))) {
            return new Obstacle("actAsOfflineRefused", "offline_access was requested; acting sessions end, offline tokens would not");
        }
        if (target.getServiceAccountClientLink() != null) {
            return new Obstacle("actAsNotPermitted", "a service account cannot be signed in as in a browser");
        }
        if (!lastStep(context)) {
            return new Obstacle("actAsFlowMisconfigured", "the browser flow has enabled steps after the act-as step");
        }
        String next = nextRequiredAction(context, target);
        if (next != null) {
            return "OAUTH_GRANT".equals(next)
                    ? new Obstacle("actAsConsentRequired", "the application asks for consent, which only the target can give")
                    : new Obstacle("actAsTargetHasRequiredActions", "the sign-in would continue with the account action " + next);
        }
        return null;
    }

    /**
     * What Keycloak itself would do next once the target is the signed-in user: its own decision, evaluated
     * exactly as it will be (required-action triggers, the target's and this sign-in's required actions,
     * {@code kc_action}, consent). Whatever the triggers add to this sign-in is taken back.
     */
    private static String nextRequiredAction(AuthenticationFlowContext context, UserModel target) {
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        UserModel signedIn = authSession.getAuthenticatedUser();
        Set<String> before = new HashSet<>(authSession.getRequiredActions());
        authSession.setAuthenticatedUser(target);
        try {
            AuthenticationManager.setClientScopesInSession(context.getSession(), authSession);
            return AuthenticationManager.nextRequiredAction(context.getSession(), authSession, context.getHttpRequest(),
                    context.getEvent().clone());
        } finally {
            for (String action : new ArrayList<>(authSession.getRequiredActions())) {
                if (!before.contains(action)) {
                    authSession.removeRequiredAction(action);
                }
            }
            authSession.setAuthenticatedUser(signedIn);
        }
    }

    /** Whether every execution after this step, in the order the flow runs them, is disabled. */
    private static boolean lastStep(AuthenticationFlowContext context) {
        List<AuthenticationExecutionModel> order = new ArrayList<>();
        inOrder(context.getRealm(), context.getTopLevelFlow().getId(), order, 0);
        String self = context.getExecution().getId();
        boolean after = false;
        for (AuthenticationExecutionModel execution : order) {
            if (after && !execution.isDisabled()) {
                return false;
            }
            after |= execution.getId().equals(self);
        }
        return after;
    }

    /** Executions depth-first; a disabled subflow's executions are left out (they never run). */
    private static void inOrder(RealmModel realm, String flowId, List<AuthenticationExecutionModel> out, int depth) {
        if (depth > 32) {
            return; // Keycloak refuses recursive flows; this only bounds a broken import
        }
        realm.getAuthenticationExecutionsStream(flowId).forEach(execution -> {
            out.add(execution);
            if (execution.isAuthenticatorFlow() && !execution.isDisabled()) {
                inOrder(realm, execution.getFlowId(), out, depth + 1);
            }
        });
    }
}
