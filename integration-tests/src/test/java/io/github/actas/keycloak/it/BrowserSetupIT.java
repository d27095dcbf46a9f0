package io.github.actas.keycloak.it;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.actas.keycloak.harness.Http;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The browser door set up in one step on a realm made from scratch, as an operator would have it: Keycloak's
 * built-in browser flow, a user with a second factor (OTP) and an identity provider. Sign-in is tried before and
 * after the set-up (password, password + OTP, the identity-provider redirect), the set-up is done with one click
 * on the grants page, then an agent acts, signs in to a second application by SSO and stops; finally it is undone.
 */
class BrowserSetupIT extends KeycloakIT {

    private static final String REALM = "setup-it";
    private static final String BROKEN_REALM = "setup-broken-it";
    private static final String OTP_SECRET = "act-as-setup-it-otp-secret";

    private static final Set<String> USED_OTP = new HashSet<>();

    private static BrowserFlows flows;

    @BeforeAll
    static void realms() {
        assumeTrue(Browser.available(), "Chromium and chromedriver are needed (Debian: apt-get install chromium chromium-driver)");
        createFromScratch(REALM);
        createFromScratch(BROKEN_REALM);
        flows = new BrowserFlows(server, REALM);
        // The grant the agent acts under (grants are Act-As's own; the set-up does not write any).
        Map<String, Object> grant = new LinkedHashMap<>();
        grant.put("name", "agents");
        grant.put("actors", Map.of("users", List.of("agent")));
        grant.put("targets", Map.of("users", List.of("customer")));
        grant.put("modes", List.of("impersonate"));
        grant.put("clients", List.of("account-console", "app-two"));
        grant.put("maxDurationSeconds", 900);
        grant.put("requireReason", true);
        grant.put("reasonPattern", "T-[0-9]+");
        grant.put("reasonHint", "T-1234");
        // The realm has an identity provider, so names are not trusted by default; these test users' are.
        grant.put("trustActorUsernames", true);
        Http.Response created = Http.postJson(actAsUrl(REALM, "grants"), masterAdminToken(), grant);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
    }

    @AfterAll
    static void close() {
        if (flows != null) {
            flows.close();
        }
    }

    /** A realm as Keycloak makes it, with users, two applications and an OIDC identity provider. */
    private static void createFromScratch(String name) {
        String admin = masterAdminToken();
        if (Http.get(server.adminUrl(name), admin).status() == 200) {
            assertThat(Http.delete(server.adminUrl(name), admin).status()).isEqualTo(204);
        }
        List<Map<String, Object>> users = new ArrayList<>();
        users.add(user(name, "setup-admin", Map.of("realm-management", List.of("realm-admin")), null));
        users.add(user(name, "ordinary", null, null));
        users.add(user(name, "second", null, OTP_SECRET));
        users.add(user(name, "agent", null, null));
        users.add(user(name, "customer", null, null));
        String master = server.realmUrl("master") + "/protocol/openid-connect";
        Map<String, Object> partnerConfig = new LinkedHashMap<>();
        partnerConfig.put("authorizationUrl", master + "/auth");
        partnerConfig.put("tokenUrl", master + "/token");
        partnerConfig.put("clientId", name);
        partnerConfig.put("clientSecret", "partner-secret");
        partnerConfig.put("clientAuthMethod", "client_secret_post");
        Map<String, Object> realm = new LinkedHashMap<>();
        realm.put("realm", name);
        realm.put("enabled", true);
        realm.put("users", users);
        realm.put("clients", List.of(app("app-one"), app("app-two")));
        realm.put("identityProviders", List.of(Map.of("alias", "partner", "providerId", "oidc", "enabled", true,
                "config", partnerConfig)));
        Http.Response created = Http.postJson(server.baseUrl() + "/admin/realms", admin, realm);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
    }

    private static Map<String, Object> user(String realm, String username, Map<String, List<String>> clientRoles, String otp) {
        Map<String, Object> user = new LinkedHashMap<>();
        user.put("username", username);
        user.put("enabled", true);
        user.put("email", username + "@" + realm + ".example");
        user.put("emailVerified", true);
        user.put("firstName", username);
        user.put("lastName", "Test");
        user.put("realmRoles", List.of("default-roles-" + realm));
        if (clientRoles != null) {
            user.put("clientRoles", clientRoles);
        }
        List<Map<String, Object>> credentials = new ArrayList<>();
        credentials.add(Map.of("type", "password", "value", TEST_PASSWORD, "temporary", false));
        if (otp != null) {
            credentials.add(Totp.credential(otp));
        }
        user.put("credentials", credentials);
        return user;
    }

    private static Map<String, Object> app(String clientId) {
        return Map.of("clientId", clientId, "publicClient", false, "secret", clientId + "-secret",
                "standardFlowEnabled", true, "redirectUris", List.of("http://127.0.0.1:*"));
    }

    private static JsonNode realm(String name) {
        return Http.get(server.adminUrl(name), masterAdminToken()).json();
    }

    /** A code Keycloak accepts now (one step either side) and has not seen: it refuses a code used before. */
    private static String unusedOtp() {
        for (int offset : new int[] {0, 1, -1}) {
            String code = Totp.code(OTP_SECRET, offset);
            if (USED_OTP.add(code)) {
                return code;
            }
        }
        throw new AssertionError("every acceptable code is used; sign-ins too close together");
    }

    /** Password sign-in, password + OTP, and the identity-provider redirect, each in a fresh browser. */
    private static void everySignInWorks(String phase) {
        try (Browser browser = new Browser()) {
            browser.open(flows.authUrl("app-one", Map.of()));
            browser.signIn("ordinary", TEST_PASSWORD);
            JsonNode tokens = flows.redeem("app-one", flows.codeFrom(browser));
            assertThat(Oidc.claims(tokens.get("access_token").asText()).get("preferred_username").asText())
                    .as(phase).isEqualTo("ordinary");
        }
        try (Browser browser = new Browser()) {
            browser.open(flows.authUrl("app-one", Map.of()));
            browser.signIn("second", TEST_PASSWORD);
            browser.type("#otp", unusedOtp());
            browser.click("#kc-login");
            JsonNode access = Oidc.claims(flows.redeem("app-one", flows.codeFrom(browser)).get("access_token").asText());
            assertThat(access.get("preferred_username").asText()).as(phase).isEqualTo("second");
        }
        try (Browser browser = new Browser()) {
            browser.open(flows.authUrl("app-one", Map.of("kc_idp_hint", "partner")));
            browser.waitForUrlStart(server.realmUrl("master") + "/protocol/openid-connect/auth");
            assertThat(BrowserFlows.query(browser.url()).get("client_id")).as(phase).isEqualTo(REALM);
        }
    }

    @Test
    void theBrowserSignInIsSetUpWithOneClickAndEverySignInStillWorks() {
        everySignInWorks("before the set-up");
        assertThat(realm(REALM).get("browserFlow").asText()).isEqualTo("browser");

        // The dry run answers the plan and changes nothing.
        Http.Response dry = Http.postJson(actAsUrl(REALM, "setup/browser-flow?dryRun=true"), masterAdminToken(), Map.of());
        assertThat(dry.status()).as(dry.toString()).isEqualTo(200);
        assertThat(dry.json().get("steps").toString()).contains("copy the browser flow 'browser'");
        assertThat(realm(REALM).get("browserFlow").asText()).isEqualTo("browser");

        // The one step before the click: the realm's account console is Act-As's (Realm settings → Themes).
        assertThat(Http.putJson(server.adminUrl(REALM), masterAdminToken(), Map.of("accountTheme", "act-as")).status())
                .isEqualTo(204);
        try (Browser browser = new Browser()) {
            browser.open(server.realmUrl(REALM) + "/account/");
            browser.signIn("setup-admin", TEST_PASSWORD);
            browser.waitForText("nav", "Act-As administration");
            ConsolePagesIT.openFromMenu(browser, "act-as-grants");
            browser.click("#act-as-setup-plan-button");
            browser.waitForText("#act-as-setup-plan", "act-as browser sign-in");
            browser.screenshot("account-console-browser-setup-plan");
            browser.click("#act-as-setup-apply");
            browser.waitForText("#act-as-setup-done", "set up for acting");
        }
        JsonNode after = realm(REALM);
        assertThat(after.get("browserFlow").asText()).isEqualTo("act-as browser");
        assertThat(after.get("loginTheme").asText()).isEqualTo("act-as");
        assertThat(after.get("accountTheme").asText()).isEqualTo("act-as");
        // Set up twice: refused, nothing changes.
        Http.Response again = Http.postJson(actAsUrl(REALM, "setup/browser-flow"), masterAdminToken(), Map.of());
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("errorMessage").asText()).contains("already");

        everySignInWorks("after the set-up");

        // An agent acts from the account console, signs in to a second application by SSO, and stops.
        try (Browser browser = new Browser()) {
            browser.open(server.realmUrl(REALM) + "/account/");
            browser.signIn("agent", TEST_PASSWORD);
            browser.click("nav a[href$='/content/impersonation']");
            browser.click("tr[data-username='customer'] a.act-as-start");
            browser.waitFor("#act-as-confirm");
            assertThat(browser.present("#kc-attempted-username")).as("no username-restart widget").isFalse();
            assertThat(browser.textOf("#act-as-reason-hint")).isEqualTo("For example: T-1234");
            assertThat(browser.pageSource()).doesNotContain("T-[0-9]+");
            browser.type("#reason", "T-77");
            browser.click("#act-as-confirm-button");
            browser.waitForText("#act-as-banner-text", "You are acting as customer (signed in as agent)");
            browser.waitForText("#act-as-banner-time", "min left");

            JsonNode tokens = flows.tokensVia(browser, "app-two", Map.of());
            JsonNode access = Oidc.claims(tokens.get("access_token").asText());
            assertThat(access.get("preferred_username").asText()).isEqualTo("customer");
            assertThat(access.at("/act/preferred_username").asText()).isEqualTo("agent");
            // Recorded once for the application's client session, however often it signs in again.
            flows.tokensVia(browser, "app-two", Map.of());
            List<JsonNode> issued = flows.audit("token.issued", "agent").stream()
                    .filter(r -> "app-two".equals(r.path("client").asText())).toList();
            assertThat(issued).hasSize(1);
            assertThat(issued.get(0).get("reason").asText()).isEqualTo("T-77");

            browser.open(server.realmUrl(REALM) + "/account/");
            browser.click("#act-as-stop");
            browser.waitForText("body", "Personal info");
            assertThat(flows.status(browser).get("acting").asBoolean()).isFalse();
            assertThat(flows.audit("impersonation.ended", "agent")).anySatisfy(r ->
                    assertThat(r.get("endReason").asText()).isEqualTo("stopped"));
        }

        // Undo: the realm's own flow and themes are back, the Act-As flow is gone; a second undo has nothing to do.
        Http.Response undone = Http.delete(actAsUrl(REALM, "setup/browser-flow"), masterAdminToken());
        assertThat(undone.status()).as(undone.toString()).isEqualTo(200);
        JsonNode restored = realm(REALM);
        assertThat(restored.get("browserFlow").asText()).isEqualTo("browser");
        assertThat(restored.path("loginTheme").asText("")).isEmpty();
        assertThat(restored.get("accountTheme").asText()).isEqualTo("act-as"); // the operator's choice, not the set-up's
        assertThat(Http.get(server.adminUrl(REALM) + "/authentication/flows", masterAdminToken()).json().findValuesAsText("alias"))
                .noneMatch(alias -> alias.startsWith("act-as browser"));
        assertThat(Http.delete(actAsUrl(REALM, "setup/browser-flow"), masterAdminToken()).status()).isEqualTo(409);
        everySignInWorks("after the undo");
    }

    @Test
    void anActAsStepBeforeAnyoneSignedInSaysSoInsteadOfInvalidCredentials() {
        // The shortcut an operator might take: the step appended to a copy of the built-in flow, next to its
        // alternatives (which Keycloak then ignores, so nobody has signed in when the step runs).
        String admin = masterAdminToken();
        String flows = server.adminUrl(BROKEN_REALM) + "/authentication/flows";
        assertThat(Http.postJson(flows + "/browser/copy", admin, Map.of("newName", "appended")).status()).isEqualTo(201);
        assertThat(Http.postJson(flows + "/appended/executions/execution", admin, Map.of("provider", "act-as-impersonation"))
                .status()).isEqualTo(201);
        for (JsonNode execution : Http.get(flows + "/appended/executions", admin).json()) {
            if ("act-as-impersonation".equals(execution.path("providerId").asText())) {
                ((ObjectNode) execution).put("requirement", "REQUIRED");
                assertThat(Http.putJson(flows + "/appended/executions", admin, execution).status()).isIn(202, 204);
            }
        }
        assertThat(Http.putJson(server.adminUrl(BROKEN_REALM), admin, Map.of("browserFlow", "appended")).status()).isEqualTo(204);
        int logFrom = server.logLineCount();
        try (BrowserFlows broken = new BrowserFlows(server, BROKEN_REALM); Browser browser = new Browser()) {
            browser.open(broken.authUrl("app-one", Map.of()));
            browser.waitForText("#kc-error-message", "Sign-in is not set up correctly");
            assertThat(browser.pageText()).doesNotContain("Invalid username or password");
            assertThat(browser.present("#act-as-back-to-account")).isTrue();
            browser.screenshot("misconfigured-flow-page");
        }
        Await.until("the log line naming the flow", 10_000, () -> server.logSince(logFrom).stream().anyMatch(line ->
                line.contains("the act-as step of the flow 'appended' in realm " + BROKEN_REALM + " ran before anyone signed in")));
    }
}
