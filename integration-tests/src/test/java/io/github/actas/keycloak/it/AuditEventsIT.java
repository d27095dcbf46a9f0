package io.github.actas.keycloak.it;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.actas.keycloak.harness.Http;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * One audit path: every door and lifecycle step leaves one record and one Keycloak event, and the event
 * (found by its {@code act_as_record_id}) says what the record says. Driven against the real server:
 * the token-exchange door (impersonate, repeat, delegate, continue, refuse), refresh, revocation, and the
 * browser door (start, Stop) in Chromium.
 */
class AuditEventsIT extends KeycloakIT {

    private static final String REALM = "guard-it";
    private static final List<String> EVENT_TYPES = List.of("IMPERSONATE", "IMPERSONATE_ERROR", "TOKEN_EXCHANGE",
            "TOKEN_EXCHANGE_ERROR", "REFRESH_TOKEN", "LOGOUT");

    private static Oidc oidc;

    @BeforeAll
    static void eventsOn() {
        ensureRealm(REALM);
        oidc = new Oidc(server, REALM);
        String url = server.adminUrl(REALM) + "/events/config";
        Map<String, Object> config = Map.of("eventsEnabled", true, "enabledEventTypes", EVENT_TYPES,
                "eventsListeners", List.of("jboss-logging"));
        assertThat(Http.putJson(url, masterAdminToken(), config).status()).isEqualTo(204);
    }

    @Test
    void everyStepOfTheExchangeDoorAndOfASessionsLifeHasARecordAndAnEventWithTheSameFacts() {
        String reason = "EV-" + UUID.randomUUID().toString().substring(0, 8);
        String actor = oidc.login("svc", "boss");

        // Impersonation: a session starts; the same request again reuses it; a refresh issues from it.
        Http.Response first = oidc.impersonate("svc", actor, "t_3", "reason", reason, "audience", "delegator",
                "requested_token_type", Oidc.REFRESH_TOKEN_TYPE);
        assertThat(first.status()).as(first.toString()).isEqualTo(200);
        String session = Oidc.claims(first.json().get("access_token").asText()).get("sid").asText();
        assertThat(oidc.impersonate("svc", actor, "t_3", "reason", reason, "audience", "delegator",
                "requested_token_type", Oidc.REFRESH_TOKEN_TYPE).status()).isEqualTo(200);
        assertThat(oidc.refresh("svc", first.json().get("refresh_token").asText()).status()).isEqualTo(200);

        // Another client continues the acting session through Keycloak's standard exchange.
        Http.Response continued = oidc.exchange("delegator", "subject_token", first.json().get("access_token").asText(),
                "subject_token_type", Oidc.ACCESS_TOKEN_TYPE);
        assertThat(continued.status()).as(continued.toString()).isEqualTo(200);

        // A refusal.
        assertThat(oidc.impersonate("svc", actor, "nobody-" + reason, "reason", reason).status()).isEqualTo(403);

        // Delegation: the client's service account acts for the user whose token it holds.
        Http.Response delegated = oidc.exchange("delegator", "subject_token", oidc.login("delegator", "t_4"),
                "subject_token_type", Oidc.ACCESS_TOKEN_TYPE, "act_as_mode", "delegate", "reason", reason);
        assertThat(delegated.status()).as(delegated.toString()).isEqualTo(200);
        String delegatedSession = Oidc.claims(delegated.json().get("access_token").asText()).get("sid").asText();

        // An administrator ends both through Act-As's sessions API.
        assertThat(Http.delete(actAsUrl(REALM, "sessions/" + session), masterAdminToken()).status()).isEqualTo(204);
        assertThat(Http.delete(actAsUrl(REALM, "sessions/" + delegatedSession), masterAdminToken()).status()).isEqualTo(204);

        List<JsonNode> events = events();
        List<JsonNode> ofSession = recordsOf(session);
        assertThat(ofSession).extracting(r -> r.get("type").asText()).containsExactlyInAnyOrder(
                "impersonation.started", "token.issued", "token.issued", "token.issued", "impersonation.revoked");
        assertSameFacts(ofSession, events, Map.of("impersonation.started", "IMPERSONATE",
                "token.issued", "IMPERSONATE|REFRESH_TOKEN|TOKEN_EXCHANGE", "impersonation.revoked", "LOGOUT"));
        assertThat(ofSession).filteredOn(r -> r.get("type").asText().equals("token.issued"))
                .extracting(r -> r.get("client").asText()).containsExactlyInAnyOrder("svc", "svc", "delegator");

        List<JsonNode> ofDelegation = recordsOf(delegatedSession);
        assertThat(ofDelegation).extracting(r -> r.get("type").asText())
                .containsExactlyInAnyOrder("impersonation.started", "impersonation.revoked");
        assertThat(ofDelegation.get(0).get("mode").asText()).isEqualTo("delegate");
        assertSameFacts(ofDelegation, events, Map.of("impersonation.started", "TOKEN_EXCHANGE",
                "impersonation.revoked", "LOGOUT"));

        List<JsonNode> refusals = new ArrayList<>();
        records("impersonation.denied").forEach(r -> {
            if (("nobody-" + reason).equals(r.path("effectiveUser").path("username").asText())) {
                refusals.add(r);
            }
        });
        assertThat(refusals).hasSize(1);
        assertSameFacts(refusals, events, Map.of("impersonation.denied", "IMPERSONATE_ERROR"));
    }

    @Test
    void theBrowserDoorsStartAndStopHaveARecordAndAnEventWithTheSameFacts() {
        assumeTrue(Browser.available(), "Chromium and chromedriver are needed (Debian: apt-get install chromium chromium-driver)");
        try (BrowserFlows flows = new BrowserFlows(server, REALM); Browser browser = new Browser()) {
            browser.open(flows.authUrl("guard-app", Map.of("act_as", "t_7")));
            browser.signIn("boss", TEST_PASSWORD);
            browser.click("#act-as-confirm-button");
            JsonNode tokens = flows.redeem("guard-app", flows.codeFrom(browser));
            String session = Oidc.claims(tokens.get("access_token").asText()).get("sid").asText();
            browser.open(server.realmUrl(REALM) + "/account/");
            browser.click("#act-as-stop");
            browser.waitForUrl("/account");

            List<JsonNode> records = recordsOf(session);
            // The account console signed in by SSO while acting: its first token is recorded too (the event of that
            // is Keycloak's own CODE_TO_TOKEN, which a token post-processor cannot add to).
            assertThat(records).extracting(r -> r.get("type").asText() + " " + r.get("client").asText())
                    .containsExactlyInAnyOrder("impersonation.started guard-app", "token.issued account-console",
                            "impersonation.ended guard-app");
            assertSameFacts(records.stream().filter(r -> !r.get("type").asText().equals("token.issued")).toList(), events(),
                    Map.of("impersonation.started", "IMPERSONATE", "impersonation.ended", "LOGOUT"));
        }
    }

    /** Each record has exactly one event of the expected type naming it, and the event carries the record's facts. */
    private static void assertSameFacts(List<JsonNode> records, List<JsonNode> events, Map<String, String> eventTypes) {
        for (JsonNode record : records) {
            String type = record.get("type").asText();
            List<JsonNode> matching = new ArrayList<>();
            events.forEach(e -> {
                if (record.get("id").asText().equals(e.path("details").path("act_as_record_id").asText())) {
                    matching.add(e);
                }
            });
            assertThat(matching).as("the event of %s %s", type, record).hasSize(1);
            JsonNode event = matching.get(0);
            JsonNode details = event.get("details");
            String context = type + " " + record + " / " + event;
            assertThat(event.get("type").asText()).as(context).matches(eventTypes.get(type));
            assertThat(text(details.path("act_as_mode"))).as(context).isEqualTo(text(record.path("mode")));
            assertThat(text(details.path("act_as_actor"))).as(context)
                    .isEqualTo(text(record.path("initiatingUser").path("username")));
            assertThat(text(details.path("act_as_actor_id"))).as(context)
                    .isEqualTo(text(record.path("initiatingUser").path("id")));
            assertThat(text(details.path("impersonator"))).as(context)
                    .isEqualTo(text(record.path("initiatingUser").path("username")));
            assertThat(text(details.path("act_as_target"))).as(context)
                    .isEqualTo(text(record.path("effectiveUser").path("username")));
            assertThat(text(details.path("act_as_target_id"))).as(context)
                    .isEqualTo(text(record.path("effectiveUser").path("id")));
            assertThat(text(details.path("act_as_grant"))).as(context).isEqualTo(text(record.path("grant")));
            assertThat(text(details.path("act_as_reason"))).as(context).isEqualTo(text(record.path("reason")));
            assertThat(text(event.path("clientId"))).as(context).isEqualTo(text(record.path("client")));
            if (record.hasNonNull("sessionId")) {
                assertThat(text(event.path("sessionId"))).as(context).isEqualTo(record.get("sessionId").asText());
            }
            if (record.hasNonNull("endReason")) {
                assertThat(text(details.path("act_as_end_reason"))).as(context).isEqualTo(record.get("endReason").asText());
            }
            if (record.hasNonNull("error")) {
                assertThat(text(details.path("act_as_denial"))).as(context).isEqualTo(record.get("error").asText());
            }
        }
    }

    /** A value as text, with JSON null and an absent value alike (Keycloak leaves out details without a value). */
    private static String text(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode() ? "" : node.asText();
    }

    private static List<JsonNode> events() {
        List<JsonNode> out = new ArrayList<>();
        StringBuilder query = new StringBuilder("?max=2000");
        EVENT_TYPES.forEach(type -> query.append("&type=").append(type));
        Http.get(server.adminUrl(REALM) + "/events" + query, masterAdminToken()).json().forEach(out::add);
        return out;
    }

    private static List<JsonNode> recordsOf(String sessionId) {
        List<JsonNode> out = new ArrayList<>();
        Http.get(actAsUrl(REALM, "audit?max=1000"), masterAdminToken()).json().forEach(r -> {
            if (sessionId.equals(r.path("sessionId").asText())) {
                out.add(r);
            }
        });
        return out;
    }

    private static List<JsonNode> records(String type) {
        List<JsonNode> out = new ArrayList<>();
        Http.get(actAsUrl(REALM, "audit?max=1000&type=" + type), masterAdminToken()).json().forEach(out::add);
        return out;
    }
}
