package io.github.actas.keycloak.it;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.actas.keycloak.harness.Http;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Acting never turns into owning, tried in headless Chromium as an attacker would: after Confirm every
 * sign-in either ends in the Act-As session or is refused and audited; nothing the actor does through the
 * sign-in changes the target's account; a step-up means a second factor really verified in this sign-in;
 * a running acting session reaches only the grant's clients, whatever flow a client uses; Stop ends it
 * once and cannot be forced; acting never lengthens the actor's own sign-in; values show as text.
 */
class BrowserGuardIT extends KeycloakIT {

    private static final String REALM = "guard-it";

    private static BrowserFlows flows;
    private static Oidc oidc;

    @BeforeAll
    static void setUp() {
        assumeTrue(Browser.available(), "Chromium and chromedriver are needed (Debian: apt-get install chromium chromium-driver)");
        ensureRealm(REALM);
        flows = new BrowserFlows(server, REALM);
        oidc = new Oidc(server, REALM);
        // Clients overriding the browser flow: one to a flow without the act-as step, one to a flow with a step after it.
        bindBrowserFlow("override-app", "guard plain");
        bindBrowserFlow("late-app", "guard late step");
    }

    @AfterAll
    static void tearDown() {
        if (flows != null) {
            flows.close();
        }
    }

    @Test
    void anAccountActionTogetherWithActAsIsRefusedAndChangesNothing() {
        int denied = flows.audit("impersonation.denied", "boss").size();
        int started = flows.audit("impersonation.started", "boss").size();
        try (Browser browser = new Browser()) {
            browser.open(flows.authUrl("guard-app", Map.of("act_as", "t_1", "kc_action", "UPDATE_PASSWORD")));
            browser.signIn("boss", TEST_PASSWORD);
            assertThat(BrowserFlows.errorText(browser)).contains("cannot be combined with changing that account");
            assertThat(browser.present("#password-new")).isFalse();
        }
        assertThat(flows.audit("impersonation.denied", "boss")).hasSize(denied + 1)
                .first().satisfies(r -> assertThat(r.get("error").asText()).contains("kc_action=UPDATE_PASSWORD"));
        assertThat(flows.audit("impersonation.started", "boss")).hasSize(started);
        assertThat(oidc.loginStatus("svc", "t_1", TEST_PASSWORD)).isEqualTo(200); // t_1's password is unchanged
    }

    @Test
    void whileActingTheTargetsAccountCannotBeChanged() {
        try (Browser browser = new Browser()) {
            actAs(browser, "boss", "t_2");
            // An application-initiated action from the acting session: refused, audited, nothing changed.
            browser.open(flows.authUrl("guard-app", Map.of("kc_action", "UPDATE_PASSWORD")));
            assertThat(BrowserFlows.errorText(browser)).contains("cannot be combined with changing that account");
            assertThat(flows.audit("impersonation.denied", "boss")).anySatisfy(r ->
                    assertThat(r.get("error").asText()).contains("kc_action=UPDATE_PASSWORD"));
            // The acting tokens can read the account, never manage it (profile, credentials, links, consents).
            JsonNode access = Oidc.claims(flows.tokensVia(browser, "guard-app", Map.of()).get("access_token").asText());
            assertThat(access.at("/act/preferred_username").asText()).isEqualTo("boss");
            assertThat(access.at("/resource_access/account/roles").toString())
                    .contains("view-profile").doesNotContain("manage-account");
        }
        assertThat(oidc.loginStatus("svc", "t_2", TEST_PASSWORD)).isEqualTo(200);
    }

    @Test
    void noChainThroughSomeoneActedAs() {
        try (Browser browser = new Browser()) {
            // t_agent holds a grant of its own; acting as t_agent never lends it.
            String agentSession = Oidc.claims(actAs(browser, "boss", "t_agent").get("access_token").asText()).get("sid").asText();
            browser.open(flows.authUrl("guard-app", Map.of("act_as", "t_2")));
            assertThat(BrowserFlows.errorText(browser)).contains("already acting as someone else");
            browser.open(server.realmUrl(REALM) + "/act-as/targets");
            assertThat(BrowserFlows.json(browser).get("targets")).isEmpty();

            // Signing in again as oneself is no chain; it replaces (and ends) the acting session.
            browser.open(flows.authUrl("guard-app", Map.of("act_as", "t_2", "prompt", "login")));
            browser.click("#reset-login"); // Keycloak asks t_agent to re-authenticate; the actor signs in as themselves
            browser.signIn("boss", TEST_PASSWORD);
            browser.click("#act-as-confirm-button");
            JsonNode access = Oidc.claims(flows.redeem("guard-app", flows.codeFrom(browser)).get("access_token").asText());
            assertThat(access.at("/act/preferred_username").asText()).isEqualTo("boss");
            assertThat(flows.audit("impersonation.ended", "boss"))
                    .filteredOn(r -> agentSession.equals(r.path("sessionId").asText()))
                    .singleElement().satisfies(r ->
                            assertThat(r.get("endReason").asText()).isEqualTo("replaced"));
        }
        assertThat(flows.audit("impersonation.started", "t_agent"))
                .noneMatch(r -> r.get("client").asText().equals("guard-app")); // never acted through the browser
    }

    @Test
    void consentOnlyTheTargetCanGiveMakesActingUnavailable() {
        try (Browser browser = new Browser()) {
            browser.open(flows.authUrl("consent-app", Map.of("act_as", "t_3")));
            browser.signIn("boss", TEST_PASSWORD);
            assertThat(BrowserFlows.errorText(browser)).contains("asks for consent, which only t_3 can give");
        }
        assertThat(flows.audit("impersonation.denied", "boss")).anySatisfy(r ->
                assertThat(r.get("error").asText()).contains("consent"));
        assertThat(actingSessionsOf("t_3")).noneMatch(r -> r.get("client").asText().equals("consent-app"));
    }

    @Test
    void aStepAfterTheActAsStepMakesActingUnavailable() {
        try (Browser browser = new Browser()) {
            browser.open(flows.authUrl("late-app", Map.of("act_as", "t_4")));
            browser.signIn("boss", TEST_PASSWORD);
            assertThat(BrowserFlows.errorText(browser)).contains("continues after the act-as step");
        }
        assertThat(actingSessionsOf("t_4")).noneMatch(r -> r.get("client").asText().equals("late-app"));
        tolerateServerError("make it the last step"); // the WARN naming the flow is not an error, but stays visible
    }

    @Test
    void offlineAccessIsNeverGivenThroughActing() {
        try (Browser browser = new Browser()) {
            browser.open(flows.authUrl("guard-app", Map.of("act_as", "t_5", "scope", "openid offline_access")));
            browser.signIn("boss", TEST_PASSWORD);
            assertThat(BrowserFlows.errorText(browser)).contains("cannot give guard-app offline access");
        }
        try (Browser browser = new Browser()) {
            actAs(browser, "boss", "t_5");
            browser.open(flows.authUrl("guard-app", Map.of("scope", "openid offline_access")));
            assertThat(BrowserFlows.errorText(browser)).contains("offline access");
        }
        assertThat(flows.audit("impersonation.denied", "boss")).anySatisfy(r ->
                assertThat(r.get("error").asText()).contains("offline_access"));
    }

    @Test
    void aSecondFactorOnlySetUpOrSkippedIsNoStepUp() {
        // boss2 has no OTP: Keycloak marks the OTP step "set up required" and calls the subflow done.
        try (Browser browser = new Browser()) {
            browser.open(flows.authUrl("guard-app", Map.of("act_as", "t_6")));
            browser.signIn("boss2", TEST_PASSWORD);
            assertThat(BrowserFlows.errorText(browser)).contains("requires a stronger sign-in");
            assertThat(browser.present("#act-as-confirm")).isFalse();
        }
        assertThat(flows.audit("impersonation.denied", "boss2")).anySatisfy(r ->
                assertThat(r.get("error").asText()).isEqualTo("STEP_UP_REQUIRED"));
        assertThat(credentialTypes("t_6")).doesNotContain("otp");
        assertThat(credentialTypes("boss2")).doesNotContain("otp");
        assertThat(actingSessionsOf("t_6")).noneMatch(r -> r.at("/actor/username").asText().equals("boss2"));
    }

    @Test
    void singleSignOnFromAnActingSessionReachesOnlyTheGrantsClientsWhateverFlowTheyUse() {
        try (Browser browser = new Browser()) {
            actAs(browser, "boss", "t_7");
            // override-app signs in through a flow without the act-as step; the grant does not name it.
            browser.open(flows.authUrl("override-app", Map.of()));
            Http.Response redeemed = flows.redeemResponse("override-app", flows.codeFrom(browser));
            assertThat(redeemed.status()).as(redeemed.toString()).isEqualTo(400);
            assertThat(redeemed.json().get("error").asText()).isEqualTo("invalid_grant");
            assertThat(redeemed.body()).doesNotContain("access_token");
            // guard-app, which the grant names, still gets the acting tokens.
            assertThat(Oidc.claims(flows.tokensVia(browser, "guard-app", Map.of()).get("access_token").asText())
                    .at("/act/preferred_username").asText()).isEqualTo("boss");
        }
    }

    @Test
    void stopEndsActingOnceAndCannotBeForged() throws Exception {
        try (Browser browser = new Browser()) {
            JsonNode access = Oidc.claims(actAs(browser, "boss", "t_8").get("access_token").asText());
            String sessionId = access.get("sid").asText();
            String stopUrl = server.realmUrl(REALM) + "/act-as/stop";
            String secret = flows.status(browser).get("stopToken").asText();
            String cookies = browser.cookieHeader(); // the realm's cookies: the browser is on the status page now
            // The old proof was derived from the session id, which every token carries: refused now.
            String derived = Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256")
                    .digest(("act-as-stop:" + sessionId).getBytes(StandardCharsets.US_ASCII)));
            assertThat(Http.postForm(stopUrl, List.<String[]>of(new String[] {"token", derived}),
                    Map.of("Cookie", cookies)).status()).isEqualTo(403);
            // The right secret from another site: refused as well.
            assertThat(secret).isNotEqualTo(derived);
            assertThat(Http.postForm(stopUrl, List.<String[]>of(new String[] {"token", secret}),
                    Map.of("Cookie", cookies, "Sec-Fetch-Site", "cross-site")).status()).isEqualTo(403);
            assertThat(Http.postForm(stopUrl, List.<String[]>of(new String[] {"token", secret}),
                    Map.of("Cookie", cookies, "Origin", "https://evil.example")).status()).isEqualTo(403);
            assertThat(flows.status(browser).get("acting").asBoolean()).isTrue();

            browser.open(server.realmUrl(REALM) + "/account/");
            browser.click("#act-as-stop");
            browser.waitForUrl("/account");
            assertThat(flows.status(browser).get("acting").asBoolean()).isFalse();
            Thread.sleep(3_000); // housekeeping runs every 2 s in the tests: it must not record the end again
            assertThat(flows.audit("impersonation.ended", "boss"))
                    .filteredOn(r -> sessionId.equals(r.path("sessionId").asText()))
                    .singleElement().satisfies(r -> assertThat(r.get("endReason").asText()).isEqualTo("stopped"));
        }
    }

    @Test
    void actingThenStopDoesNotLengthenTheActorsOwnSignIn() throws Exception {
        Map<String, Object> lifespans = Map.of("realm", REALM, "ssoSessionMaxLifespan", 30);
        assertThat(Http.putJson(server.adminUrl(REALM), masterAdminToken(), lifespans).status()).isEqualTo(204);
        try (Browser browser = new Browser()) {
            browser.open(flows.authUrl("guard-app", Map.of()));
            browser.signIn("boss", TEST_PASSWORD);
            long signedIn = Oidc.claims(flows.redeem("guard-app", flows.codeFrom(browser)).get("access_token").asText())
                    .get("auth_time").asLong() * 1000;
            Thread.sleep(8_000);
            browser.open(flows.authUrl("guard-app", Map.of("act_as", "t_9")));
            browser.click("#act-as-confirm-button");
            flows.codeFrom(browser);
            browser.open(server.realmUrl(REALM) + "/account/");
            browser.click("#act-as-stop");
            browser.waitForUrl("/account");
            assertThat(flows.status(browser).get("username").asText()).isEqualTo("boss");
            // Past the end of the original sign-in; the carried-over session alone would last 8 s longer.
            Thread.sleep(Math.max(0, signedIn + 32_000 - System.currentTimeMillis()));
            browser.open(flows.authUrl("guard-app", Map.of()));
            browser.waitFor("#username"); // signs in again: single sign-on ended with the original sign-in
        } finally {
            Http.putJson(server.adminUrl(REALM), masterAdminToken(),
                    Map.of("realm", REALM, "ssoSessionMaxLifespan", 36_000));
        }
    }

    @Test
    void valuesOfTheRequestShowAsTextNeverAsMarkup() {
        String hostile = "<a id=\"injected\" href=\"https://evil.example/\">click</a>";
        try (Browser browser = new Browser()) {
            browser.open(flows.authUrl("guard-app", Map.of("act_as", hostile)));
            browser.signIn("boss", TEST_PASSWORD);
            assertThat(BrowserFlows.errorText(browser)).contains("You are not permitted to act as <a id=");
            assertThat(browser.present("#injected")).isFalse();
        }
        // The start endpoint treats the value as data, not as a URI template.
        for (String value : List.of("{realm}", "{x}", "%7Bx%7D/../")) {
            Http.Response started = Http.get(server.realmUrl(REALM) + "/act-as/start?act_as="
                    + URLEncoder.encode(value, StandardCharsets.UTF_8), null);
            assertThat(started.status()).as(value + ": " + started).isEqualTo(303);
            assertThat(BrowserFlows.query(started.header("Location")).get("act_as")).isEqualTo(value);
            Http.Response group = Http.get(server.realmUrl(REALM) + "/act-as/start?act_as_group="
                    + URLEncoder.encode(value, StandardCharsets.UTF_8), null);
            assertThat(group.status()).as(value + ": " + group).isEqualTo(303);
            assertThat(BrowserFlows.query(group.header("Location")).get("act_as_group")).isEqualTo(value);
        }
        // One of the two, never both or neither.
        assertThat(Http.get(server.realmUrl(REALM) + "/act-as/start?act_as=a&act_as_group=/g", null).status()).isEqualTo(400);
        assertThat(Http.get(server.realmUrl(REALM) + "/act-as/start", null).status()).isEqualTo(400);
    }

    // --- helpers ---

    /** Signs {@code actor} in to guard-app acting as {@code target}; returns the redeemed tokens. */
    private static JsonNode actAs(Browser browser, String actor, String target) {
        browser.open(flows.authUrl("guard-app", Map.of("act_as", target)));
        browser.signIn(actor, TEST_PASSWORD);
        browser.click("#act-as-confirm-button");
        JsonNode tokens = flows.redeem("guard-app", flows.codeFrom(browser));
        assertThat(Oidc.claims(tokens.get("access_token").asText()).get("sub").asText()).isEqualTo(flows.userId(target));
        return tokens;
    }

    private static List<JsonNode> actingSessionsOf(String target) {
        List<JsonNode> out = new ArrayList<>();
        Http.get(actAsUrl(REALM, "sessions?target=" + target), masterAdminToken()).json().forEach(out::add);
        return out;
    }

    private static List<String> credentialTypes(String username) {
        return Http.get(server.adminUrl(REALM) + "/users/" + flows.userId(username) + "/credentials", masterAdminToken())
                .json().findValuesAsText("type");
    }

    private static void bindBrowserFlow(String clientId, String flowAlias) {
        String admin = masterAdminToken();
        String flowId = null;
        for (JsonNode flow : Http.get(server.adminUrl(REALM) + "/authentication/flows", admin).json()) {
            if (flow.get("alias").asText().equals(flowAlias)) {
                flowId = flow.get("id").asText();
            }
        }
        JsonNode client = Http.get(server.adminUrl(REALM) + "/clients?clientId=" + clientId, admin).json().get(0);
        assertThat(Http.putJson(server.adminUrl(REALM) + "/clients/" + client.get("id").asText(), admin,
                Map.of("clientId", clientId, "authenticationFlowBindingOverrides", Map.of("browser", flowId))).status())
                .isEqualTo(204);
    }
}
