package io.github.actas.keycloak.acting;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.AuthenticationFlowModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.services.resources.admin.AuthenticationManagementResource;

/**
 * Sets a realm up for the browser door in one step, around whatever browser flow it has:
 * <pre>
 * act-as browser                       (bound as the browser flow)
 *   act-as browser sign-in   REQUIRED  a copy of the realm's browser flow (cookie, identity-provider redirector,
 *                                      organisations, passkeys, forms and conditional 2FA as they were)
 *   act-as browser step-up   CONDITIONAL  Condition - Act-As step-up, OTP Form (a grant's requireAcr)
 *   Act-As step              REQUIRED  last
 * </pre>
 * The copy keeps the realm's alternatives together on their own level: a REQUIRED step next to them would make
 * Keycloak drop every alternative (the cookie, the forms), which is why appending the step to the built-in flow
 * fails. The realm remembers what it had (flow and themes), so {@link #undo} restores it.
 */
public final class BrowserFlowSetup {

    public static final String FLOW = "act-as browser";
    public static final String AUTHENTICATOR = "act-as-impersonation";
    public static final String STEP_UP_CONDITION = "act-as-step-up-condition";
    public static final String THEME = "act-as";
    private static final String SIGN_IN = FLOW + " sign-in";
    private static final String STEP_UP = FLOW + " step-up";
    private static final String OTP_FORM = "auth-otp-form";
    private static final String PREVIOUS_FLOW = "act-as.setup.previousBrowserFlow";
    private static final String PREVIOUS_LOGIN_THEME = "act-as.setup.previousLoginTheme";
    private static final String PREVIOUS_ACCOUNT_THEME = "act-as.setup.previousAccountTheme";
    /** Keycloak's own themes: replacing them with act-as (their child) loses nothing. */
    private static final Set<String> STOCK_THEMES = Set.of("keycloak", "keycloak.v2", "keycloak.v3", "base");

    /** What setting up does (or did), for the dry run and the answer. */
    public record Plan(boolean applied, String currentFlow, String flow, List<String> steps, List<String> warnings) {
    }

    /** Setting up cannot be done as asked; nothing has been changed. */
    public static final class Conflict extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Conflict(String message) {
            super(message, null, false, false);
        }
    }

    private final KeycloakSession session;
    private final RealmModel realm;

    public BrowserFlowSetup(KeycloakSession session, RealmModel realm) {
        this.session = session;
        this.realm = realm;
    }

    /** What {@link #apply} would do; throws {@link Conflict} when it cannot. */
    public Plan plan(boolean themes) {
        AuthenticationFlowModel current = realm.getBrowserFlow();
        if (current == null) {
            throw new Conflict("the realm has no browser flow to build on");
        }
        if (FLOW.equals(current.getAlias())) {
            throw new Conflict("the realm's browser flow is already '" + FLOW + "'");
        }
        realm.getAuthenticationFlowsStream().filter(flow -> flow.getAlias().startsWith(FLOW)).findFirst().ifPresent(flow -> {
            throw new Conflict("a flow named '" + flow.getAlias() + "' exists already: delete or rename it first");
        });
        realm.getAuthenticatorConfigsStream().filter(c -> c.getAlias() != null && c.getAlias().startsWith(SIGN_IN))
                .findFirst().ifPresent(c -> {
                    throw new Conflict("an authenticator configuration named '" + c.getAlias() + "' exists already");
                });
        List<String> steps = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        steps.add("copy the browser flow '" + current.getAlias() + "' into the REQUIRED subflow '" + SIGN_IN + "'");
        steps.add("add the CONDITIONAL subflow '" + STEP_UP + "': Condition - Act-As step-up, OTP Form");
        steps.add("add the Act-As step, REQUIRED, last");
        steps.add("bind '" + FLOW + "' as the browser flow (instead of '" + current.getAlias() + "')");
        if (themes) {
            themeStep(steps, warnings, "login", realm.getLoginTheme());
            themeStep(steps, warnings, "account", realm.getAccountTheme());
        }
        realm.getClientsStream()
                .filter(client -> client.getAuthenticationFlowBindingOverrides().containsKey("browser"))
                .forEach(client -> warnings.add("client '" + client.getClientId()
                        + "' overrides the browser flow: acting from it needs the Act-As step in that flow too"));
        return new Plan(false, current.getAlias(), FLOW, steps, warnings);
    }

    private static void themeStep(List<String> steps, List<String> warnings, String kind, String theme) {
        if (THEME.equals(theme)) {
            return;
        }
        steps.add("set the " + kind + " theme to '" + THEME + "' (instead of '" + (theme == null ? "keycloak" : theme) + "')");
        if (theme != null && !STOCK_THEMES.contains(theme)) {
            warnings.add("the " + kind + " theme '" + theme + "' is replaced: to keep it, set up with themes=false and"
                    + " add the Act-As banner to it (docs/browser.md#your-own-themes)");
        }
    }

    /** Builds and binds the flow (and sets the themes) in the caller's transaction. */
    public Plan apply(boolean themes) {
        Plan plan = plan(themes);
        AuthenticationFlowModel current = realm.getBrowserFlow();

        AuthenticationFlowModel top = flow(FLOW, "Act-As: the realm's sign-in, then acting", true);
        AuthenticationFlowModel signIn = flow(SIGN_IN, "The realm's browser flow as it was ('" + current.getAlias() + "')", false);
        AuthenticationManagementResource.copy(session, realm, SIGN_IN, current, signIn);
        AuthenticationFlowModel stepUp = flow(STEP_UP, "The actor's second factor when a grant requires it", false);
        execution(top, null, signIn.getId(), AuthenticationExecutionModel.Requirement.REQUIRED, 10);
        execution(top, null, stepUp.getId(), AuthenticationExecutionModel.Requirement.CONDITIONAL, 20);
        execution(top, AUTHENTICATOR, null, AuthenticationExecutionModel.Requirement.REQUIRED, 30);
        execution(stepUp, STEP_UP_CONDITION, null, AuthenticationExecutionModel.Requirement.REQUIRED, 10);
        execution(stepUp, OTP_FORM, null, AuthenticationExecutionModel.Requirement.REQUIRED, 20);

        realm.setAttribute(PREVIOUS_FLOW, current.getId());
        realm.setBrowserFlow(top);
        if (themes) {
            if (!THEME.equals(realm.getLoginTheme())) {
                remember(PREVIOUS_LOGIN_THEME, realm.getLoginTheme());
                realm.setLoginTheme(THEME);
            }
            if (!THEME.equals(realm.getAccountTheme())) {
                remember(PREVIOUS_ACCOUNT_THEME, realm.getAccountTheme());
                realm.setAccountTheme(THEME);
            }
        }
        return new Plan(true, plan.currentFlow(), plan.flow(), plan.steps(), plan.warnings());
    }

    /**
     * Binds the flow the realm had before {@link #apply} again, restores the themes it changed and deletes the
     * Act-As flow; throws {@link Conflict} (changing nothing) when there is nothing to undo.
     */
    public Plan undo() {
        AuthenticationFlowModel ours = realm.getFlowByAlias(FLOW);
        String previousId = realm.getAttribute(PREVIOUS_FLOW);
        AuthenticationFlowModel previous = previousId == null ? null : realm.getAuthenticationFlowById(previousId);
        if (ours == null || previous == null) {
            throw new Conflict("nothing to undo: this realm was not set up by Act-As (or its previous flow is gone)");
        }
        AuthenticationFlowModel bound = realm.getBrowserFlow();
        if (bound == null || !ours.getId().equals(bound.getId())) {
            throw new Conflict("the browser flow is no longer '" + FLOW + "': bind the flow you want yourself");
        }
        List<String> steps = new ArrayList<>();
        realm.setBrowserFlow(previous);
        steps.add("bind '" + previous.getAlias() + "' as the browser flow again");
        restoreTheme(steps, PREVIOUS_LOGIN_THEME, "login");
        restoreTheme(steps, PREVIOUS_ACCOUNT_THEME, "account");
        if (KeycloakModelUtils.isFlowUsed(session, realm, ours)) {
            throw new Conflict("'" + FLOW + "' is still used by a client or an identity provider: unbind it there first");
        }
        KeycloakModelUtils.deepDeleteAuthenticationFlow(session, realm, ours, () -> { }, () -> { }, false);
        steps.add("delete '" + FLOW + "' and its subflows");
        realm.removeAttribute(PREVIOUS_FLOW);
        return new Plan(true, FLOW, previous.getAlias(), steps, List.of());
    }

    private void restoreTheme(List<String> steps, String attribute, String kind) {
        String previous = realm.getAttribute(attribute);
        if (previous == null) {
            return;
        }
        String restored = previous.isEmpty() ? null : previous;
        String now = "login".equals(kind) ? realm.getLoginTheme() : realm.getAccountTheme();
        if (THEME.equals(now)) {
            if ("login".equals(kind)) {
                realm.setLoginTheme(restored);
            } else {
                realm.setAccountTheme(restored);
            }
            steps.add("set the " + kind + " theme back to '" + (restored == null ? "keycloak" : restored) + "'");
        }
        realm.removeAttribute(attribute);
    }

    private void remember(String attribute, String theme) {
        realm.setAttribute(attribute, theme == null ? "" : theme);
    }

    private AuthenticationFlowModel flow(String alias, String description, boolean topLevel) {
        AuthenticationFlowModel flow = new AuthenticationFlowModel();
        flow.setAlias(alias);
        flow.setDescription(description);
        flow.setProviderId("basic-flow");
        flow.setTopLevel(topLevel);
        flow.setBuiltIn(false);
        return realm.addAuthenticationFlow(flow);
    }

    private void execution(AuthenticationFlowModel parent, String authenticator, String subflowId,
                           AuthenticationExecutionModel.Requirement requirement, int priority) {
        AuthenticationExecutionModel execution = new AuthenticationExecutionModel();
        execution.setParentFlow(parent.getId());
        execution.setRequirement(requirement);
        execution.setPriority(priority);
        if (subflowId != null) {
            execution.setAuthenticatorFlow(true);
            execution.setFlowId(subflowId);
        } else {
            execution.setAuthenticator(authenticator);
        }
        realm.addAuthenticatorExecution(execution);
    }

    /** For the answer: the plan as JSON-friendly fields. */
    public static Map<String, Object> json(Plan plan, boolean dryRun) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("dryRun", dryRun);
        body.put("applied", plan.applied());
        body.put("from", plan.currentFlow());
        body.put("to", plan.flow());
        body.put("steps", plan.steps());
        body.put("warnings", plan.warnings());
        return body;
    }
}
