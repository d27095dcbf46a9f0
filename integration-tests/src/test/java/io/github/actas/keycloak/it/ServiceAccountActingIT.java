package io.github.actas.keycloak.it;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import io.github.actas.keycloak.harness.Http;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Service accounts with {@code actsAs}, against the real server: the key's use is a decision like any other
 * (grants name the account by {@code actors.serviceAccounts}), the token says who really acts, the account
 * never reaches past its namespace, and revoking it ends what it started.
 */
class ServiceAccountActingIT extends KeycloakIT {

    private static final String REALM = ServiceAccountsIT.REALM;
    private static final String KEY_TYPE = "urn:io.github.actas:token-type:service-account-key";

    @BeforeAll
    static void realm() {
        ensureRealm(REALM);
        String admin = masterAdminToken();
        if (Http.get(server.adminUrl(REALM) + "/act-as/audit/sinks", admin).json().isEmpty()) {
            assertThat(Http.postJson(server.adminUrl(REALM) + "/act-as/audit/sinks", admin,
                    Map.of("name", "server-log", "type", "log")).status()).isEqualTo(201);
        }
    }

    private static String unique(String stem) {
        return stem + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A grant naming accounts by {@code accountGlob}, covering every user and group of the realm. */
    private static void grantEveryone(String name, String accountGlob) {
        Map<String, Object> grant = new LinkedHashMap<>();
        grant.put("name", name);
        grant.put("actors", Map.of("serviceAccounts", List.of(accountGlob)));
        grant.put("targets", Map.of("users", List.of("*"), "groups", List.of("/team-a", "/team-b")));
        grant.put("modes", List.of("impersonate", "group"));
        grant.put("clients", List.of("*"));
        Http.Response created = Http.postJson(actAsUrl(REALM, "grants"), masterAdminToken(), grant);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
    }

    private static JsonNode create(String name, String namespace, Map<String, String> actsAs, Instant expiresAt) {
        Map<String, Object> body = new LinkedHashMap<>(Map.of("name", name, "clients", List.of("ci"), "actsAs", actsAs,
                "expiresAt", expiresAt.toString()));
        if (namespace != null) {
            body.put("namespace", namespace);
        }
        Http.Response created = Http.postJson(actAsUrl(REALM, "service-accounts"), masterAdminToken(), body);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return created.json();
    }

    private static Http.Response use(String key, String... extra) {
        List<String[]> form = new ArrayList<>(List.of(new String[] {"grant_type", Oidc.TOKEN_EXCHANGE},
                new String[] {"client_id", "ci"}, new String[] {"subject_token", key},
                new String[] {"subject_token_type", KEY_TYPE}));
        for (int i = 0; i < extra.length; i += 2) {
            form.add(new String[] {extra[i], extra[i + 1]});
        }
        return Http.postForm(server.realmUrl(REALM) + "/protocol/openid-connect/token", form);
    }

    private static JsonNode sessionsOf(String actorId) {
        return Http.get(actAsUrl(REALM, "sessions?actor=" + actorId), masterAdminToken()).json();
    }

    @Test
    void anAccountActingAsAUserGetsTheUsersTokenWithActNamingTheAccount() throws Exception {
        String stem = unique("deploy");
        grantEveryone(stem + "-grant", stem + "-*");
        String name = stem + "-bot";
        Instant keyExpires = Instant.now().plus(10, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
        JsonNode account = create(name, "/team-a", Map.of("user", "user_a"), keyExpires);
        String principalId = account.get("principal").get("id").asText();
        String userA = Http.get(server.adminUrl(REALM) + "/users?exact=true&username=user_a", masterAdminToken())
                .json().get(0).get("id").asText();

        long before = System.currentTimeMillis() / 1000;
        Http.Response used = use(account.get("key").asText(), "scope", "openid");
        assertThat(used.status()).as(used.toString()).isEqualTo(200);
        assertThat(used.json().has("refresh_token")).isFalse();
        String token = used.json().get("access_token").asText();
        JWKSet keys = JWKSet.parse(Http.get(server.realmUrl(REALM) + "/protocol/openid-connect/certs", null).body());
        SignedJWT jwt = SignedJWT.parse(token);
        assertThat(jwt.verify(new RSASSAVerifier(keys.getKeyByKeyId(jwt.getHeader().getKeyID()).toRSAKey()))).isTrue();
        JsonNode claims = Oidc.claims(token);
        assertThat(claims.get("sub").asText()).isEqualTo(userA);
        assertThat(claims.get("preferred_username").asText()).isEqualTo("user_a");
        assertThat(claims.get("azp").asText()).isEqualTo("ci");
        assertThat(claims.get("act").get("sub").asText()).isEqualTo(principalId);
        assertThat(claims.get("act").get("preferred_username").asText()).isEqualTo("sa:" + name);
        assertThat(claims.get("act").get("iss").asText()).isEqualTo(server.realmUrl(REALM));
        assertThat(claims.get("exp").asLong()).isBetween(before + 1, before + 300 + 5);
        assertThat(Http.get(server.realmUrl(REALM) + "/protocol/openid-connect/userinfo", token).status()).isEqualTo(200);

        // One acting session for repeated uses, and it never outlives the key.
        assertThat(use(account.get("key").asText()).status()).isEqualTo(200);
        JsonNode sessions = sessionsOf(principalId);
        assertThat(sessions).hasSize(1);
        assertThat(sessions.get(0).get("mode").asText()).isEqualTo("impersonate");
        assertThat(Instant.parse(sessions.get(0).get("expires").asText())).isBeforeOrEqualTo(keyExpires);

        // Audited like any acting: the account initiates, the user is acted as; the log line names both.
        String master = masterAdminToken();
        JsonNode started = Http.get(actAsUrl(REALM, "audit?type=impersonation.started&actor=" + principalId), master).json();
        assertThat(started).hasSize(1);
        assertThat(started.get(0).get("initiatingUser").get("username").asText()).isEqualTo("sa:" + name);
        assertThat(started.get(0).get("effectiveUser").get("username").asText()).isEqualTo("user_a");
        assertThat(started.get(0).get("grant").asText()).isEqualTo(stem + "-grant");
        Await.until("the log line", 10_000, () -> logContains("sa:" + name + " as (user_a)"));

        // Revoking the account ends what it started, at once.
        assertThat(Http.delete(actAsUrl(REALM, "service-accounts/" + account.get("id").asText()), master).status())
                .isEqualTo(204);
        assertThat(Http.get(server.realmUrl(REALM) + "/protocol/openid-connect/userinfo", token).status()).isEqualTo(401);
        assertThat(sessionsOf(principalId)).isEmpty();
        assertThat(Http.get(actAsUrl(REALM, "audit?type=impersonation.ended&actor=" + principalId), master).json())
                .singleElement().satisfies(r -> assertThat(r.toString()).contains("service-account-revoked"));
    }

    @Test
    void anAccountActingAsAGroupGetsTheGroupsToken() {
        String stem = unique("group");
        grantEveryone(stem + "-grant", stem + "-*");
        String name = stem + "-bot";
        JsonNode account = create(name, "/team-a", Map.of("group", "/team-a"), Instant.now().plus(1, ChronoUnit.HOURS));
        Http.Response used = use(account.get("key").asText());
        assertThat(used.status()).as(used.toString()).isEqualTo(200);
        JsonNode claims = Oidc.claims(used.json().get("access_token").asText());
        assertThat(claims.get("preferred_username").asText()).isEqualTo("group:/team-a");
        assertThat(claims.get("act_as_group").get("path").asText()).isEqualTo("/team-a");
        assertThat(claims.get("act").get("preferred_username").asText()).isEqualTo("sa:" + name);
    }

    @Test
    void aNamespacedAccountCannotActOutsideItsNamespaceWhateverTheGrantSays() {
        String stem = unique("ns");
        grantEveryone(stem + "-grant", "*"); // every account, every user
        String master = masterAdminToken();
        String username = stem + "-mover";
        Http.Response made = Http.postJson(server.adminUrl(REALM) + "/users", master,
                Map.of("username", username, "enabled", true, "groups", List.of("/team-a")));
        assertThat(made.status()).as(made.toString()).isEqualTo(201);
        String userId = made.header("Location").substring(made.header("Location").lastIndexOf('/') + 1);
        JsonNode account = create(stem + "-bot", "/team-a", Map.of("user", username), Instant.now().plus(1, ChronoUnit.HOURS));
        String key = account.get("key").asText();
        assertThat(use(key).status()).isEqualTo(200);

        // The user moves to /team-b: the grant still covers them, the namespace does not.
        String teamA = Http.get(server.adminUrl(REALM) + "/group-by-path/team-a", master).json().get("id").asText();
        String teamB = Http.get(server.adminUrl(REALM) + "/group-by-path/team-b", master).json().get("id").asText();
        assertThat(Http.delete(server.adminUrl(REALM) + "/users/" + userId + "/groups/" + teamA, master).status()).isEqualTo(204);
        assertThat(Http.putJson(server.adminUrl(REALM) + "/users/" + userId + "/groups/" + teamB, master, "").status())
                .isEqualTo(204);
        Http.Response refused = use(key);
        TokenExchangeIT.assertRefused(refused, 403, "access_denied", "not permitted");
        String principalId = account.get("principal").get("id").asText();
        assertThat(Http.get(actAsUrl(REALM, "audit?type=impersonation.denied&actor=" + principalId), master).json())
                .singleElement().satisfies(r -> assertThat(r.get("error").asText()).isEqualTo("OUTSIDE_NAMESPACE"));

        // An account the grants do not name acts for nobody, even inside its namespace.
        assertThat(Http.delete(actAsUrl(REALM, "grants/" + grantId(stem + "-grant")), master).status()).isEqualTo(204);
        JsonNode unnamed = create(stem + "-other", "/team-a", Map.of("user", "user_a"), Instant.now().plus(1, ChronoUnit.HOURS));
        TokenExchangeIT.assertRefused(use(unnamed.get("key").asText()), 403, "access_denied", "not permitted");
        // Refused requests leave nothing behind: not even the account's own session.
        TokenExchangeIT.assertRefused(use(unnamed.get("key").asText(), "requested_token_type", Oidc.REFRESH_TOKEN_TYPE),
                400, "invalid_request", null);
        String unnamedPrincipal = unnamed.get("principal").get("id").asText();
        assertThat(Http.get(server.adminUrl(REALM) + "/users/" + unnamedPrincipal + "/sessions", master).json()).isEmpty();
    }

    /**
     * Permissions v2: a team lead with no realm role, but Keycloak's fine-grained {@code manage-members} on
     * {@code /team-a}, manages that namespace's accounts and nothing else.
     */
    @Test
    void aTeamLeadWithManageMembersOnTheirGroupManagesItsAccountsOnly() {
        String realm = "sa-fgap-it";
        ensureRealm(realm);
        String master = masterAdminToken();
        String admin = server.adminUrl(realm);
        String authz = admin + "/clients/" + Http.get(admin + "/clients?clientId=admin-permissions", master).json()
                .get(0).get("id").asText() + "/authz/resource-server";
        String lead = Http.get(admin + "/users?exact=true&username=lead", master).json().get(0).get("id").asText();
        String teamA = Http.get(admin + "/group-by-path/team-a", master).json().get("id").asText();
        String policyName = unique("lead");
        Http.Response policy = Http.postJson(authz + "/policy/user", master, Map.of("name", policyName, "users", List.of(lead)));
        assertThat(policy.status()).as(policy.toString()).isEqualTo(201);
        Http.Response permission = Http.postJson(authz + "/permission/scope", master, Map.of("name", unique("team-a-members"),
                "resourceType", "Groups", "resources", List.of(teamA), "scopes", List.of("manage-members"),
                "policies", List.of(policy.json().get("id").asText())));
        assertThat(permission.status()).as(permission.toString()).isEqualTo(201);

        String token = token(realm, "lead", TEST_PASSWORD);
        String accounts = actAsUrl(realm, "service-accounts");
        Map<String, Object> inTeamA = Map.of("name", unique("team-a-ci"), "namespace", "/team-a", "clients", List.of("ci"),
                "actsAs", Map.of("user", "user_a"));
        Http.Response created = Http.postJson(accounts, token, inTeamA);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String id = created.json().get("id").asText();
        assertThat(Http.get(accounts + "/" + id, token).status()).isEqualTo(200);
        assertThat(Http.get(accounts, token).json().findValuesAsText("id")).contains(id);
        assertThat(Http.postJson(accounts + "/" + id + "/rotate", token, "").status()).isEqualTo(200);

        // Not team-b's, not the whole realm's; and what a lead may not see reads as forbidden, not as absent.
        Map<String, Object> inTeamB = Map.of("name", unique("team-b-ci"), "namespace", "/team-b", "clients", List.of("ci"));
        assertThat(Http.postJson(accounts, token, inTeamB).status()).isEqualTo(403);
        assertThat(Http.postJson(accounts, token, Map.of("name", unique("realm-ci"), "clients", List.of("ci"))).status())
                .isEqualTo(403);
        String teamBAccount = Http.postJson(accounts, master, inTeamB).json().get("id").asText();
        assertThat(Http.get(accounts + "/" + teamBAccount, token).status()).isEqualTo(403);
        assertThat(Http.postJson(accounts + "/" + teamBAccount + "/rotate", token, "").status()).isEqualTo(403);
        assertThat(Http.delete(accounts + "/" + teamBAccount, token).status()).isEqualTo(403);
        assertThat(Http.get(accounts, token).json().findValuesAsText("id")).doesNotContain(teamBAccount);
        assertThat(Http.delete(accounts + "/" + id, token).status()).isEqualTo(204);
    }

    private static String grantId(String name) {
        for (JsonNode grant : Http.get(actAsUrl(REALM, "grants"), masterAdminToken()).json()) {
            if (grant.get("name").asText().equals(name)) {
                return grant.get("id").asText();
            }
        }
        throw new AssertionError("no grant " + name);
    }

    private static boolean logContains(String text) {
        try {
            return Files.readString(server.logFile()).contains(text);
        } catch (IOException e) {
            return false;
        }
    }
}
