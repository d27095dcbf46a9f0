package io.github.actas.keycloak.it;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.actas.keycloak.harness.Http;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every acting session is visible, revocable and hard-ended, and ends with exactly one record naming the
 * true reason, whatever ends it: Act-As's own API, Keycloak's admin API, a logout, a deleted user, its hard
 * end, a grant shortened underneath it, or the acting session it was delegated from.
 */
class SessionLifecycleIT extends KeycloakIT {

    private static final String REALM = "guard-it";
    private static Oidc oidc;

    @BeforeAll
    static void realm() {
        ensureRealm(REALM);
        oidc = new Oidc(server, REALM);
    }

    @Test
    void aShortenedGrantShortensRunningSessionsAtTheirNextToken() throws Exception {
        String grantUrl = grantUrl("shrink-desk");
        ObjectNode grant = (ObjectNode) Http.get(grantUrl, masterAdminToken()).json();
        try {
            JsonNode tokens = actAs("boss3", "t_1", "R-" + UUID.randomUUID());
            long started = Oidc.claims(tokens.get("access_token").asText()).get("iat").asLong();
            String sessionId = Oidc.claims(tokens.get("access_token").asText()).get("sid").asText();

            grant.put("maxDurationSeconds", 60);
            assertThat(Http.putJson(grantUrl, masterAdminToken(), grant).status()).isEqualTo(200);
            Http.Response refreshed = oidc.refresh("svc", tokens.get("refresh_token").asText());
            assertThat(refreshed.status()).as(refreshed.toString()).isEqualTo(200);
            assertThat(Oidc.claims(refreshed.json().get("access_token").asText()).get("exp").asLong())
                    .isLessThanOrEqualTo(started + 61);
            assertThat(expires(sessionId)).isLessThanOrEqualTo(started + 61);

            // Shortened below the time it has already run: the next refresh ends it, once.
            grant.put("maxDurationSeconds", 1);
            assertThat(Http.putJson(grantUrl, masterAdminToken(), grant).status()).isEqualTo(200);
            Thread.sleep(Math.max(0, (started + 2) * 1000 - System.currentTimeMillis()));
            for (int i = 0; i < 3; i++) {
                Http.Response refused = oidc.refresh("svc", refreshed.json().get("refresh_token").asText());
                assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
            }
            Thread.sleep(3_000);
            assertThat(endRecords(sessionId)).singleElement()
                    .satisfies(r -> assertThat(r.get("endReason").asText()).isEqualTo("hard-end"));
        } finally {
            grant.put("maxDurationSeconds", 600);
            Http.putJson(grantUrl, masterAdminToken(), grant);
        }
    }

    @Test
    void whatIsDelegatedFromAnActingTokenNeverOutlivesItAndEndsWithIt() {
        // The acting token is meant for delegator (its audience): delegator then acts for "t_2" with it.
        Http.Response actingResponse = oidc.impersonate("svc", oidc.login("svc", "boss"), "t_2", "audience", "delegator");
        assertThat(actingResponse.status()).as(actingResponse.toString()).isEqualTo(200);
        String actingToken = actingResponse.json().get("access_token").asText();
        String actingSession = Oidc.claims(actingToken).get("sid").asText();

        // delegator's service account acts for "t_2", presenting the acting token: a delegation chain.
        Http.Response delegated = oidc.exchange("delegator", "subject_token", actingToken,
                "subject_token_type", Oidc.ACCESS_TOKEN_TYPE, "act_as_mode", "delegate");
        assertThat(delegated.status()).as(delegated.toString()).isEqualTo(200);
        String delegatedToken = delegated.json().get("access_token").asText();
        JsonNode claims = Oidc.claims(delegatedToken);
        assertThat(claims.at("/act/client_id").asText()).isEqualTo("delegator");
        assertThat(claims.at("/act/act/preferred_username").asText()).isEqualTo("boss");
        String delegatedSession = claims.get("sid").asText();
        // Its grant allows an hour; the acting session it comes from, ten minutes: it ends with that one.
        assertThat(expires(delegatedSession)).isLessThanOrEqualTo(expires(actingSession));
        assertThat(oidc.introspect(delegatedToken).get("active").asBoolean()).isTrue();

        // Revoking the actor's sessions reaches what was delegated from them.
        Http.Response revoked = Http.delete(actAsUrl(REALM, "sessions?actor=boss"), masterAdminToken());
        assertThat(revoked.status()).isEqualTo(200);
        assertThat(oidc.introspect(delegatedToken).get("active").asBoolean()).isFalse();
        assertThat(oidc.introspect(actingToken).get("active").asBoolean()).isFalse();
        assertThat(endRecords(delegatedSession)).singleElement().satisfies(r ->
                assertThat(r.get("endReason").asText()).isEqualTo("parent-ended"));
        assertThat(records("impersonation.revoked", actingSession)).hasSize(1);
    }

    @Test
    void everyWayASessionEndsWritesExactlyOneRecordWithItsReason() throws Exception {
        Map<String, String> expected = new LinkedHashMap<>();

        // Keycloak's admin API: delete the session.
        String deleted = sessionOf(actAs("boss4", "t_3", "K-" + UUID.randomUUID()));
        assertThat(Http.delete(server.adminUrl(REALM) + "/sessions/" + deleted, masterAdminToken()).status()).isEqualTo(204);
        expected.put(deleted, "keycloak-admin");

        // Keycloak's admin API: sign the target out everywhere.
        String signedOut = sessionOf(actAs("boss4", "t_4", "L-" + UUID.randomUUID()));
        assertThat(Http.postJson(server.adminUrl(REALM) + "/users/" + userId("t_4") + "/logout", masterAdminToken(), "")
                .status()).isEqualTo(204);
        expected.put(signedOut, "keycloak-admin");

        // The application logs out (OIDC logout with the refresh token).
        JsonNode loggedOutTokens = actAs("boss4", "t_5", "O-" + UUID.randomUUID());
        Http.Response logout = Http.postForm(oidc.tokenUrl().replace("/token", "/logout"), Map.of("client_id", "svc",
                "client_secret", "svc-secret", "refresh_token", loggedOutTokens.get("refresh_token").asText()));
        assertThat(logout.status()).as(logout.toString()).isEqualTo(204);
        expected.put(sessionOf(loggedOutTokens), "logged-out");

        // Act-As's sessions API.
        String revoked = sessionOf(actAs("boss4", "t_6", "V-" + UUID.randomUUID()));
        assertThat(Http.delete(actAsUrl(REALM, "sessions/" + revoked), masterAdminToken()).status()).isEqualTo(204);
        expected.put(revoked, "revoked");

        // The target user is deleted.
        String username = "t_gone_" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(Http.postJson(server.adminUrl(REALM) + "/users", masterAdminToken(),
                Map.of("username", username, "enabled", true)).status()).isEqualTo(201);
        String gone = sessionOf(actAs("boss4", username, "D-" + UUID.randomUUID()));
        assertThat(Http.delete(server.adminUrl(REALM) + "/users/" + userId(username), masterAdminToken()).status()).isEqualTo(204);
        expected.put(gone, "target-removed");

        // Its hard end (the grant allows 3 seconds; housekeeping runs every 2 s in the tests).
        String brief = sessionOf(actAs("boss4", "t_9", null));
        expected.put(brief, "hard-end");

        Thread.sleep(7_000);
        for (Map.Entry<String, String> end : expected.entrySet()) {
            List<JsonNode> ends = new ArrayList<>(endRecords(end.getKey()));
            ends.addAll(records("impersonation.revoked", end.getKey()));
            assertThat(ends).as(end.getValue()).singleElement()
                    .satisfies(r -> assertThat(r.get("endReason").asText()).isEqualTo(end.getValue()));
            assertThat(Http.get(actAsUrl(REALM, "sessions/" + end.getKey()), masterAdminToken()).status())
                    .as("no longer listed: " + end.getValue()).isEqualTo(404);
        }
    }

    // --- helpers ---

    /** Impersonation through svc with a refresh token; a distinct reason starts a session of its own. */
    private static JsonNode actAs(String actor, String target, String reason) {
        List<String> params = new ArrayList<>(List.of("requested_token_type", Oidc.REFRESH_TOKEN_TYPE));
        if (reason != null) {
            params.addAll(List.of("reason", reason));
        }
        Http.Response response = oidc.impersonate("svc", oidc.login("svc", actor), target, params.toArray(String[]::new));
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return response.json();
    }

    private static String sessionOf(JsonNode tokens) {
        return Oidc.claims(tokens.get("access_token").asText()).get("sid").asText();
    }

    /** The session's hard end as the sessions API lists it, in epoch seconds. */
    private static long expires(String id) {
        Http.Response response = Http.get(actAsUrl(REALM, "sessions/" + id), masterAdminToken());
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return Instant.parse(response.json().get("expires").asText()).getEpochSecond();
    }

    private static List<JsonNode> endRecords(String sessionId) {
        return records("impersonation.ended", sessionId);
    }

    private static List<JsonNode> records(String type, String sessionId) {
        List<JsonNode> out = new ArrayList<>();
        Http.get(actAsUrl(REALM, "audit?max=1000&type=" + type), masterAdminToken()).json().forEach(r -> {
            if (sessionId.equals(r.path("sessionId").asText())) {
                out.add(r);
            }
        });
        return out;
    }

    private static String grantUrl(String name) {
        for (JsonNode grant : Http.get(actAsUrl(REALM, "grants"), masterAdminToken()).json()) {
            if (grant.get("name").asText().equals(name)) {
                return actAsUrl(REALM, "grants/" + grant.get("id").asText());
            }
        }
        throw new AssertionError("no grant " + name);
    }

    private static String userId(String username) {
        return Http.get(server.adminUrl(REALM) + "/users?exact=true&username=" + username, masterAdminToken())
                .json().get(0).get("id").asText();
    }
}
