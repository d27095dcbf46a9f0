package io.github.actas.keycloak.it;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import io.github.actas.keycloak.harness.Http;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The browser door end to end: Debian's headless Chromium against the real server, a real SMTP server
 * (GreenMail) and a real OAuth callback on loopback. Screenshots go to target/screenshots (the README's
 * pictures are taken here).
 */
class BrowserIT extends KeycloakIT {

    private static final String REALM = "browser-it";
    private static final String OTP_SECRET = "act-as-browser-it-otp-secret";

    private static BrowserFlows flows;
    private static GreenMail mail;

    @BeforeAll
    static void setUp() throws IOException {
        assumeTrue(Browser.available(), "Chromium and chromedriver are needed (Debian: apt-get install chromium chromium-driver)");
        ensureRealm(REALM);
        flows = new BrowserFlows(server, REALM);
        mail = SmtpReceiver.start();
        String admin = masterAdminToken();
        SmtpReceiver.useFor(server, REALM, admin, mail, "keycloak@browser-it.example");
        // weak-app signs in through a flow without the step-up subflow
        String flowId = null;
        for (JsonNode flow : Http.get(server.adminUrl(REALM) + "/authentication/flows", admin).json()) {
            if (flow.get("alias").asText().equals("act-as browser without step-up")) {
                flowId = flow.get("id").asText();
            }
        }
        JsonNode weak = Http.get(server.adminUrl(REALM) + "/clients?clientId=weak-app", admin).json().get(0);
        assertThat(Http.putJson(server.adminUrl(REALM) + "/clients/" + weak.get("id").asText(), admin,
                Map.of("clientId", "weak-app", "authenticationFlowBindingOverrides", Map.of("browser", flowId))).status())
                .isEqualTo(204);
    }

    @AfterAll
    static void tearDown() {
        if (flows != null) {
            flows.close();
        }
        if (mail != null) {
            mail.stop(); // harmless when the mail test already stopped it
        }
    }

    @Test
    void actorActsFromTheAccountConsoleAndStops() throws Exception {
        try (Browser browser = new Browser()) {
            // The console's menu entry (shown to people who hold grants) opens the list.
            browser.open(server.realmUrl(REALM) + "/account/");
            browser.signIn("admin1", TEST_PASSWORD);
            browser.click("nav a[href$='/content/impersonation']");
            browser.waitFor("#act-as-targets");
            List<String> listed = listedUsernames(browser);
            assertThat(listed).contains("user_1", "user_2", "customer_7")
                    .doesNotContain("user_vip", "realmadmin", "notified", "admin1", "nogrant");
            browser.screenshot("account-console-impersonation-page");

            // The page's endpoint pages through the same list.
            browser.open(server.realmUrl(REALM) + "/act-as/targets?max=3");
            JsonNode firstPage = BrowserFlows.json(browser);
            assertThat(firstPage.get("targets")).hasSize(3);
            assertThat(firstPage.get("more").asBoolean()).isTrue();
            browser.open(server.realmUrl(REALM) + "/act-as/targets?first=6&max=3");
            JsonNode lastPage = BrowserFlows.json(browser);
            assertThat(lastPage.get("targets")).hasSize(1);
            assertThat(lastPage.get("more").asBoolean()).isFalse();
            // By cursor: the same people in the same order, each page deciding only its own candidates.
            browser.open(server.realmUrl(REALM) + "/act-as/targets?max=100");
            List<String> everyone = new ArrayList<>();
            BrowserFlows.json(browser).get("targets").forEach(t -> everyone.add(t.get("username").asText()));
            List<String> byCursor = new ArrayList<>();
            JsonNode page = firstPage;
            while (true) {
                page.get("targets").forEach(t -> byCursor.add(t.get("username").asText()));
                if (!page.get("more").asBoolean()) {
                    break;
                }
                browser.open(server.realmUrl(REALM) + "/act-as/targets?max=3&after=" + page.get("next").asInt());
                page = BrowserFlows.json(browser);
            }
            assertThat(byCursor).isEqualTo(everyone).hasSize(7);
            browser.open(server.realmUrl(REALM) + "/act-as/targets?first=3&after=2");
            assertThat(BrowserFlows.json(browser).get("error_description").asText()).contains("not both");
            browser.open(server.realmUrl(REALM) + "/account/content/impersonation");
            browser.waitFor("#act-as-targets");

            browser.type("#act-as-search-input", "user_2");
            browser.click("#act-as-search button");
            awaitListed(browser, "user_2");

            browser.type("#act-as-search-input", "user_1");
            browser.click("#act-as-search button");
            awaitListed(browser, "user_1");
            browser.click("tr[data-username='user_1'] a.act-as-start");

            // The actor already has an SSO session: no password again, no DIFFERENT_USER_AUTHENTICATED.
            browser.waitFor("#act-as-confirm");
            assertThat(browser.textOf("#act-as-target")).startsWith("user_1");
            assertThat(browser.textOf("#act-as-grant")).isEqualTo("browser-desk");
            assertThat(browser.textOf("#act-as-duration")).isEqualTo("10 minutes");
            browser.screenshot("confirmation-page");
            browser.click("#act-as-confirm-button");

            browser.waitForText("#act-as-banner-text", "You are acting as user_1 (signed in as admin1)");
            browser.waitForText("#act-as-banner-time", "min left");
            browser.waitForUrl("/account");
            browser.waitForText("body", "Personal info");
            browser.screenshot("account-console-banner");
            // Keycloak's login-theme pages show it too (here the logout confirmation page).
            browser.open(server.realmUrl(REALM) + "/protocol/openid-connect/logout");
            browser.waitForText("#act-as-banner-text", "You are acting as user_1 (signed in as admin1)");
            browser.screenshot("login-page-banner");
            JsonNode status = flows.status(browser);
            assertThat(status.get("acting").asBoolean()).isTrue();
            assertThat(status.get("username").asText()).isEqualTo("user_1");
            assertThat(status.get("actor").asText()).isEqualTo("admin1");

            // Another application signs in through SSO: it gets user_1's tokens that name the actor.
            JsonNode tokens = flows.tokensVia(browser, "demo-app", Map.of());
            JsonNode access = Oidc.claims(tokens.get("access_token").asText());
            assertThat(access.get("sub").asText()).as(access.toString()).isEqualTo(flows.userId("user_1"));
            assertThat(access.at("/act/sub").asText()).as(access.toString()).isEqualTo(flows.userId("admin1"));
            assertThat(access.at("/act/preferred_username").asText()).isEqualTo("admin1");

            // Stop: back in the account console as admin1, in admin1's own session.
            browser.open(server.realmUrl(REALM) + "/account/");
            browser.click("#act-as-stop");
            browser.waitForUrl("/account");
            browser.waitForText("body", "Personal info");
            JsonNode after = flows.status(browser);
            assertThat(after.get("acting").asBoolean()).isFalse();
            assertThat(after.get("username").asText()).isEqualTo("admin1");
            assertThat(flows.audit("impersonation.ended", "admin1")).anySatisfy(record ->
                    assertThat(record.get("endReason").asText()).isEqualTo("stopped"));
            assertThat(Oidc.claims(flows.tokensVia(browser, "demo-app", Map.of()).get("access_token").asText())
                    .get("sub").asText()).isEqualTo(flows.userId("admin1"));
        }
    }

    @Test
    void actorActsAsAGroupFromTheAccountConsoleAndStops() throws Exception {
        try (Browser browser = new Browser()) {
            browser.open(server.realmUrl(REALM) + "/account/content/impersonation");
            browser.signIn("admin1", TEST_PASSWORD);
            browser.waitFor("#act-as-groups-table");
            assertThat(listedGroups(browser)).containsExactlyInAnyOrder("/teams", "/teams/blue", "/teams/red", "/customers/gold");
            browser.type("#act-as-groups-search-input", "blu");
            browser.click("#act-as-groups-search button");
            awaitGroups(browser, "/teams/blue");
            browser.script("document.getElementById('act-as-groups-list').scrollIntoView()");
            browser.screenshot("account-console-groups");
            browser.click("tr[data-name='/teams/blue'] a.act-as-start");

            browser.waitFor("#act-as-confirm");
            assertThat(browser.textOf("#act-as-target")).isEqualTo("/teams/blue");
            assertThat(browser.textOf("#act-as-grant")).isEqualTo("team-desk");
            assertThat(browser.textOf("#act-as-summary")).contains("the group /teams/blue");
            browser.screenshot("confirmation-page-group");
            browser.click("#act-as-confirm-button");

            browser.waitForText("#act-as-banner-text", "You are acting as group /teams/blue (signed in as admin1)");
            // The account console works for the group (read-only, its placeholder profile), and says who acts.
            browser.waitForText("body", "Personal info");
            browser.open(server.realmUrl(REALM) + "/account/content/impersonation");
            browser.waitForText("#act-as-acting", "You are acting as group /teams/blue");
            browser.screenshot("account-console-banner-group");
            JsonNode status = flows.status(browser);
            assertThat(status.get("username").asText()).isEqualTo("group /teams/blue");
            assertThat(status.at("/group/path").asText()).isEqualTo("/teams/blue");

            // Another application signs in through SSO: the group's token, naming the actor.
            JsonNode tokens = flows.tokensVia(browser, "demo-app", Map.of());
            JsonNode access = Oidc.claims(tokens.get("access_token").asText());
            assertThat(access.get("preferred_username").asText()).as(access.toString()).isEqualTo("group:/teams/blue");
            assertThat(access.at("/act_as_group/path").asText()).isEqualTo("/teams/blue");
            assertThat(access.at("/act/sub").asText()).isEqualTo(flows.userId("admin1"));
            List<String> roles = new ArrayList<>();
            access.at("/realm_access/roles").forEach(role -> roles.add(role.asText()));
            assertThat(roles).containsExactlyInAnyOrder("team-role", "blue-role");
            JsonNode id = Oidc.claims(tokens.get("id_token").asText());
            assertThat(id.at("/act_as_group/path").asText()).isEqualTo("/teams/blue");
            assertThat(id.get("preferred_username").asText()).isEqualTo("group:/teams/blue");

            browser.open(server.realmUrl(REALM) + "/account/");
            browser.click("#act-as-stop");
            browser.waitForUrl("/account");
            JsonNode after = flows.status(browser);
            assertThat(after.get("acting").asBoolean()).isFalse();
            assertThat(after.get("username").asText()).isEqualTo("admin1");
            assertThat(flows.audit("impersonation.ended", "admin1")).anySatisfy(record -> {
                assertThat(record.get("endReason").asText()).isEqualTo("stopped");
                assertThat(record.at("/effectiveGroup/path").asText()).isEqualTo("/teams/blue");
            });

            // The group's principal is a member of /customers/gold's tree, which browser-desk covers for people:
            // it never shows up among the people to act as.
            browser.open(flows.authUrl("demo-app", Map.of("act_as_group", "/customers/gold")));
            browser.waitFor("#act-as-confirm");
            browser.click("#act-as-confirm-button");
            assertThat(Oidc.claims(flows.redeem("demo-app", flows.codeFrom(browser)).get("access_token").asText())
                    .at("/act_as_group/path").asText()).isEqualTo("/customers/gold");
        }
        try (Browser browser = new Browser()) {
            browser.open(server.realmUrl(REALM) + "/account/content/impersonation");
            browser.signIn("admin1", TEST_PASSWORD);
            browser.waitFor("#act-as-targets");
            browser.open(server.realmUrl(REALM) + "/act-as/targets?max=100");
            assertThat(BrowserFlows.json(browser).get("targets").findValuesAsText("username"))
                    .contains("customer_7").noneMatch(name -> name.startsWith("act-as-group-"));
        }
    }

    @Test
    void appAsksToActWithoutAnExistingSession() {
        try (Browser browser = new Browser()) {
            browser.open(flows.authUrl("demo-app", Map.of("act_as", "user_2")));
            browser.signIn("admin1", TEST_PASSWORD);
            browser.waitFor("#act-as-confirm");
            browser.click("#act-as-confirm-button");
            JsonNode tokens = flows.redeem("demo-app", flows.codeFrom(browser));
            JsonNode access = Oidc.claims(tokens.get("access_token").asText());
            assertThat(access.get("sub").asText()).as(access.toString()).isEqualTo(flows.userId("user_2"));
            assertThat(access.at("/act/sub").asText()).as(access.toString()).isEqualTo(flows.userId("admin1"));
            assertThat(access.at("/act/iss").asText()).isEqualTo(server.realmUrl(REALM));
            assertThat(access.get("exp").asLong() - access.get("iat").asLong()).isLessThanOrEqualTo(600);
            JsonNode id = Oidc.claims(tokens.get("id_token").asText());
            assertThat(id.at("/act/sub").asText()).isEqualTo(flows.userId("admin1"));
            assertThat(flows.audit("impersonation.started", "admin1")).anySatisfy(record -> {
                assertThat(record.at("/effectiveUser/username").asText()).isEqualTo("user_2");
                assertThat(record.get("client").asText()).isEqualTo("demo-app");
            });
        }
    }

    @Test
    void cancelContinuesAsTheActorOrDeniesAsAsked() {
        try (Browser browser = new Browser()) {
            browser.open(flows.authUrl("demo-app", Map.of("act_as", "user_3")));
            browser.signIn("admin1", TEST_PASSWORD);
            browser.click("#act-as-cancel-button");
            JsonNode access = Oidc.claims(flows.redeem("demo-app", flows.codeFrom(browser)).get("access_token").asText());
            assertThat(access.get("sub").asText()).as(access.toString()).isEqualTo(flows.userId("admin1"));
            assertThat(access.has("act")).isFalse();

            browser.open(flows.authUrl("demo-app", Map.of("act_as", "user_3", "act_as_on_cancel", "deny")));
            browser.click("#act-as-cancel-button");
            browser.waitForUrlStart(flows.callbackUrl());
            assertThat(BrowserFlows.query(browser.url())).containsEntry("error", "access_denied").doesNotContainKey("code");
        }
    }

    @Test
    void refusalsShowAClearPageAndAreAudited() {
        int deniedBefore = flows.audit("impersonation.denied", "admin1").size();
        try (Browser browser = new Browser()) {
            browser.open(flows.authUrl("demo-app", Map.of("act_as", "user_vip")));
            browser.signIn("admin1", TEST_PASSWORD);
            assertThat(BrowserFlows.errorText(browser)).contains("You are not permitted to act as user_vip");
            // A way back: to the application, and always to the account console.
            assertThat(browser.present("#backToApplication")).isFalse(); // demo-app has no base URL
            assertThat(browser.waitFor("#act-as-back-to-account").getDomAttribute("href"))
                    .isEqualTo(server.realmUrl(REALM) + "/account");
            browser.screenshot("refused");
            // realmadmin: privileged; no_such_user: missing (same words: no existence oracle); unreachable: its
            // profile is incomplete, so Keycloak would ask the actor to fill it in for the target
            for (String target : List.of("realmadmin", "no_such_user", "unreachable")) {
                // a refused act-as fails the whole sign-in: the next request signs in again
                browser.open(flows.authUrl("demo-app", Map.of("act_as", target)));
                browser.signIn("admin1", TEST_PASSWORD);
                assertThat(BrowserFlows.errorText(browser)).contains(target.equals("unreachable")
                        ? "You cannot act as unreachable while that account has pending actions of its own"
                        : "You are not permitted to act as " + target);
            }
        }
        assertThat(flows.audit("impersonation.denied", "admin1")).hasSize(deniedBefore + 4);

        try (Browser browser = new Browser()) {
            browser.open(flows.authUrl("demo-app", Map.of("act_as", "user_1")));
            browser.signIn("nogrant", TEST_PASSWORD);
            assertThat(BrowserFlows.errorText(browser)).contains("You are not permitted to act as user_1");
            assertThat(flows.audit("impersonation.denied", "nogrant")).isNotEmpty();

            // The account console page of a person without grants: the empty state, nobody listed.
            browser.open(server.realmUrl(REALM) + "/account/content/impersonation");
            browser.signIn("nogrant", TEST_PASSWORD);
            assertThat(browser.textOf("#act-as-empty")).contains("You hold no impersonation grants");
            assertThat(browser.present("#act-as-targets")).isFalse();
            browser.screenshot("account-console-no-grants");
            browser.open(server.realmUrl(REALM) + "/act-as/targets");
            JsonNode targets = BrowserFlows.json(browser);
            assertThat(targets.get("holdsGrants").asBoolean()).isFalse();
            assertThat(targets.get("targets")).isEmpty();
        }
    }

    @Test
    void aGrantThatWantsAReasonAsksForOne() {
        try (Browser browser = new Browser()) {
            browser.open(flows.authUrl("demo-app", Map.of("act_as", "user_1")));
            browser.signIn("support1", TEST_PASSWORD);
            browser.waitFor("#reason");
            browser.script("document.getElementById('reason').removeAttribute('required')");
            browser.click("#act-as-confirm-button");
            browser.waitForText("body", "A reason is required to act as this user.");
            browser.type("#reason", "just looking");
            browser.click("#act-as-confirm-button");
            browser.waitForText("body", "The reason does not have the form this grant requires.");
            assertThat(flows.audit("impersonation.denied", "support1")).hasSizeGreaterThanOrEqualTo(2);

            browser.type("#reason", "T-4711");
            browser.click("#act-as-confirm-button");
            JsonNode access = Oidc.claims(flows.redeem("demo-app", flows.codeFrom(browser)).get("access_token").asText());
            assertThat(access.get("sub").asText()).as(access.toString()).isEqualTo(flows.userId("user_1"));
            assertThat(flows.audit("impersonation.started", "support1")).anySatisfy(record ->
                    assertThat(record.get("reason").asText()).isEqualTo("T-4711"));
        }
    }

    @Test
    void aGrantThatRequiresStepUpAsksForTheActorsOwnSecondFactor() throws Exception {
        try (Browser browser = new Browser()) {
            browser.open(flows.authUrl("demo-app", Map.of("act_as", "user_4")));
            browser.signIn("admin2", TEST_PASSWORD);
            browser.type("#otp", "000000".equals(totp(0)) ? "111111" : "000000");
            browser.click("#kc-login");
            browser.waitForText("body", "Invalid authenticator code");
            assertThat(browser.present("#act-as-confirm")).isFalse();

            browser.type("#otp", totp(0));
            browser.click("#kc-login");
            browser.waitFor("#act-as-confirm");
            browser.click("#act-as-confirm-button");
            JsonNode access = Oidc.claims(flows.redeem("demo-app", flows.codeFrom(browser)).get("access_token").asText());
            assertThat(access.get("sub").asText()).as(access.toString()).isEqualTo(flows.userId("user_4"));
            assertThat(access.at("/act/sub").asText()).as(access.toString()).isEqualTo(flows.userId("admin2"));
            assertThat(access.get("acr").asText()).isEqualTo("2");
        }
        // Where the flow has no step-up, the same grant refuses.
        try (Browser browser = new Browser()) {
            browser.open(flows.authUrl("weak-app", Map.of("act_as", "user_4")));
            browser.signIn("admin2", TEST_PASSWORD);
            assertThat(BrowserFlows.errorText(browser)).contains("requires a stronger sign-in");
            assertThat(flows.audit("impersonation.denied", "admin2")).anySatisfy(record ->
                    assertThat(record.get("error").asText()).isEqualTo("STEP_UP_REQUIRED"));
        }
    }

    @Test
    void theSessionEndsByItselfAtItsHardEnd() throws Exception {
        try (Browser browser = new Browser()) {
            browser.open(flows.authUrl("demo-app", Map.of("act_as", "user_5")));
            browser.signIn("admin3", TEST_PASSWORD);
            browser.click("#act-as-confirm-button");
            JsonNode tokens = flows.redeem("demo-app", flows.codeFrom(browser));
            JsonNode access = Oidc.claims(tokens.get("access_token").asText());
            assertThat(access.get("exp").asLong() - access.get("iat").asLong()).isLessThanOrEqualTo(8);
            assertThat(flows.status(browser).get("acting").asBoolean()).isTrue();

            Thread.sleep(Math.max(0, access.get("exp").asLong() * 1000 - System.currentTimeMillis()) + 3_000);
            Http.Response refreshed = Http.postForm(server.realmUrl(REALM) + "/protocol/openid-connect/token", Map.of(
                    "grant_type", "refresh_token", "client_id", "demo-app", "client_secret", "demo-app-secret",
                    "refresh_token", tokens.get("refresh_token").asText()));
            assertThat(refreshed.status()).isEqualTo(400);
            assertThat(flows.status(browser).get("acting").asBoolean()).isFalse();
            // A new page load of the application does not get user_5 back: the browser must sign in again.
            browser.open(flows.authUrl("demo-app", Map.of()));
            browser.waitFor("#username");
        }
    }

    @Test
    void theTargetIsToldByEmailAndAFailedEmailBlocksNothing() throws Exception {
        actAsThroughDemoApp("admin1", "notified");
        assertThat(mail.waitForIncomingEmail(15_000, 1)).isTrue();
        MimeMessage message = mail.getReceivedMessages()[0];
        assertThat(message.getAllRecipients()[0].toString()).isEqualTo("notified@browser-it.example");
        assertThat(message.getSubject()).isEqualTo("admin1 acted as you");
        String body = GreenMailUtil.getBody(message);
        assertThat(body).contains("admin1 started acting as you").contains("notify-desk");
        // The token-exchange door tells the target the same way.
        Oidc oidc = new Oidc(server, REALM);
        Http.Response exchanged = oidc.impersonate("exchange-app", oidc.login("exchange-app", "admin1"), "notified");
        assertThat(exchanged.status()).as(exchanged.toString()).isEqualTo(200);
        assertThat(mail.waitForIncomingEmail(15_000, 2)).isTrue();
        assertThat(mail.getReceivedMessages()[1].getSubject()).isEqualTo("admin1 acted as you");

        // SMTP server down: the same.
        mail.stop();
        tolerateServerError("KC-SERVICES0029"); // Keycloak's own "Failed to send email" line
        actAsThroughDemoApp("admin1", "notified");
        awaitAudit("notification.failed", "admin1", "email could not be sent");
    }

    /** A fresh browser: the actor signs in, confirms, and the app gets the target's tokens. */
    private static void actAsThroughDemoApp(String actor, String target) {
        try (Browser browser = new Browser()) {
            browser.open(flows.authUrl("demo-app", Map.of("act_as", target)));
            browser.signIn(actor, TEST_PASSWORD);
            browser.click("#act-as-confirm-button");
            assertThat(Oidc.claims(flows.redeem("demo-app", flows.codeFrom(browser)).get("access_token").asText()).get("sub").asText())
                    .isEqualTo(flows.userId(target));
        }
    }

    // --- helpers ---

    /** The usernames in the account console's list, read in one go (React re-renders the rows). */
    @SuppressWarnings("unchecked")
    private static List<String> listedUsernames(Browser browser) {
        return new ArrayList<>((List<String>) browser.script(
                "return Array.from(document.querySelectorAll('tr.act-as-row')).map(r => r.dataset.username)"));
    }

    @SuppressWarnings("unchecked")
    private static List<String> listedGroups(Browser browser) {
        return new ArrayList<>((List<String>) browser.script(
                "return Array.from(document.querySelectorAll('tr.act-as-group-row')).map(r => r.dataset.name)"));
    }

    private static void awaitGroups(Browser browser, String... paths) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 20_000;
        while (!listedGroups(browser).equals(List.of(paths))) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("listed " + listedGroups(browser) + ", expected " + List.of(paths));
            }
            Thread.sleep(200);
        }
    }

    /** Waits until the list shows exactly these usernames. */
    private static void awaitListed(Browser browser, String... usernames) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 20_000;
        while (!listedUsernames(browser).equals(List.of(usernames))) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("listed " + listedUsernames(browser) + ", expected " + List.of(usernames));
            }
            Thread.sleep(200);
        }
    }













    private static void awaitAudit(String type, String actor, String errorStart) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 15_000;
        while (System.currentTimeMillis() < deadline) {
            if (flows.audit(type, actor).stream().anyMatch(r -> r.get("error").asText().startsWith(errorStart))) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no " + type + " record of " + actor + " with error " + errorStart + ": " + flows.audit(type, actor));
    }

    private static String totp(int stepOffset) {
        return Totp.code(OTP_SECRET, stepOffset);
    }
}
