package io.github.actas.keycloak.it;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.actas.keycloak.harness.Http;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

/** Sessions API, refresh re-checks, and that refusals leave nothing behind. */
class ActAsSessionsIT extends KeycloakIT {

    private static final String REALM = TokenExchangeIT.REALM;
    private static Oidc oidc;

    @BeforeAll
    static void realm() {
        ensureRealm(REALM);
        oidc = new Oidc(server, REALM);
    }

    private static String sessionsUrl() {
        return server.adminUrl(REALM) + "/act-as/sessions";
    }

    /** Impersonation with a refresh token through portal-rt. */
    private static JsonNode start(String actor, String target) {
        Http.Response response = oidc.impersonate("portal-rt", oidc.login("portal-rt", actor), target,
                "requested_token_type", Oidc.REFRESH_TOKEN_TYPE);
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return response.json();
    }

    private static String sid(JsonNode tokens) {
        return Oidc.claims(tokens.get("access_token").asText()).get("sid").asText();
    }

    @Test
    void sessionsAreListedWithActorTargetModeGrantClientAndTimes() {
        JsonNode tokens = start("admin1", "user2");
        String sid = sid(tokens);
        JsonNode list = Http.get(sessionsUrl() + "?actor=admin1", masterAdminToken()).json();
        JsonNode row = null;
        for (JsonNode s : list) {
            if (s.get("id").asText().equals(sid)) {
                row = s;
            }
        }
        assertThat(row).as("session %s in %s", sid, list).isNotNull();
        assertThat(row.get("mode").asText()).isEqualTo("impersonate");
        assertThat(row.get("actor").get("username").asText()).isEqualTo("admin1");
        assertThat(row.get("target").get("username").asText()).isEqualTo("user2");
        assertThat(row.get("grant").asText()).isEqualTo("portal-impersonation");
        assertThat(row.get("client").asText()).isEqualTo("portal-rt");
        assertThat(Instant.parse(row.get("expires").asText()))
                .isEqualTo(Instant.parse(row.get("started").asText()).plusSeconds(600));
        assertThat(Http.get(sessionsUrl() + "?target=user2", masterAdminToken()).json().findValuesAsText("id")).contains(sid);
        assertThat(Http.get(sessionsUrl() + "?actor=nobody-at-all", masterAdminToken()).json().size()).isZero();
    }

    @Test
    void sessionsPageByKeysetAsByOffsetWithTheNextPageInTheLinkHeader() {
        for (String target : List.of("user1", "user2", "user3")) {
            start("admin2", target);
        }
        String admin = masterAdminToken();
        List<String> all = Http.get(sessionsUrl() + "?actor=admin2", admin).json().findValuesAsText("id");
        assertThat(all).hasSizeGreaterThanOrEqualTo(3);
        List<String> keyset = new ArrayList<>();
        String next = sessionsUrl() + "?actor=admin2&max=2";
        while (next != null) {
            Http.Response page = Http.get(next, admin);
            assertThat(page.status()).as(page.toString()).isEqualTo(200);
            keyset.addAll(page.json().findValuesAsText("id"));
            next = page.headers().firstValue("Link").map(link -> link.substring(link.indexOf('<') + 1, link.indexOf('>')))
                    .orElse(null);
        }
        assertThat(keyset).isEqualTo(all);
        Http.Response bad = Http.get(sessionsUrl() + "?after=nonsense", admin);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("field").asText()).isEqualTo("after");
        assertThat(Http.get(sessionsUrl() + "?after=1:x&first=1", admin).status()).isEqualTo(400);
        Http.delete(sessionsUrl() + "?actor=admin2", admin);
    }

    @Test
    void endingOneSessionMakesItsTokensInactiveAndUnrefreshable() {
        JsonNode tokens = start("admin1", "user1");
        String access = tokens.get("access_token").asText();
        assertThat(oidc.introspect(access).get("active").asBoolean()).isTrue();

        assertThat(Http.delete(sessionsUrl() + "/" + sid(tokens), masterAdminToken()).status()).isEqualTo(204);

        assertThat(oidc.introspect(access).get("active").asBoolean()).isFalse();
        Http.Response refresh = oidc.refresh("portal-rt", tokens.get("refresh_token").asText());
        assertThat(refresh.status()).isEqualTo(400);
        assertThat(refresh.json().get("error").asText()).isEqualTo("invalid_grant");
        assertThat(Http.delete(sessionsUrl() + "/" + sid(tokens), masterAdminToken()).status()).isEqualTo(404);
    }

    @Test
    void endingAllOfAnActorsSessions() {
        JsonNode first = start("admin2", "user1");
        JsonNode second = start("admin2", "user2");
        JsonNode other = start("admin1", "user3");

        Http.Response ended = Http.delete(sessionsUrl() + "?actor=admin2", masterAdminToken());
        assertThat(ended.status()).isEqualTo(200);
        assertThat(ended.json().get("ended").asInt()).isGreaterThanOrEqualTo(2);

        for (JsonNode tokens : new JsonNode[] {first, second}) {
            assertThat(oidc.introspect(tokens.get("access_token").asText()).get("active").asBoolean()).isFalse();
            assertThat(oidc.refresh("portal-rt", tokens.get("refresh_token").asText()).status()).isEqualTo(400);
        }
        assertThat(oidc.introspect(other.get("access_token").asText()).get("active").asBoolean()).isTrue();
        assertThat(Http.get(sessionsUrl() + "?actor=admin2", masterAdminToken()).json().size()).isZero();
        assertThat(Http.delete(sessionsUrl(), masterAdminToken()).status()).isEqualTo(400);
    }

    @Test
    void disablingTheGrantMakesTheNextRefreshFail() {
        String admin = masterAdminToken();
        ObjectNode grant = GrantJson.parse("""
                { "name": "to-be-disabled", "actors": { "users": ["grant-actor"] }, "targets": { "users": ["user2"] },
                  "modes": ["impersonate"], "clients": ["portal-rt"], "maxDurationSeconds": 600 }
                """);
        JsonNode created = Http.postJson(server.adminUrl(REALM) + "/act-as/grants", admin, grant).json();
        JsonNode tokens = start("grant-actor", "user2");
        Http.Response refreshed = oidc.refresh("portal-rt", tokens.get("refresh_token").asText());
        assertThat(refreshed.status()).as(refreshed.toString()).isEqualTo(200);

        ObjectNode disabled = created.deepCopy();
        disabled.put("enabled", false);
        assertThat(Http.putJson(server.adminUrl(REALM) + "/act-as/grants/" + created.get("id").asText(), admin, disabled)
                .status()).isEqualTo(200);

        Http.Response refused = oidc.refresh("portal-rt", refreshed.json().get("refresh_token").asText());
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().get("error").asText()).isEqualTo("invalid_grant");
        assertThat(refused.json().get("error_description").asText()).contains("no longer allows");
        // the session was ended with it
        assertThat(oidc.introspect(refreshed.json().get("access_token").asText()).get("active").asBoolean()).isFalse();
        Http.delete(server.adminUrl(REALM) + "/act-as/grants/" + created.get("id").asText(), admin);
    }

    @Test
    void disablingTheActorMakesTheNextRefreshFail() {
        String admin = masterAdminToken();
        JsonNode tokens = start("disabled-actor", "user3");
        String actorUrl = server.adminUrl(REALM) + "/users/" + Oidc.claims(tokens.get("access_token").asText())
                .get("act").get("sub").asText();
        ObjectNode user = Http.get(actorUrl, admin).json().deepCopy();
        user.put("enabled", false);
        assertThat(Http.putJson(actorUrl, admin, user).status()).isEqualTo(204);
        try {
            Http.Response refused = oidc.refresh("portal-rt", tokens.get("refresh_token").asText());
            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.json().get("error").asText()).isEqualTo("invalid_grant");
        } finally {
            user.put("enabled", true);
            Http.putJson(actorUrl, admin, user);
        }
    }

    @Test
    void aSessionEndsByItselfAtItsHardEnd() {
        String admin = masterAdminToken();
        ObjectNode grant = GrantJson.parse("""
                { "name": "three-seconds", "actors": { "users": ["grant-actor"] }, "targets": { "users": ["user3"] },
                  "modes": ["impersonate"], "clients": ["portal-rt"], "maxDurationSeconds": 3 }
                """);
        String grantId = Http.postJson(server.adminUrl(REALM) + "/act-as/grants", admin, grant).json().get("id").asText();
        try {
            JsonNode tokens = start("grant-actor", "user3");
            JsonNode claims = Oidc.claims(tokens.get("access_token").asText());
            assertThat(claims.get("exp").asLong() - claims.get("iat").asLong()).isLessThanOrEqualTo(3);
            String sid = sid(tokens);
            String user3 = claims.get("sub").asText();
            assertThat(Http.get(server.adminUrl(REALM) + "/users/" + user3 + "/sessions", admin).json().findValuesAsText("id"))
                    .contains(sid);

            // Nobody touches the session: housekeeping (every 2 s in tests) removes it after its hard end.
            long deadline = System.currentTimeMillis() + 20_000;
            List<String> live;
            do {
                TokenExchangeIT.sleep(500);
                live = Http.get(server.adminUrl(REALM) + "/users/" + user3 + "/sessions", admin).json().findValuesAsText("id");
            } while (live.contains(sid) && System.currentTimeMillis() < deadline);
            assertThat(live).doesNotContain(sid);
            assertThat(Http.get(sessionsUrl() + "?target=user3", admin).json().findValuesAsText("id")).doesNotContain(sid);
            Http.Response refresh = oidc.refresh("portal-rt", tokens.get("refresh_token").asText());
            assertThat(refresh.status()).isEqualTo(400);
        } finally {
            Http.delete(server.adminUrl(REALM) + "/act-as/grants/" + grantId, admin);
        }
    }

    @Test
    void refusalsLeaveNoSessionBehind() {
        String admin = masterAdminToken();
        String user1 = Http.get(server.adminUrl(REALM) + "/users?exact=true&username=user1", admin).json().get(0).get("id").asText();
        int keycloakSessionsBefore = Http.get(server.adminUrl(REALM) + "/users/" + user1 + "/sessions", admin).json().size();
        int actAsSessionsBefore = Http.get(sessionsUrl() + "?target=user1", admin).json().size();

        String actor = oidc.login("portal", "admin1");
        assertThat(oidc.impersonate("portal", actor, "user1", "audience", "no-such-client").status()).isEqualTo(400);
        assertThat(oidc.impersonate("portal", actor, "user1", "scope", "not-a-scope").status()).isEqualTo(400);
        assertThat(oidc.impersonate("portal", actor, "user1", "requested_token_type", Oidc.REFRESH_TOKEN_TYPE).status())
                .isEqualTo(400);
        assertThat(oidc.impersonate("other-app", oidc.login("other-app", "admin1"), "user1").status()).isEqualTo(403);
        assertThat(oidc.impersonate("portal", oidc.login("portal", "grant-actor"), "user1").status()).isEqualTo(403);

        assertThat(Http.get(server.adminUrl(REALM) + "/users/" + user1 + "/sessions", admin).json().size())
                .isEqualTo(keycloakSessionsBefore);
        assertThat(Http.get(sessionsUrl() + "?target=user1", admin).json().size()).isEqualTo(actAsSessionsBefore);
    }

    @Test
    void sessionsApiNeedsRights() {
        assertThat(Http.get(sessionsUrl(), null).status()).isEqualTo(401);
        String plain = token(POLICY_REALM, "plain", TEST_PASSWORD);
        assertThat(Http.get(server.adminUrl(POLICY_REALM) + "/act-as/sessions", plain).status()).isEqualTo(403);
        String viewer = token(POLICY_REALM, "viewer-users", TEST_PASSWORD);
        assertThat(Http.get(server.adminUrl(POLICY_REALM) + "/act-as/sessions", viewer).status()).isEqualTo(200);
        assertThat(Http.delete(server.adminUrl(POLICY_REALM) + "/act-as/sessions?actor=alice", viewer).status()).isEqualTo(403);
        assertThat(Http.delete(server.adminUrl(POLICY_REALM) + "/act-as/sessions/nope", viewer).status()).isEqualTo(403);
    }
}
