package io.github.actas.keycloak.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.actas.keycloak.harness.Http;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Act-As on Keycloak's {@code /metrics} (the server here is built with {@code --metrics-enabled=true}): after a
 * few decisions through explain and token exchange, the counters have moved by exactly that much; the live
 * sessions gauge counts the realm's acting session; a webhook that cannot be reached shows as failures and as
 * records pending for its sink.
 */
class MetricsIT extends KeycloakIT {

    private static final String REALM = "metrics-it";

    private static Oidc oidc;

    @BeforeAll
    static void realm() {
        String admin = masterAdminToken();
        if (Http.get(server.adminUrl(REALM), admin).status() == 404) {
            List<Map<String, Object>> users = new ArrayList<>();
            for (String name : List.of("actor", "target", "stranger")) {
                users.add(Map.of("username", name, "enabled", true, "email", name + "@metrics-it.example",
                        "emailVerified", true, "firstName", name, "lastName", "Test",
                        "credentials", List.of(Map.of("type", "password", "value", TEST_PASSWORD, "temporary", false))));
            }
            Map<String, Object> realm = new LinkedHashMap<>();
            realm.put("realm", REALM);
            realm.put("enabled", true);
            realm.put("users", users);
            realm.put("clients", List.of(Map.of("clientId", "exchange-app", "publicClient", false,
                    "secret", "exchange-app-secret", "standardFlowEnabled", false, "directAccessGrantsEnabled", true,
                    "attributes", Map.of("standard.token.exchange.enabled", "true")),
                    Map.of("clientId", "api", "publicClient", false, "secret", "api-secret", "standardFlowEnabled", false)));
            assertThat(Http.postJson(server.baseUrl() + "/admin/realms", admin, realm).status()).isEqualTo(201);
            assertThat(Http.postJson(actAsUrl(REALM, "grants"), admin, Map.of("name", "desk",
                    "actors", Map.of("users", List.of("actor")), "targets", Map.of("users", List.of("target")),
                    "modes", List.of("impersonate"), "clients", List.of("*"))).status()).isEqualTo(201);
        }
        oidc = new Oidc(server, REALM);
    }

    /** The value of one series on /metrics, or 0 when it is not there (yet). */
    private static double metric(String name, String... labels) {
        Http.Response scraped = Http.getText(server.managementUrl() + "/metrics");
        assertThat(scraped.status()).isEqualTo(200);
        for (String line : scraped.body().split("\n")) {
            if (!line.startsWith(name + "{")) {
                continue;
            }
            boolean all = true;
            for (int i = 0; i < labels.length; i += 2) {
                all &= line.contains(labels[i] + "=\"" + labels[i + 1] + "\"");
            }
            if (all) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }

    private static double decisions(String door, String outcome, String denial) {
        return metric("act_as_decisions_total", "realm", REALM, "door", door, "outcome", outcome, "denial", denial);
    }

    private static int explain(String actor) {
        return Http.postJson(actAsUrl(REALM, "explain"), masterAdminToken(), Map.of("actor", actor, "target", "target",
                "mode", "impersonate", "client", "exchange-app")).status();
    }

    @Test
    void theCountersMoveByTheDecisionsTakenAndTheGaugeCountsTheLiveSession() {
        double explainedAllowed = decisions("explain", "allowed", "none");
        double explainedDenied = decisions("explain", "denied", "no_grant");
        double exchangedAllowed = decisions("exchange", "allowed", "none");
        double exchangedDenied = decisions("exchange", "denied", "no_grant");

        assertThat(explain("actor")).isEqualTo(200);
        assertThat(explain("actor")).isEqualTo(200);
        assertThat(explain("stranger")).isEqualTo(200);
        String acting = oidc.impersonate("exchange-app", oidc.login("exchange-app", "actor"), "target", "scope", "openid")
                .json().get("access_token").asText();
        assertThat(oidc.userinfo(acting).status()).isEqualTo(200);
        assertThat(oidc.impersonate("exchange-app", oidc.login("exchange-app", "stranger"), "target").status()).isEqualTo(403);

        assertThat(decisions("explain", "allowed", "none") - explainedAllowed).isEqualTo(2);
        assertThat(decisions("explain", "denied", "no_grant") - explainedDenied).isEqualTo(1);
        assertThat(decisions("exchange", "allowed", "none") - exchangedAllowed).isEqualTo(1);
        assertThat(decisions("exchange", "denied", "no_grant") - exchangedDenied).isEqualTo(1);
        Await.until("the live sessions gauge", 20_000, () -> metric("act_as_sessions_active", "realm", REALM) == 1);

        assertThat(Http.delete(actAsUrl(REALM, "sessions?actor=actor"), masterAdminToken()).status()).isEqualTo(200);
        assertThat(oidc.userinfo(acting).status()).isEqualTo(401);
        Await.until("the gauge after the session ended", 20_000, () -> metric("act_as_sessions_active", "realm", REALM) == 0);
    }

    @Test
    void anUnreachableWebhookShowsAsFailuresAndPendingRecords() throws IOException {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort(); // nothing listens there once the socket is closed
        }
        String admin = masterAdminToken();
        Http.Response sink = Http.postJson(actAsUrl(REALM, "audit/sinks"), admin, Map.of("name", "unreachable",
                "type", "webhook", "url", "http://127.0.0.1:" + closed + "/hook", "secret",
                "whsec_" + Base64.getEncoder().encodeToString("metrics-it-webhook-secret-32-bytes".getBytes(StandardCharsets.UTF_8)),
                "timeoutMillis", 500));
        assertThat(sink.status()).as(sink.toString()).isEqualTo(201);
        try {
            double failures = metric("act_as_webhook_failures_total", "realm", REALM, "sink", "unreachable");
            assertThat(explain("actor")).isEqualTo(200); // no record: explain acts for nobody
            oidc.impersonate("exchange-app", oidc.login("exchange-app", "stranger"), "target"); // a denied record
            Await.until("a webhook failure counted", 30_000,
                    () -> metric("act_as_webhook_failures_total", "realm", REALM, "sink", "unreachable") > failures);
            Await.until("records pending for the sink", 30_000,
                    () -> metric("act_as_audit_pending", "realm", REALM, "sink", "unreachable") >= 1
                            && metric("act_as_audit_oldest_pending_seconds", "realm", REALM, "sink", "unreachable") > 0);
        } finally {
            Http.delete(actAsUrl(REALM, "audit/sinks/" + sink.json().get("id").asText()), admin);
        }
        Await.until("nothing pending once the sink is gone", 30_000,
                () -> metric("act_as_audit_pending", "realm", REALM, "sink", "unreachable") == 0);
    }
}
