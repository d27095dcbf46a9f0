package io.github.actas.keycloak.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import io.github.actas.keycloak.harness.Http;
import io.github.actas.keycloak.harness.Ports;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * No stored or requested value breaks a realm or reaches further than it should: far-off instants,
 * catastrophic patterns, stale realm saves, self-chosen usernames, explain by people who may not see
 * users, webhooks aimed inside, markup in e-mails, and Act-As parameters the HTTP layer dropped.
 */
class HardeningIT extends KeycloakIT {

    private static final String REALM = "guard-it";
    private static final String FAR = "+1000000000-01-01T00:00:00Z";
    private static Oidc oidc;

    @BeforeAll
    static void realm() {
        ensureRealm(REALM);
        oidc = new Oidc(server, REALM);
    }

    @Test
    void farOffInstantsAreRefusedWhereverTheyArriveAndDecisionsGoOn() {
        String admin = masterAdminToken();
        ObjectNode grant = GrantJson.simple("far-off", "boss", "t_1");
        grant.put("notAfter", FAR);
        Http.Response created = Http.postJson(actAsUrl(REALM, "grants"), admin, grant);
        assertThat(created.status()).as(created.toString()).isEqualTo(400);
        assertThat(created.json().get("field").asText()).isEqualTo("notAfter");

        Map<String, Object> component = Map.of("name", "far-off", "providerId", "act-as-grant",
                "providerType", "io.github.actas.keycloak.policy.GrantProvider",
                "config", Map.of("actors.users", List.of("boss"), "targets.users", List.of("t_1"),
                        "modes", List.of("impersonate"), "clients", List.of("*"), "notBefore", List.of(FAR)));
        assertThat(Http.postJson(server.adminUrl(REALM) + "/components", admin, component).status()).isEqualTo(400);

        Http.Response draft = Http.postJson(actAsUrl(REALM, "explain"), admin,
                Map.of("actor", "boss", "target", "t_1", "grants", List.of(grant)));
        assertThat(draft.status()).as(draft.toString()).isEqualTo(400);
        assertThat(draft.json().get("field").asText()).isEqualTo("grants[0].notAfter");

        Http.Response audit = Http.get(actAsUrl(REALM, "audit?from=" + FAR), admin);
        assertThat(audit.status()).as(audit.toString()).isEqualTo(400);
        assertThat(audit.json().get("field").asText()).isEqualTo("from");

        assertThat(oidc.impersonate("svc", oidc.login("svc", "boss"), "t_1").status()).isEqualTo(200);
    }

    @Test
    void aCatastrophicReasonPatternCannotHoldAThread() {
        ObjectNode grant = GrantJson.simple("slow-pattern", "boss", "t_1");
        grant.put("requireReason", true).put("reasonPattern", "(.*a){20}");
        // A backtracking engine (java.util.regex) tries about C(64, 20) = 2e16 ways to split this; RE2 one pass.
        String reason = "a".repeat(64) + "!";
        Http.Response answer = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> Http.postJson(
                actAsUrl(REALM, "explain"), masterAdminToken(),
                Map.of("actor", "boss", "target", "t_1", "reason", reason, "grants", List.of(grant))));
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        assertThat(answer.json().get("allowed").asBoolean()).isFalse();

        grant.put("reasonPattern", "(T)-\\1");
        Http.Response backreference = Http.postJson(actAsUrl(REALM, "explain"), masterAdminToken(),
                Map.of("actor", "boss", "target", "t_1", "grants", List.of(grant)));
        assertThat(backreference.status()).isEqualTo(400);
        assertThat(backreference.json().get("field").asText()).isEqualTo("grants[0].reasonPattern");
    }

    @Test
    void aStaleRealmSaveCannotBringADeletedGrantBack() {
        String admin = masterAdminToken();
        ObjectNode grant = GrantJson.simple("stale-desk", "t_agent", "t_3");
        grant.set("clients", Http.JSON.valueToTree(List.of("svc")));
        Http.Response created = Http.postJson(actAsUrl(REALM, "grants"), admin, grant);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String actor = oidc.login("svc", "t_agent");
        assertThat(oidc.impersonate("svc", actor, "t_3").status()).isEqualTo(200); // compiled with stale-desk

        JsonNode staleRealm = Http.get(server.adminUrl(REALM), admin).json(); // what an open settings page holds
        assertThat(Http.delete(created.header("Location"), admin).status()).isEqualTo(204);
        assertThat(Http.putJson(server.adminUrl(REALM), admin, staleRealm).status()).isEqualTo(204);

        Http.Response refused = oidc.impersonate("svc", oidc.login("svc", "t_agent"), "t_3");
        assertThat(refused.status()).as(refused.toString()).isEqualTo(403);
        assertThat(Http.get(actAsUrl(REALM, "grants"), admin).json().findValuesAsText("name")).doesNotContain("stale-desk");
    }

    @Test
    void whereUsersChooseTheirUsernamesActorsAreNotMatchedByName() {
        String admin = masterAdminToken();
        String realmUrl = server.adminUrl(REALM);
        String bossId = userId("boss5");
        assertThat(Http.putJson(realmUrl, admin, Map.of("realm", REALM, "registrationAllowed", true)).status()).isEqualTo(204);
        try {
            Http.Response byName = Http.postJson(actAsUrl(REALM, "grants"), admin, GrantJson.simple("by-name", "admin*", "t_1"));
            assertThat(byName.status()).as(byName.toString()).isEqualTo(400);
            assertThat(byName.json().get("field").asText()).isEqualTo("actors.users");
            assertThat(byName.json().get("errorMessage").asText()).contains("registration");

            // mail-desk names boss5 by username: registration makes that name anyone's to take.
            Http.Response refused = oidc.impersonate("svc", oidc.login("svc", "boss5"), "t_1");
            assertThat(refused.status()).as(refused.toString()).isEqualTo(403);
            JsonNode explained = Http.postJson(actAsUrl(REALM, "explain"), admin,
                    Map.of("actor", "boss5", "target", "t_1", "client", "svc")).json();
            assertThat(explained.get("reasons").toString()).contains("names the actor by username");

            ObjectNode byId = GrantJson.simple("by-id", bossId, "t_1");
            Http.Response createdById = Http.postJson(actAsUrl(REALM, "grants"), admin, byId);
            assertThat(createdById.status()).as(createdById.toString()).isEqualTo(201);
            assertThat(oidc.impersonate("svc", oidc.login("svc", "boss5"), "t_1").status()).isEqualTo(200);
            Http.delete(createdById.header("Location"), admin);

            ObjectNode trusting = GrantJson.simple("trusting", "admin*", "t_1");
            trusting.put("trustActorUsernames", true);
            Http.Response createdTrusting = Http.postJson(actAsUrl(REALM, "grants"), admin, trusting);
            assertThat(createdTrusting.status()).as(createdTrusting.toString()).isEqualTo(201);
            Http.delete(createdTrusting.header("Location"), admin);
        } finally {
            Http.putJson(realmUrl, admin, Map.of("realm", REALM, "registrationAllowed", false));
        }
    }

    @Test
    void explainTellsSomeoneWhoMayNotSeeUsersNothingAboutThem() {
        String viewer = token(REALM, "viewer", TEST_PASSWORD); // view-realm, not view-users
        JsonNode existing = Http.postJson(actAsUrl(REALM, "explain"), viewer, Map.of("actor", "boss", "target", "t_1")).json();
        JsonNode missing = Http.postJson(actAsUrl(REALM, "explain"), viewer, Map.of("actor", "nobody", "target", "t_1")).json();
        assertThat(existing.toString().replace("boss", "X")).isEqualTo(missing.toString().replace("nobody", "X"));
        assertThat(existing.get("allowed").asBoolean()).isFalse();

        // Someone who may see users learns what the doors decide.
        JsonNode full = Http.postJson(actAsUrl(REALM, "explain"), masterAdminToken(),
                Map.of("actor", "boss", "target", "t_1", "client", "guard-app")).json();
        assertThat(full.get("allowed").asBoolean()).as(full.toString()).isTrue();
    }

    @Test
    void webhooksCannotBeAimedInsideAndTheirStatusIsNoPortScanner() {
        String admin = masterAdminToken();
        String secret = "whsec_" + Base64.getEncoder().encodeToString(new byte[32]);
        List<String> inside = List.of("http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/hook",
                "http://192.168.1.1/hook", "http://127.0.0.2/hook", "http://[::1]:8080/hook", "http://0.0.0.0/hook",
                "http://2130706433/hook", "http://0x7f000001/hook", "http://0177.0.0.1/hook", "http://[::ffff:127.0.0.2]/hook",
                "https://user:password@example.com/hook"); // names resolving inside: DestinationsTest

        for (String url : inside) {
            Http.Response refused = Http.postJson(actAsUrl(REALM, "audit/sinks"), admin,
                    Map.of("name", "inside", "type", "webhook", "url", url, "secret", secret));
            assertThat(refused.status()).as(url + ": " + refused).isEqualTo(400);
            assertThat(refused.json().get("field").asText()).as(url).isEqualTo("url");
        }
        Map<String, Object> component = Map.of("name", "inside", "providerId", "act-as-audit-sink",
                "providerType", "io.github.actas.keycloak.audit.AuditSinkProvider",
                "config", Map.of("type", List.of("webhook"), "url", List.of("http://169.254.169.254/"), "secret", List.of(secret)));
        assertThat(Http.postJson(server.adminUrl(REALM) + "/components", admin, component).status()).isEqualTo(400);

        // 127.0.0.1 is allowed on this test server; a closed port and a silent one read the same.
        int closed = Ports.free();
        Http.Response sink = Http.postJson(actAsUrl(REALM, "audit/sinks"), admin, Map.of("name", "closed-port",
                "type", "webhook", "url", "http://127.0.0.1:" + closed + "/hook", "secret", secret, "timeoutMillis", 500));
        assertThat(sink.status()).as(sink.toString()).isEqualTo(201);
        try {
            assertThat(oidc.impersonate("svc", oidc.login("svc", "boss"), "t_1", "reason", "P-1").status()).isEqualTo(200);
            String lastError = null;
            long deadline = System.currentTimeMillis() + 20_000;
            while (lastError == null && System.currentTimeMillis() < deadline) {
                for (JsonNode status : Http.get(actAsUrl(REALM, "audit/status"), admin).json()) {
                    if (status.get("name").asText().equals("closed-port") && !status.path("lastError").isNull()
                            && !status.path("lastError").asText().isEmpty()) {
                        lastError = status.get("lastError").asText();
                    }
                }
                BrowserFlows.pause();
            }
            assertThat(lastError).isEqualTo("no answer from http://127.0.0.1:" + closed
                    + " within 500 ms (connection failed or timed out)");
        } finally {
            Http.delete(sink.header("Location"), admin);
        }
    }

    @Test
    void valuesInTheNotificationEmailAreTextNeverMarkup() throws Exception {
        GreenMail mail = SmtpReceiver.start();
        String admin = masterAdminToken();
        try {
            SmtpReceiver.useFor(server, REALM, admin, mail, "keycloak@guard-it.example");
            String reason = "<a id=\"injected\" href=\"https://evil.example/\">call us</a>";
            assertThat(oidc.impersonate("svc", oidc.login("svc", "boss5"), "t_2", "reason", reason).status()).isEqualTo(200);
            assertThat(mail.waitForIncomingEmail(15_000, 1)).isTrue();
            String html = htmlPart(mail.getReceivedMessages()[0]);
            assertThat(html).contains("&lt;a id=").doesNotContain("<a id=\"injected\"").doesNotContain("href=\"https://evil.example/\"");
        } finally {
            mail.stop();
        }
    }

    @Test
    void anActAsParameterTheServerDroppedNeverFallsThroughToKeycloaksOwnExchange() {
        String actor = oidc.login("svc", "boss");
        List<Http.Response> refused = new ArrayList<>();
        refused.add(oidc.impersonate("svc", actor, "t_" + "1".repeat(4_001))); // Keycloak drops values over 4,000
        refused.add(oidc.exchange("svc", "subject_token", actor, "subject_token_type", Oidc.ACCESS_TOKEN_TYPE,
                "act_as_mode", "delegate".repeat(600)));
        refused.add(oidc.impersonate("svc", actor, "t_1", "requested_group", "/customers"));
        refused.add(oidc.impersonate("svc", actor, "t_1", "requested_subject", "t_2"));
        for (Http.Response response : refused) {
            assertThat(response.status()).as(response.toString()).isEqualTo(400);
            assertThat(response.json().get("error").asText()).isEqualTo("invalid_request");
            assertThat(response.body()).doesNotContain("access_token");
        }
    }

    /** The HTML alternative of a multipart e-mail, decoded. */
    private static String htmlPart(MimeMessage message) throws Exception {
        MimeMultipart parts = (MimeMultipart) message.getContent();
        for (int i = 0; i < parts.getCount(); i++) {
            if (parts.getBodyPart(i).isMimeType("text/html")) {
                return parts.getBodyPart(i).getContent().toString();
            }
        }
        throw new AssertionError("no HTML part in " + GreenMailUtil.getWholeMessage(message));
    }

    private static String userId(String username) {
        return Http.get(server.adminUrl(REALM) + "/users?exact=true&username=" + username, masterAdminToken())
                .json().get(0).get("id").asText();
    }
}
