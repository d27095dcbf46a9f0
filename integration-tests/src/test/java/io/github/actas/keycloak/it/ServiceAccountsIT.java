package io.github.actas.keycloak.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.CRC32;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import io.github.actas.keycloak.harness.Http;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service-account admin API against the real server: the key shown once and kept nowhere else, its
 * format, validation, rotation, revocation, audit and permissions, and the account's principal.
 */
class ServiceAccountsIT extends KeycloakIT {

    static final String REALM = "sa-it";
    private static final String KEY_PATTERN = "actas_[0-9A-Za-z]{49}";

    @BeforeAll
    static void realm() {
        ensureRealm(REALM);
    }

    private static String url(String path) {
        return actAsUrl(REALM, "service-accounts" + path);
    }

    private static String admin() {
        return token(REALM, "sa-admin", TEST_PASSWORD);
    }

    private static String uniqueName(String stem) {
        return stem + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static Map<String, Object> account(String name, Object... more) {
        Map<String, Object> body = new LinkedHashMap<>(Map.of("name", name, "clients", List.of("ci")));
        for (int i = 0; i < more.length; i += 2) {
            body.put((String) more[i], more[i + 1]);
        }
        return body;
    }

    @Test
    void theKeyIsShownOnceAndNeverAgain() throws IOException {
        String name = uniqueName("ci-deploy");
        Http.Response created = Http.postJson(url(""), admin(), account(name, "description", "deploys from CI",
                "actsAs", Map.of("user", "user_a"), "namespace", "/team-a", "clients", List.of("ci", "deployer")));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        JsonNode body = created.json();
        String key = body.get("key").asText();
        String id = body.get("id").asText();
        assertThat(key).matches(KEY_PATTERN);
        assertThat(created.header("Location")).endsWith("/service-accounts/" + id);
        assertThat(body.get("state").asText()).isEqualTo("active");
        assertThat(body.get("namespace").asText()).isEqualTo("/team-a");
        assertThat(body.get("actsAs").get("user").asText()).isEqualTo("user_a");
        assertThat(body.get("clients").toString()).isEqualTo("[\"ci\",\"deployer\"]");
        assertThat(body.get("createdBy").get("username").asText()).isEqualTo("sa-admin");
        assertThat(body.get("principal").get("username").asText()).isEqualTo("act-as-sa-" + name);
        // Default lifetime: 90 days.
        Instant expires = Instant.parse(body.get("expiresAt").asText());
        assertThat(expires).isBetween(Instant.now().plus(89, ChronoUnit.DAYS), Instant.now().plus(91, ChronoUnit.DAYS));

        Http.Response read = Http.get(url("/" + id), admin());
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.json().has("key")).isFalse();
        assertThat(read.body()).doesNotContain(key);
        assertThat(Http.get(url("/" + name), admin()).json().get("id").asText()).isEqualTo(id); // by name too
        Http.Response list = Http.get(url(""), admin());
        assertThat(list.body()).contains(id).doesNotContain(key).doesNotContain("\"key\"");

        // Nothing else shows it either: not the audit trail, not Keycloak's admin events, not the server log.
        String master = masterAdminToken();
        assertThat(Http.get(actAsUrl(REALM, "audit?max=500"), master).body()).doesNotContain(key);
        assertThat(Http.get(server.adminUrl(REALM) + "/admin-events?max=500", master).body()).contains(id).doesNotContain(key);
        assertThat(Files.readString(server.logFile())).doesNotContain(key);
        assertThat(Http.get(actAsUrl(REALM, "audit?type=service-account.created&max=500"), master).json())
                .anySatisfy(record -> {
                    assertThat(record.get("effectiveUser").get("username").asText()).isEqualTo("sa:" + name);
                    assertThat(record.get("initiatingUser").get("username").asText()).isEqualTo("sa-admin");
                });
    }

    @Test
    void rotationGivesANewKeyOnceAndRevocationIsFinal() {
        String name = uniqueName("rotating");
        JsonNode created = Http.postJson(url(""), admin(), account(name)).json();
        String id = created.get("id").asText();
        String first = created.get("key").asText();

        Http.Response rotated = Http.postJson(url("/" + id + "/rotate"), admin(), "");
        assertThat(rotated.status()).as(rotated.toString()).isEqualTo(200);
        String second = rotated.json().get("key").asText();
        assertThat(second).matches(KEY_PATTERN).isNotEqualTo(first);
        assertThat(rotated.json().get("rotated").isNull()).isFalse();
        assertThat(Http.get(url("/" + id), admin()).body()).doesNotContain(second).doesNotContain(first);

        assertThat(Http.delete(url("/" + id), admin()).status()).isEqualTo(204);
        JsonNode revoked = Http.get(url("/" + id), admin()).json();
        assertThat(revoked.get("state").asText()).isEqualTo("revoked");
        assertThat(Http.postJson(url("/" + id + "/rotate"), admin(), "").status()).isEqualTo(409);
        assertThat(Http.delete(url("/" + id), admin()).status()).isEqualTo(204); // still revoked, recorded once
        String master = masterAdminToken();
        for (String type : List.of("service-account.created", "service-account.rotated", "service-account.revoked")) {
            assertThat(Http.get(actAsUrl(REALM, "audit?type=" + type + "&max=500"), master).json()
                    .findValuesAsText("username")).as(type).containsOnlyOnce("sa:" + name);
        }
    }

    @Test
    void invalidRequestsAreRefusedNamingTheField() {
        String admin = admin();
        String later = Instant.now().plus(30, ChronoUnit.DAYS).toString();
        Map<String, Map<String, Object>> cases = new LinkedHashMap<>();
        cases.put("name", account("Upper Case"));
        cases.put("clients", account(uniqueName("x"), "clients", List.of("no-such-client")));
        cases.put("namespace", account(uniqueName("x"), "namespace", "/no-such-group"));
        cases.put("actsAs", account(uniqueName("x"), "actsAs", Map.of("user", "user_a", "group", "/team-a")));
        cases.put("actsAs.user", account(uniqueName("x"), "actsAs", Map.of("user", "user_b"), "namespace", "/team-a"));
        cases.put("actsAs.group", account(uniqueName("x"), "actsAs", Map.of("group", "/team-b"), "namespace", "/team-a"));
        cases.put("expiresAt", account(uniqueName("x"), "expiresAt", "yesterday"));
        cases.put("description", account(uniqueName("x"), "description", "d".repeat(1001)));
        cases.put("unknownField", account(uniqueName("x"), "unknownField", true));
        for (Map.Entry<String, Map<String, Object>> c : cases.entrySet()) {
            Http.Response refused = Http.postJson(url(""), admin, c.getValue());
            assertThat(refused.status()).as(c.getKey() + ": " + refused).isEqualTo(400);
            assertThat(refused.json().get("field").asText()).as(c.getKey()).isEqualTo(c.getKey());
        }
        for (String expiresAt : List.of(Instant.now().minusSeconds(60).toString(),
                Instant.now().plus(400, ChronoUnit.DAYS).toString())) {
            Http.Response refused = Http.postJson(url(""), admin, account(uniqueName("x"), "expiresAt", expiresAt));
            assertThat(refused.status()).as(expiresAt).isEqualTo(400);
        }
        assertThat(Http.postJson(url(""), admin, "{\"name\":").status()).isEqualTo(400);
        assertThat(Http.postJson(url(""), admin, account(uniqueName("x"), "clients", List.of())).status()).isEqualTo(400);
        assertThat(Http.postJson(url(""), admin, account("a".repeat(64))).status()).isEqualTo(400);

        String name = uniqueName("twice");
        assertThat(Http.postJson(url(""), admin, account(name, "expiresAt", later)).status()).isEqualTo(201);
        Http.Response again = Http.postJson(url(""), admin, account(name));
        assertThat(again.status()).as(again.toString()).isEqualTo(409);
        assertThat(Http.get(url("/no-such-account"), admin).status()).isEqualTo(404);
        assertThat(Http.delete(url("/no-such-account"), admin).status()).isEqualTo(404);
    }

    @Test
    void onlyUserManagersManageAndOnlyUserViewersRead() {
        String viewer = token(REALM, "viewer", TEST_PASSWORD);
        String nobody = token(REALM, "nobody", TEST_PASSWORD);
        String id = Http.postJson(url(""), admin(), account(uniqueName("perm"))).json().get("id").asText();

        assertThat(Http.get(url(""), viewer).status()).isEqualTo(200);
        assertThat(Http.get(url("/" + id), viewer).status()).isEqualTo(200);
        assertThat(Http.postJson(url(""), viewer, account(uniqueName("x"))).status()).isEqualTo(403);
        assertThat(Http.postJson(url("/" + id + "/rotate"), viewer, "").status()).isEqualTo(403);
        assertThat(Http.delete(url("/" + id), viewer).status()).isEqualTo(403);

        assertThat(Http.get(url(""), nobody).status()).isEqualTo(403);
        assertThat(Http.get(url("/" + id), nobody).status()).isEqualTo(403);
        assertThat(Http.postJson(url(""), nobody, account(uniqueName("x"))).status()).isEqualTo(403);
        assertThat(Http.get(url(""), null).status()).isEqualTo(401);
    }

    // --- using a key ---------------------------------------------------------------------------------

    private static final String KEY_TYPE = "urn:io.github.actas:token-type:service-account-key";

    private static Http.Response use(String realm, String clientId, String key, String... extra) {
        List<String[]> form = new ArrayList<>(List.of(new String[] {"grant_type", Oidc.TOKEN_EXCHANGE},
                new String[] {"client_id", clientId}, new String[] {"subject_token", key},
                new String[] {"subject_token_type", KEY_TYPE}));
        if (clientId.equals("deployer")) {
            form.add(new String[] {"client_secret", "deployer-secret"});
        }
        for (int i = 0; i < extra.length; i += 2) {
            form.add(new String[] {extra[i], extra[i + 1]});
        }
        return Http.postForm(server.realmUrl(realm) + "/protocol/openid-connect/token", form);
    }

    @Test
    void aKeyGivesAShortLivedTokenOfItsAccountToItsClientsOnly() throws Exception {
        String name = uniqueName("deploy");
        JsonNode created = Http.postJson(url(""), admin(), account(name, "clients", List.of("ci", "deployer"))).json();
        String key = created.get("key").asText();
        String principalId = created.get("principal").get("id").asText();
        String master = masterAdminToken();
        JsonNode role = Http.get(server.adminUrl(REALM) + "/roles/deploy", master).json();
        assertThat(Http.postJson(server.adminUrl(REALM) + "/users/" + principalId + "/role-mappings/realm", master,
                List.of(role)).status()).isEqualTo(204);

        long before = System.currentTimeMillis() / 1000;
        Http.Response used = use(REALM, "ci", key, "scope", "openid"); // a public client: the key is the credential
        assertThat(used.status()).as(used.toString()).isEqualTo(200);
        assertThat(used.json().has("refresh_token")).isFalse();
        assertThat(used.json().get("issued_token_type").asText()).isEqualTo(Oidc.ACCESS_TOKEN_TYPE);
        String token = used.json().get("access_token").asText();
        JWKSet keys = JWKSet.parse(Http.get(server.realmUrl(REALM) + "/protocol/openid-connect/certs", null).body());
        SignedJWT jwt = SignedJWT.parse(token);
        assertThat(jwt.verify(new RSASSAVerifier(keys.getKeyByKeyId(jwt.getHeader().getKeyID()).toRSAKey()))).isTrue();
        JsonNode claims = Oidc.claims(token);
        assertThat(claims.get("sub").asText()).isEqualTo(principalId);
        assertThat(claims.get("azp").asText()).isEqualTo("ci");
        assertThat(claims.get("realm_access").get("roles").toString()).contains("\"deploy\"");
        assertThat(claims.get("exp").asLong()).isBetween(before + 1, before + 300 + 5);
        assertThat(Http.get(server.realmUrl(REALM) + "/protocol/openid-connect/userinfo", token).status()).isEqualTo(200);
        // Later tokens come from the same session (they name it), without writing to it.
        String later = use(REALM, "ci", key, "scope", "openid").json().get("access_token").asText();
        assertThat(Oidc.claims(later).get("sid").asText()).isEqualTo(claims.get("sid").asText());
        assertThat(Http.get(server.realmUrl(REALM) + "/protocol/openid-connect/userinfo", later).status()).isEqualTo(200);
        assertThat(use(REALM, "deployer", key).status()).isEqualTo(200);
        assertThat(Http.get(actAsUrl(REALM, "audit?type=token.issued&actor=" + principalId), master).json())
                .anySatisfy(record -> assertThat(record.get("initiatingUser").get("username").asText()).isEqualTo("sa:" + name));

        // Refused alike: a client that is not the key's, a key nobody holds, a rotated-away key, a revoked one.
        String limited = Http.postJson(url(""), admin(), account(uniqueName("ci-only"))).json().get("key").asText();
        Http.Response notForDeployer = use(REALM, "deployer", limited);
        TokenExchangeIT.assertRefused(notForDeployer, 400, "invalid_grant", null);
        String unknown = wellFormedButUnknown(key);
        assertThat(use(REALM, "ci", unknown).json()).isEqualTo(notForDeployer.json());
        String rotatedTo = Http.postJson(url("/" + created.get("id").asText() + "/rotate"), admin(), "").json().get("key").asText();
        assertThat(use(REALM, "ci", key).json()).isEqualTo(notForDeployer.json());
        assertThat(use(REALM, "ci", rotatedTo).status()).isEqualTo(200);
        assertThat(Http.delete(url("/" + created.get("id").asText()), admin()).status()).isEqualTo(204);
        assertThat(use(REALM, "ci", rotatedTo).json()).isEqualTo(notForDeployer.json());
        // Revoking ends the tokens already issued.
        assertThat(Http.get(server.realmUrl(REALM) + "/protocol/openid-connect/userinfo", token).status()).isEqualTo(401);
        assertThat(Http.get(server.realmUrl(REALM) + "/protocol/openid-connect/userinfo", later).status()).isEqualTo(401);
    }

    @Test
    void expiredAndForeignKeysReadLikeWrongOnesAndMalformedOnesAreBadRequests() throws Exception {
        String soon = Instant.now().plusSeconds(4).toString();
        String expiring = Http.postJson(url(""), admin(), account(uniqueName("short"), "expiresAt", soon)).json().get("key").asText();
        assertThat(use(REALM, "ci", expiring).status()).isEqualTo(200);
        String otherRealmKey = Http.postJson(actAsUrl(OTHER_REALM, "service-accounts"), masterAdminToken(),
                Map.of("name", uniqueName("elsewhere"), "clients", List.of("admin-cli"))).json().get("key").asText();
        Http.Response wrong = use(REALM, "ci", wellFormedButUnknown(expiring));
        TokenExchangeIT.assertRefused(wrong, 400, "invalid_grant", null);
        assertThat(use(REALM, "ci", otherRealmKey).json()).isEqualTo(wrong.json());
        Thread.sleep(5_000);
        assertThat(use(REALM, "ci", expiring).json()).isEqualTo(wrong.json());

        String good = Http.postJson(url(""), admin(), account(uniqueName("good"))).json().get("key").asText();
        String badChecksum = good.substring(0, good.length() - 1) + (good.endsWith("A") ? "B" : "A");
        for (String malformed : List.of(badChecksum, "ghp_" + good.substring(6), "x".repeat(20_000), good + "0")) {
            Http.Response refused = use(REALM, "ci", malformed);
            TokenExchangeIT.assertRefused(refused, 400, "invalid_request", null);
        }
        // A burst of wrong keys locks nobody out.
        for (int i = 0; i < 100; i++) {
            assertThat(use(REALM, "ci", wellFormedButUnknown(good)).status()).isEqualTo(400);
        }
        assertThat(use(REALM, "ci", good).status()).isEqualTo(200);
        // Acting parameters have no place next to a key.
        TokenExchangeIT.assertRefused(use(REALM, "ci", good, "requested_subject", "user_a"), 400, "invalid_request", "cannot be used");
    }

    /** A key of the right form that nobody holds. */
    private static String wellFormedButUnknown(String key) {
        // Same form, other randomness: the server's own generator is not reachable from here, so rebuild the checksum.
        String body = UUID.randomUUID().toString().replace("-", "") + UUID.randomUUID().toString().replace("-", "");
        body = body.substring(0, 43);
        CRC32 crc = new CRC32();
        crc.update(body.getBytes(StandardCharsets.US_ASCII));
        long value = crc.getValue();
        String alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        char[] checksum = new char[6];
        for (int i = 5; i >= 0; i--) {
            checksum[i] = alphabet.charAt((int) (value % 62));
            value /= 62;
        }
        String made = "actas_" + body + new String(checksum);
        assertThat(made).hasSameSizeAs(key).isNotEqualTo(key);
        return made;
    }

    @Test
    void thePrincipalIsAUserThatCannotSignIn() {
        String name = uniqueName("principal");
        JsonNode created = Http.postJson(url(""), admin(), account(name)).json();
        String principalId = created.get("principal").get("id").asText();
        String master = masterAdminToken();
        JsonNode user = Http.get(server.adminUrl(REALM) + "/users/" + principalId, master).json();
        assertThat(user.get("username").asText()).isEqualTo("act-as-sa-" + name);
        // A complete profile and a password, so that nothing but Act-As stands in the way of a sign-in.
        ObjectNode profile = (ObjectNode) user;
        profile.put("firstName", "Complete").put("lastName", "Profile").put("email", name + "@sa-it.example");
        assertThat(Http.putJson(server.adminUrl(REALM) + "/users/" + principalId, master, profile).status()).isEqualTo(204);
        assertThat(Http.putJson(server.adminUrl(REALM) + "/users/" + principalId + "/reset-password", master,
                Map.of("type", "password", "value", "set-by-an-admin", "temporary", false)).status()).isEqualTo(204);
        Http.Response password = Http.postForm(server.realmUrl(REALM) + "/protocol/openid-connect/token", Map.of(
                "grant_type", "password", "client_id", "deployer", "client_secret", "deployer-secret",
                "username", "act-as-sa-" + name, "password", "set-by-an-admin"));
        TokenExchangeIT.assertRefused(password, 400, "invalid_grant", "cannot sign in");
    }
}
