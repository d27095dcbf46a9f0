package io.github.actas.keycloak.it;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import io.github.actas.keycloak.harness.Http;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Group mode through the token-exchange door: a token whose principal is a group (its roles exactly the
 * group's and its ancestors'), refused wherever a grant does not reach, never a way to sign in, and gone
 * with its group.
 */
class GroupPrincipalIT extends KeycloakIT {

    static final String REALM = "group-it";
    private static Oidc oidc;

    @BeforeAll
    static void realm() {
        ensureRealm(REALM);
        oidc = new Oidc(server, REALM);
        String admin = masterAdminToken();
        if (Http.get(server.adminUrl(REALM) + "/act-as/audit/sinks", admin).json().isEmpty()) {
            assertThat(Http.postJson(server.adminUrl(REALM) + "/act-as/audit/sinks", admin,
                    Map.of("name", "server-log", "type", "log")).status()).isEqualTo(201);
        }
    }

    private static Http.Response actAsGroup(String client, String actorToken, String group, String... extra) {
        List<String> params = new ArrayList<>(List.of("subject_token", actorToken, "subject_token_type",
                Oidc.ACCESS_TOKEN_TYPE, "requested_group", group));
        params.addAll(List.of(extra));
        return oidc.exchange(client, params.toArray(String[]::new));
    }

    private static String groupId(String path) {
        Http.Response group = Http.get(server.adminUrl(REALM) + "/group-by-path" + path, masterAdminToken());
        assertThat(group.status()).as(group.toString()).isEqualTo(200);
        return group.json().get("id").asText();
    }

    private static String userId(String username) {
        return Http.get(server.adminUrl(REALM) + "/users?exact=true&username=" + username, masterAdminToken())
                .json().get(0).get("id").asText();
    }

    private static Set<String> texts(JsonNode array) {
        Set<String> out = new HashSet<>();
        if (array != null) {
            array.forEach(node -> out.add(node.asText()));
        }
        return out;
    }

    /** Verifies the signature the way a resource server would: the realm's published keys, a third-party library. */
    private static void assertSignedByTheRealm(String token) throws Exception {
        JWKSet keys = JWKSet.parse(Http.get(server.realmUrl(REALM) + "/protocol/openid-connect/certs", null).body());
        SignedJWT jwt = SignedJWT.parse(token);
        assertThat(jwt.verify(new RSASSAVerifier(keys.getKeyByKeyId(jwt.getHeader().getKeyID()).toRSAKey()))).isTrue();
    }

    @Test
    void aGroupTokenCarriesExactlyTheGroupsRolesAndNamesTheGroupAndTheActor() throws Exception {
        String actorToken = oidc.login("app", "admin1");
        long before = System.currentTimeMillis() / 1000;
        Http.Response response = actAsGroup("app", actorToken, "/customers/eu", "scope", "openid", "reason", "T-7");
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        String token = response.json().get("access_token").asText();
        assertSignedByTheRealm(token);

        JsonNode claims = Oidc.claims(token);
        String groupId = groupId("/customers/eu");
        String principalId = UUID.nameUUIDFromBytes(("act-as-group-principal:" + groupId).getBytes(StandardCharsets.UTF_8)).toString();
        assertThat(claims.get("sub").asText()).isEqualTo(principalId)
                .isNotEqualTo(userId("member_eu")).isNotEqualTo(userId("admin1"));
        assertThat(claims.get("preferred_username").asText()).isEqualTo("group:/customers/eu");
        assertThat(claims.get("act_as_group").get("id").asText()).isEqualTo(groupId);
        assertThat(claims.get("act_as_group").get("path").asText()).isEqualTo("/customers/eu");
        assertThat(claims.get("act").get("sub").asText()).isEqualTo(userId("admin1"));
        assertThat(claims.get("act").get("preferred_username").asText()).isEqualTo("admin1");
        // The group's roles and its parent's, composites expanded; nothing of a member, another group or the
        // realm's defaults.
        assertThat(texts(claims.path("realm_access").get("roles")))
                .containsExactlyInAnyOrder("customer-base", "eu-reader", "eu-composite", "inner-role");
        assertThat(texts(claims.path("resource_access").path("shop").get("roles"))).containsExactly("reader");
        assertThat(claims.path("resource_access").has("account")).isFalse();
        for (String personal : List.of("email", "name", "given_name", "family_name", "email_verified")) {
            assertThat(claims.has(personal)).as(personal).isFalse();
        }
        assertThat(claims.get("exp").asLong()).isLessThanOrEqualTo(before + 600 + 5);

        JsonNode idToken = Oidc.claims(response.json().get("id_token").asText());
        assertThat(idToken.get("sub").asText()).isEqualTo(principalId);
        assertThat(idToken.get("preferred_username").asText()).isEqualTo("group:/customers/eu");
        assertThat(idToken.get("act_as_group")).isEqualTo(claims.get("act_as_group"));
        assertThat(idToken.get("act")).isEqualTo(claims.get("act"));

        JsonNode introspection = oidc.introspect(token);
        assertThat(introspection.get("active").asBoolean()).isTrue();
        assertThat(introspection.get("sub").asText()).isEqualTo(principalId);
        assertThat(introspection.get("username").asText()).isEqualTo("group:/customers/eu");
        assertThat(introspection.get("act")).isEqualTo(claims.get("act"));
        assertThat(introspection.get("act_as_group")).isEqualTo(claims.get("act_as_group"));

        Http.Response userinfo = oidc.userinfo(token);
        assertThat(userinfo.status()).as(userinfo.toString()).isEqualTo(200);
        assertThat(userinfo.json().get("sub").asText()).isEqualTo(principalId);
        assertThat(userinfo.json().get("preferred_username").asText()).isEqualTo("group:/customers/eu");
        assertThat(userinfo.json().get("act_as_group")).isEqualTo(claims.get("act_as_group"));
        assertThat(userinfo.json().get("act")).isEqualTo(claims.get("act"));
        assertThat(userinfo.json().has("email")).isFalse();

        // The same principal on every call, through another client too.
        Http.Response again = actAsGroup("second", oidc.login("second", "admin1"), groupId);
        assertThat(again.status()).as(again.toString()).isEqualTo(200);
        assertThat(Oidc.claims(again.json().get("access_token").asText()).get("sub").asText()).isEqualTo(principalId);

        // Operators recognise the principal: a user named after the group's id, marked with the group's id.
        JsonNode principal = Http.get(server.adminUrl(REALM) + "/users/" + principalId, masterAdminToken()).json();
        assertThat(principal.get("username").asText()).isEqualTo("act-as-group-" + groupId);
        JsonNode byAttribute = Http.get(server.adminUrl(REALM) + "/users?q=act-as.group:" + groupId, masterAdminToken()).json();
        assertThat(byAttribute.findValuesAsText("id")).containsExactly(principalId);
    }

    @Test
    void roleChangesOfTheGroupApplyAtTheNextToken() {
        String admin = masterAdminToken();
        String actorToken = oidc.login("app", "admin1");
        Http.Response first = actAsGroup("app", actorToken, "/customers/us");
        assertThat(first.status()).as(first.toString()).isEqualTo(200);
        assertThat(texts(Oidc.claims(first.json().get("access_token").asText()).path("realm_access").get("roles")))
                .containsExactlyInAnyOrder("customer-base", "us-reader");

        JsonNode role = Http.get(server.adminUrl(REALM) + "/roles/support-agent", admin).json();
        String mappings = server.adminUrl(REALM) + "/groups/" + groupId("/customers/us") + "/role-mappings/realm";
        assertThat(Http.postJson(mappings, admin, List.of(role)).status()).isEqualTo(204);
        try {
            Http.Response second = actAsGroup("app", actorToken, "/customers/us");
            assertThat(second.status()).as(second.toString()).isEqualTo(200);
            assertThat(texts(Oidc.claims(second.json().get("access_token").asText()).path("realm_access").get("roles")))
                    .containsExactlyInAnyOrder("customer-base", "us-reader", "support-agent");
        } finally {
            Http.Response removed = Http.deleteJson(mappings, admin, List.of(role));
            assertThat(removed.status()).isEqualTo(204);
        }
    }

    @Test
    void aGroupSessionRefreshesAsAUserSessionDoes() {
        Http.Response response = actAsGroup("app-rt", oidc.login("app-rt", "admin1"), "/customers/eu",
                "requested_token_type", Oidc.REFRESH_TOKEN_TYPE);
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        Http.Response refreshed = oidc.refresh("app-rt", response.json().get("refresh_token").asText());
        assertThat(refreshed.status()).as(refreshed.toString()).isEqualTo(200);
        JsonNode claims = Oidc.claims(refreshed.json().get("access_token").asText());
        assertThat(claims.get("preferred_username").asText()).isEqualTo("group:/customers/eu");
        assertThat(claims.get("act_as_group").get("path").asText()).isEqualTo("/customers/eu");
        assertThat(claims.get("act").get("preferred_username").asText()).isEqualTo("admin1");
        assertThat(texts(claims.path("realm_access").get("roles")))
                .containsExactlyInAnyOrder("customer-base", "eu-reader", "eu-composite", "inner-role");
    }

    @Test
    void groupsOutsideTheGrantExcludedPrivilegedOrUnknownAreRefusedAlike() {
        String actorToken = oidc.login("app", "admin1");
        Http.Response excluded = actAsGroup("app", actorToken, "/customers/eu/vip");
        TokenExchangeIT.assertRefused(excluded, 403, "access_denied", null);
        for (String group : List.of("/other", "/customers/ops", "/customers/nowhere", "no-such-group-id")) {
            Http.Response refused = actAsGroup("app", actorToken, group);
            assertThat(refused.status()).as(group).isEqualTo(403);
            assertThat(refused.json()).as(group).isEqualTo(excluded.json());
        }
        // A client outside the grant's clients.
        TokenExchangeIT.assertRefused(actAsGroup("outsider", oidc.login("outsider", "admin1"), "/customers/eu"),
                403, "access_denied", null);

        // An actor without grants learns nothing: an unknown group reads like an existing one.
        String nobody = oidc.login("app", "nogrant");
        assertThat(actAsGroup("app", nobody, "/customers/nowhere").json()).isEqualTo(actAsGroup("app", nobody, "/customers/eu").json());

        // Explain says what the doors say, and why.
        String admin = masterAdminToken();
        JsonNode vip = Http.postJson(actAsUrl(REALM, "explain"), admin, Map.of("actor", "admin1", "group",
                "/customers/eu/vip", "mode", "group", "client", "app")).json();
        assertThat(vip.get("allowed").asBoolean()).isFalse();
        JsonNode ops = Http.postJson(actAsUrl(REALM, "explain"), admin, Map.of("actor", "admin1", "group",
                "/customers/ops", "mode", "group", "client", "app")).json();
        assertThat(ops.get("allowed").asBoolean()).isFalse();
        assertThat(ops.toString()).contains("administrative roles");
        JsonNode eu = Http.postJson(actAsUrl(REALM, "explain"), admin, Map.of("actor", "admin1", "group",
                "/customers/eu", "mode", "group", "client", "app")).json();
        assertThat(eu.get("allowed").asBoolean()).as(eu.toString()).isTrue();
        assertThat(eu.get("grant").asText()).isEqualTo("customer-groups");
    }

    @Test
    void conflictingOrChainedGroupRequestsAreRefused() {
        String actorToken = oidc.login("app", "admin1");
        TokenExchangeIT.assertRefused(actAsGroup("app", actorToken, "/customers/eu", "requested_subject", "member_eu"),
                400, "invalid_request", "cannot be combined");
        TokenExchangeIT.assertRefused(oidc.exchange("app", "subject_token", actorToken, "subject_token_type",
                Oidc.ACCESS_TOKEN_TYPE, "act_as_mode", "group"), 400, "invalid_request", "requested_group");
        TokenExchangeIT.assertRefused(actAsGroup("app", actorToken, ""), 400, "invalid_request", "requested_group");

        // A group token cannot act again: not as another group, not as a user.
        String groupToken = actAsGroup("app", actorToken, "/customers/eu").json().get("access_token").asText();
        TokenExchangeIT.assertRefused(actAsGroup("app", groupToken, "/customers/us"), 403, "access_denied", "already acts");
        TokenExchangeIT.assertRefused(oidc.impersonate("app", groupToken, "member_eu"), 403, "access_denied", "already acts");
    }

    @Test
    void thePrincipalCannotSignInByAnyFlowEvenWithAPassword() throws Exception {
        String actorToken = oidc.login("app", "admin1");
        Http.Response group = actAsGroup("app", actorToken, "/customers/eu");
        assertThat(group.status()).as(group.toString()).isEqualTo(200);
        String principalId = Oidc.claims(group.json().get("access_token").asText()).get("sub").asText();
        String username = "act-as-group-" + groupId("/customers/eu");
        String admin = masterAdminToken();
        assertThat(Http.putJson(server.adminUrl(REALM) + "/users/" + principalId + "/reset-password", admin,
                Map.of("type", "password", "value", "set-by-an-admin", "temporary", false)).status()).isEqualTo(204);

        // Password grant.
        Http.Response password = Http.postForm(oidc.tokenUrl(), Map.of("grant_type", "password", "client_id", "app",
                "client_secret", "app-secret", "username", username, "password", "set-by-an-admin"));
        TokenExchangeIT.assertRefused(password, 400, "invalid_grant", "cannot sign in");

        // Browser sign-in: the authorization code is never worth a token; the implicit flow answers no token.
        BrowserlessLogin code = BrowserlessLogin.signIn(server.realmUrl(REALM), "code", username, "set-by-an-admin");
        assertThat(code.parameter("code")).as(code.location).isNotNull();
        Http.Response exchanged = Http.postForm(oidc.tokenUrl(), Map.of("grant_type", "authorization_code",
                "client_id", "web", "client_secret", "web-secret", "code", code.parameter("code"),
                "redirect_uri", BrowserlessLogin.REDIRECT));
        TokenExchangeIT.assertRefused(exchanged, 400, "invalid_grant", "cannot sign in");
        BrowserlessLogin implicit = BrowserlessLogin.signIn(server.realmUrl(REALM), "token", username, "set-by-an-admin");
        assertThat(implicit.parameter("access_token")).as(implicit.location).isNull();
        // Signed in, then refused when the tokens were built: an error, not the login page again.
        assertThat(implicit.location).as(implicit.location).satisfiesAnyOf(
                location -> assertThat(location).startsWith("(no redirect: 400)"),
                location -> assertThat(location).contains("error="));

        // Never a user target, although it is a member of a group a user-mode grant covers.
        TokenExchangeIT.assertRefused(oidc.impersonate("app", actorToken, principalId), 403, "access_denied", null);
        TokenExchangeIT.assertRefused(oidc.impersonate("app", actorToken, username), 403, "access_denied", null);
        assertThat(oidc.impersonate("app", actorToken, "member_eu").status()).isEqualTo(200);

        // The principal is still good for its group.
        assertThat(actAsGroup("app", actorToken, "/customers/eu").status()).isEqualTo(200);
    }

    @Test
    void racingFirstUsesCreateOnePrincipal() throws Exception {
        String actorToken = oidc.login("app", "admin1");
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<Http.Response>> calls = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                // Different reasons: separate sessions, each starting from "no principal yet".
                String reason = "race-" + i;
                calls.add(pool.submit((Callable<Http.Response>) () -> actAsGroup("app", actorToken, "/customers/racing", "reason", reason)));
            }
            Set<String> subjects = new HashSet<>();
            for (Future<Http.Response> call : calls) {
                Http.Response response = call.get();
                assertThat(response.status()).as(response.toString()).isEqualTo(200);
                subjects.add(Oidc.claims(response.json().get("access_token").asText()).get("sub").asText());
            }
            assertThat(subjects).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(Http.get(server.adminUrl(REALM) + "/users?username=act-as-group-&max=100", masterAdminToken()).json())
                .filteredOn(user -> user.get("username").asText().endsWith(groupId("/customers/racing"))).hasSize(1);
    }

    @Test
    void sessionsAreListedByGroupAndEndingOneMakesItsTokensInactive() {
        String actorToken = oidc.login("app", "admin1");
        Http.Response response = actAsGroup("app", actorToken, "/customers/eu", "reason", "sessions-test");
        String token = response.json().get("access_token").asText();
        String sessionId = Oidc.claims(token).get("sid").asText();
        String admin = masterAdminToken();

        JsonNode listed = Http.get(actAsUrl(REALM, "sessions?group=/customers/eu"), admin).json();
        JsonNode row = null;
        for (JsonNode candidate : listed) {
            if (candidate.get("id").asText().equals(sessionId)) {
                row = candidate;
            }
        }
        assertThat(row).as(listed.toString()).isNotNull();
        assertThat(row.get("mode").asText()).isEqualTo("group");
        assertThat(row.get("group").get("path").asText()).isEqualTo("/customers/eu");
        assertThat(row.get("group").get("id").asText()).isEqualTo(groupId("/customers/eu"));
        assertThat(row.has("target")).isFalse();
        assertThat(row.get("actor").get("username").asText()).isEqualTo("admin1");

        assertThat(Http.delete(actAsUrl(REALM, "sessions/" + sessionId), admin).status()).isEqualTo(204);
        assertThat(oidc.introspect(token).get("active").asBoolean()).isFalse();
        JsonNode ended = Http.get(actAsUrl(REALM, "audit?type=impersonation.revoked&target=" + groupId("/customers/eu")), admin).json();
        assertThat(ended).anySatisfy(record -> {
            assertThat(record.get("sessionId").asText()).isEqualTo(sessionId);
            assertThat(record.get("effectiveGroup").get("path").asText()).isEqualTo("/customers/eu");
        });
    }

    @Test
    void deletingTheGroupEndsItsSessionsRemovesItsPrincipalAndLeavesARecord() throws Exception {
        String admin = masterAdminToken();
        String doomed = groupId("/customers/doomed");
        String actorToken = oidc.login("app", "admin1");
        Http.Response response = actAsGroup("app", actorToken, "/customers/doomed");
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        String token = response.json().get("access_token").asText();
        JsonNode claims = Oidc.claims(token);
        assertThat(oidc.introspect(token).get("active").asBoolean()).isTrue();

        JsonNode started = Http.get(actAsUrl(REALM, "audit?type=impersonation.started&target=" + doomed), admin).json();
        assertThat(started).isNotEmpty();
        assertThat(started.get(0).get("effectiveGroup").get("path").asText()).isEqualTo("/customers/doomed");
        assertThat(started.get(0).has("effectiveUser")).isFalse();
        assertThat(started.get(0).get("initiatingUser").get("username").asText()).isEqualTo("admin1");
        Await.until("the log line", 10_000, () -> logContains("admin1 as (group:/customers/doomed) type=impersonation.started"));

        assertThat(Http.delete(server.adminUrl(REALM) + "/groups/" + doomed, admin).status()).isEqualTo(204);
        try {
            assertThat(oidc.introspect(token).get("active").asBoolean()).isFalse();
            assertThat(Http.get(server.adminUrl(REALM) + "/users/" + claims.get("sub").asText(), admin).status()).isEqualTo(404);
            JsonNode ended = Http.get(actAsUrl(REALM, "audit?type=impersonation.ended&target=" + doomed), admin).json();
            assertThat(ended).anySatisfy(record -> {
                assertThat(record.get("sessionId").asText()).isEqualTo(claims.get("sid").asText());
                assertThat(record.get("endReason").asText()).isEqualTo("group-removed");
                assertThat(record.get("effectiveGroup").get("path").asText()).isEqualTo("/customers/doomed");
            });
        } finally {
            // Put the group back for a rerun against the same server.
            String customers = groupId("/customers");
            Http.postJson(server.adminUrl(REALM) + "/groups/" + customers + "/children", admin, Map.of("name", "doomed"));
        }
    }

    private static boolean logContains(String text) {
        try {
            return Files.readString(server.logFile()).contains(text);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * A sign-in at the realm's login page over plain HTTP (the page is a plain form), for the client
     * {@code web}: what the browser would be redirected to afterwards.
     */
    static final class BrowserlessLogin {

        static final String REDIRECT = "http://127.0.0.1:9/callback";
        private static final Pattern FORM_ACTION = Pattern.compile("<form[^>]*id=\"kc-form-login\"[^>]*action=\"([^\"]+)\"");

        final String location;

        private BrowserlessLogin(String location) {
            this.location = location;
        }

        static BrowserlessLogin signIn(String realmUrl, String responseType, String username, String password)
                throws IOException, InterruptedException {
            // Cookies by hand: Keycloak marks them Secure, which java.net's cookie store never sends over http.
            HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
            String auth = realmUrl + "/protocol/openid-connect/auth?client_id=web&response_type=" + responseType
                    + "&scope=openid&nonce=n-1&state=s-1&redirect_uri=" + URLEncoder.encode(REDIRECT, StandardCharsets.UTF_8);
            HttpResponse<String> page = client.send(HttpRequest.newBuilder(URI.create(auth)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            Matcher action = FORM_ACTION.matcher(page.body());
            assertThat(action.find()).as(page.body()).isTrue();
            String form = "username=" + URLEncoder.encode(username, StandardCharsets.UTF_8)
                    + "&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8) + "&credentialId=";
            String cookies = page.headers().allValues("set-cookie").stream().map(c -> c.split(";", 2)[0])
                    .collect(Collectors.joining("; "));
            HttpResponse<String> posted = client.send(HttpRequest.newBuilder(URI.create(action.group(1).replace("&amp;", "&")))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Cookie", cookies)
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
            return new BrowserlessLogin(posted.headers().firstValue("Location").orElse("(no redirect: " + posted.statusCode() + ")"));
        }

        /** A parameter of the redirect (query or fragment), or null. */
        String parameter(String name) {
            Matcher m = Pattern.compile("[?&#]" + Pattern.quote(name) + "=([^&]*)").matcher(location);
            return m.find() ? URLDecoder.decode(m.group(1), StandardCharsets.UTF_8) : null;
        }
    }
}
