package io.github.actas.keycloak.it;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.actas.keycloak.harness.Http;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

/** The token-exchange door, end to end against the real server. */
class TokenExchangeIT extends KeycloakIT {

    static final String REALM = "exchange-it";
    private static Oidc oidc;

    @BeforeAll
    static void realm() {
        ensureRealm(REALM);
        oidc = new Oidc(server, REALM);
    }

    private static String userId(String username) {
        return Http.get(server.adminUrl(REALM) + "/users?exact=true&username=" + username, masterAdminToken())
                .json().get(0).get("id").asText();
    }

    // --- impersonate ------------------------------------------------------------------------------

    @Test
    void impersonationIssuesTheTargetsTokenWithTheActorInAct() {
        String actorToken = oidc.login("portal", "admin1");
        long before = System.currentTimeMillis() / 1000;
        Http.Response response = oidc.impersonate("portal", actorToken, "user1", "scope", "openid", "reason", "T-1");
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        assertThat(response.json().get("issued_token_type").asText()).isEqualTo(Oidc.ACCESS_TOKEN_TYPE);

        String token = response.json().get("access_token").asText();
        JsonNode claims = Oidc.claims(token);
        assertThat(claims.get("sub").asText()).isEqualTo(userId("user1"));
        assertThat(claims.get("preferred_username").asText()).isEqualTo("user1");
        assertThat(claims.get("azp").asText()).isEqualTo("portal");
        JsonNode act = claims.get("act");
        assertThat(act.get("sub").asText()).isEqualTo(userId("admin1"));
        assertThat(act.get("preferred_username").asText()).isEqualTo("admin1");
        assertThat(act.get("iss").asText()).isEqualTo(oidc.issuer());
        assertThat(act.has("client_id")).isFalse();
        // grant portal-impersonation: maxDurationSeconds 600, realm access tokens live 300 s
        assertThat(claims.get("exp").asLong()).isLessThanOrEqualTo(before + 600 + 5);
        // Keycloak's own impersonation notes are set, so its "Impersonator" mappers work
        assertThat(claims.get("impersonator").get("id").asText()).isEqualTo(userId("admin1"));
        assertThat(claims.get("impersonator").get("username").asText()).isEqualTo("admin1");

        JsonNode idToken = Oidc.claims(response.json().get("id_token").asText());
        assertThat(idToken.get("sub").asText()).isEqualTo(userId("user1"));
        assertThat(idToken.get("act")).isEqualTo(act);

        Http.Response userinfo = oidc.userinfo(token);
        assertThat(userinfo.status()).as(userinfo.toString()).isEqualTo(200);
        assertThat(userinfo.json().get("sub").asText()).isEqualTo(userId("user1"));
        assertThat(userinfo.json().get("preferred_username").asText()).isEqualTo("user1");

        JsonNode introspection = oidc.introspect(token);
        assertThat(introspection.get("active").asBoolean()).isTrue();
        assertThat(introspection.get("sub").asText()).isEqualTo(userId("user1"));
        assertThat(introspection.get("act")).isEqualTo(act);
    }

    @Test
    void repeatingAnIdenticalRequestReusesItsActAsSession() {
        String actor = oidc.login("portal", "admin1");
        String first = oidc.impersonate("portal", actor, "user2", "reason", "R-1").json().get("access_token").asText();
        String again = oidc.impersonate("portal", actor, "user2", "reason", "R-1").json().get("access_token").asText();
        String otherReason = oidc.impersonate("portal", actor, "user2", "reason", "R-2").json().get("access_token").asText();
        String otherTarget = oidc.impersonate("portal", actor, "user3", "reason", "R-1").json().get("access_token").asText();
        String otherActorSession = oidc.impersonate("portal", oidc.login("portal", "admin1"), "user2", "reason", "R-1")
                .json().get("access_token").asText();

        String sid = Oidc.claims(first).get("sid").asText();
        assertThat(Oidc.claims(again).get("sid").asText()).isEqualTo(sid);
        // one impersonation, one hard end: the repeated request cannot extend it
        assertThat(Oidc.claims(again).get("exp").asLong()).isLessThanOrEqualTo(Oidc.claims(first).get("exp").asLong() + 600);
        assertThat(Oidc.claims(otherReason).get("sid").asText()).isNotEqualTo(sid);
        assertThat(Oidc.claims(otherTarget).get("sid").asText()).isNotEqualTo(sid);
        assertThat(Oidc.claims(otherActorSession).get("sid").asText()).isNotEqualTo(sid);
        assertThat(events("IMPERSONATE").findValues("details").stream()
                .filter(d -> "R-1".equals(d.path("act_as_reason").asText()) && "user2".equals(d.path("act_as_target").asText()))
                .map(d -> d.path("act_as_session_started").asText()).toList())
                .contains("true", "false");
    }

    @Test
    void aSessionNearItsEndIsSucceededOnceNotOnEveryRequest() {
        // grant brief: 6 s, so from 3 s before its end an identical request is not given the old session
        String actor = oidc.login("portal", "brief");
        String first = sid(oidc.impersonate("portal", actor, "user3", "reason", "R-9"));
        assertThat(sid(oidc.impersonate("portal", actor, "user3", "reason", "R-9"))).isEqualTo(first);
        sleep(4_000);
        String successor = sid(oidc.impersonate("portal", actor, "user3", "reason", "R-9"));
        String next = sid(oidc.impersonate("portal", actor, "user3", "reason", "R-9"));
        String another = sid(oidc.impersonate("portal", actor, "user3", "reason", "R-9"));
        assertThat(successor).isNotEqualTo(first);
        assertThat(next).isEqualTo(successor);
        assertThat(another).isEqualTo(successor);
    }

    private static String sid(Http.Response response) {
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return Oidc.claims(response.json().get("access_token").asText()).get("sid").asText();
    }

    @Test
    void targetMayBeNamedById() {
        Http.Response response = oidc.impersonate("portal", oidc.login("portal", "admin1"), userId("user2"));
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        assertThat(Oidc.claims(response.json().get("access_token").asText()).get("preferred_username").asText())
                .isEqualTo("user2");
    }

    @Test
    void lifetimeNeverExceedsTheGrantsMaximumDuration() {
        long before = System.currentTimeMillis() / 1000;
        Http.Response response = oidc.impersonate("portal-rt", oidc.login("portal-rt", "shorty"), "user1",
                "requested_token_type", Oidc.REFRESH_TOKEN_TYPE);
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        long after = System.currentTimeMillis() / 1000;
        JsonNode access = Oidc.claims(response.json().get("access_token").asText());
        JsonNode refresh = Oidc.claims(response.json().get("refresh_token").asText());
        // grant short-lived: 120 s, although the realm would give 300 s access and 1800 s sessions
        assertThat(access.get("exp").asLong()).isBetween(before + 119, after + 120);
        assertThat(refresh.get("exp").asLong()).isLessThanOrEqualTo(after + 120);
        assertThat(response.json().get("expires_in").asLong()).isLessThanOrEqualTo(120);

        Http.Response refreshed = oidc.refresh("portal-rt", response.json().get("refresh_token").asText());
        assertThat(refreshed.status()).as(refreshed.toString()).isEqualTo(200);
        JsonNode renewed = Oidc.claims(refreshed.json().get("access_token").asText());
        assertThat(renewed.get("exp").asLong()).isEqualTo(access.get("exp").asLong());
        assertThat(renewed.get("act").get("preferred_username").asText()).isEqualTo("shorty");
        assertThat(Oidc.claims(refreshed.json().get("refresh_token").asText()).get("exp").asLong())
                .isLessThanOrEqualTo(access.get("exp").asLong());
    }

    @Test
    void grantConditionsApplyReasonAndClients() {
        String actor = oidc.login("portal", "admin2");
        Http.Response noReason = oidc.impersonate("portal", actor, "needs-reason");
        assertThat(noReason.status()).isEqualTo(403);
        assertThat(noReason.json().get("error").asText()).isEqualTo("access_denied");
        assertThat(noReason.json().get("error_description").asText()).contains("reason");
        assertThat(oidc.impersonate("portal", actor, "needs-reason", "reason", "because").status()).isEqualTo(403);
        assertThat(oidc.impersonate("portal", actor, "needs-reason", "reason", "INC-42").status()).isEqualTo(200);

        // other-app is not among the grant's clients
        Http.Response otherClient = oidc.impersonate("other-app", oidc.login("other-app", "admin1"), "user1");
        assertThat(otherClient.status()).isEqualTo(403);
        assertThat(otherClient.json().get("error").asText()).isEqualTo("access_denied");
    }

    @Test
    void requireAcrIsCheckedAgainstTheActorTokensAcr() {
        String admin = masterAdminToken();
        String grantsUrl = server.adminUrl(REALM) + "/act-as/grants";
        String strong = Http.postJson(grantsUrl, admin, GrantJson.parse("""
                { "name": "needs-mfa", "actors": { "users": ["grant-actor"] }, "targets": { "users": ["user2"] },
                  "modes": ["impersonate"], "clients": ["portal"], "requireAcr": "2" }
                """)).json().get("id").asText();
        try {
            String actor = oidc.login("portal", "grant-actor"); // a password login: acr "1"
            assertThat(Oidc.claims(actor).get("acr").asText()).isEqualTo("1");
            Http.Response refused = oidc.impersonate("portal", actor, "user2");
            assertRefused(refused, 403, "access_denied", "stronger authentication");

            JsonNode weaker = Http.get(grantsUrl + "/" + strong, admin).json();
            ((ObjectNode) weaker).put("requireAcr", "1");
            assertThat(Http.putJson(grantsUrl + "/" + strong, admin, weaker).status()).isEqualTo(200);
            assertThat(oidc.impersonate("portal", actor, "user2").status()).isEqualTo(200);
        } finally {
            Http.delete(grantsUrl + "/" + strong, admin);
        }
    }

    @Test
    void audienceAndScopeDownScopingIsHonoured() {
        String actor = oidc.login("portal", "admin1");
        Http.Response narrowed = oidc.impersonate("portal", actor, "user1", "audience", "forger");
        assertThat(narrowed.status()).as(narrowed.toString()).isEqualTo(200);
        JsonNode claims = Oidc.claims(narrowed.json().get("access_token").asText());
        List<String> audience = new ArrayList<>();
        if (claims.get("aud").isArray()) {
            claims.get("aud").forEach(a -> audience.add(a.asText()));
        } else {
            audience.add(claims.get("aud").asText());
        }
        assertThat(audience).containsExactly("forger");
        assertThat(claims.get("scope").asText()).doesNotContain("openid");

        Http.Response withScope = oidc.impersonate("portal", actor, "user1", "scope", "openid email");
        assertThat(Oidc.claims(withScope.json().get("access_token").asText()).get("scope").asText()).contains("openid", "email");

        // an audience the grant does not list among its clients is refused (short-lived: portal, portal-rt)
        Http.Response notAllowed = oidc.impersonate("portal", oidc.login("portal", "shorty"), "user1", "audience", "api");
        assertRefused(notAllowed, 403, "access_denied", "audience 'api'");
    }

    // --- delegate ---------------------------------------------------------------------------------

    @Test
    void serviceDelegatesWithItsServiceAccountOrAnActorToken() {
        String userToken = oidc.login("svc", "user1");
        Http.Response implicitActor = oidc.exchange("svc", "subject_token", userToken,
                "subject_token_type", Oidc.ACCESS_TOKEN_TYPE, "act_as_mode", "delegate");
        assertThat(implicitActor.status()).as(implicitActor.toString()).isEqualTo(200);
        JsonNode claims = Oidc.claims(implicitActor.json().get("access_token").asText());
        assertThat(claims.get("sub").asText()).isEqualTo(userId("user1"));
        assertThat(claims.get("act").get("sub").asText()).isEqualTo(userId("service-account-svc"));
        assertThat(claims.get("act").get("client_id").asText()).isEqualTo("svc");

        Http.Response explicitActor = oidc.exchange("svc", "subject_token", userToken,
                "subject_token_type", Oidc.ACCESS_TOKEN_TYPE,
                "actor_token", oidc.clientCredentials("svc"), "actor_token_type", Oidc.ACCESS_TOKEN_TYPE);
        assertThat(explicitActor.status()).as(explicitActor.toString()).isEqualTo(200);
        JsonNode explicitClaims = Oidc.claims(explicitActor.json().get("access_token").asText());
        assertThat(explicitClaims.get("act").get("client_id").asText()).isEqualTo("svc");
        assertThat(explicitClaims.get("act").get("sub").asText()).isEqualTo(userId("service-account-svc"));
        assertThat(oidc.introspect(explicitActor.json().get("access_token").asText()).get("act"))
                .isEqualTo(explicitClaims.get("act"));
    }

    @Test
    void delegatingAnAlreadyDelegatedTokenNestsTheChain() {
        String delegated = oidc.exchange("svc", "subject_token", oidc.login("svc", "user2"),
                "subject_token_type", Oidc.ACCESS_TOKEN_TYPE, "act_as_mode", "delegate").json().get("access_token").asText();
        assertThat(Oidc.claims(delegated).get("aud").toString()).contains("svc-b");

        Http.Response chained = oidc.exchange("svc-b", "subject_token", delegated,
                "subject_token_type", Oidc.ACCESS_TOKEN_TYPE, "act_as_mode", "delegate");
        assertThat(chained.status()).as(chained.toString()).isEqualTo(200);
        JsonNode act = Oidc.claims(chained.json().get("access_token").asText()).get("act");
        assertThat(act.get("client_id").asText()).isEqualTo("svc-b");
        assertThat(act.get("act").get("client_id").asText()).isEqualTo("svc");
        assertThat(act.get("act").get("sub").asText()).isEqualTo(userId("service-account-svc"));
        assertThat(Oidc.claims(chained.json().get("access_token").asText()).get("sub").asText()).isEqualTo(userId("user2"));
    }

    @Test
    void aServiceWithoutADelegateGrantIsRefused() {
        Http.Response response = oidc.exchange("svc-nogrant", "subject_token", oidc.login("svc-nogrant", "user1"),
                "subject_token_type", Oidc.ACCESS_TOKEN_TYPE, "act_as_mode", "delegate");
        assertThat(response.status()).isEqualTo(403);
        assertThat(response.json().get("error").asText()).isEqualTo("access_denied");
    }

    // --- guards -----------------------------------------------------------------------------------

    @Test
    void guardsHoldThroughThisDoor() {
        String admin = oidc.login("portal", "admin1");
        assertRefused(oidc.impersonate("portal", admin, "admin1"), 403, "access_denied", "yourself");
        assertRefused(oidc.impersonate("portal", admin, "root-admin"), 403, "access_denied", null);
        assertRefused(oidc.impersonate("portal", admin, "user-disabled"), 403, "access_denied", null);

        // chained: the subject token is itself an Act-As token
        String impersonation = oidc.impersonate("portal", admin, "user1").json().get("access_token").asText();
        assertRefused(oidc.impersonate("portal", impersonation, "user2"), 403, "access_denied", "already acts");

        // a token of another realm, a tampered one, an expired one
        String acmeToken = Http.postForm(server.realmUrl("acme") + "/protocol/openid-connect/token", Map.of(
                "grant_type", "password", "client_id", "admin-cli", "username", "admin1", "password", "demo"))
                .json().get("access_token").asText();
        assertRefused(oidc.impersonate("portal", acmeToken, "user1"), 400, "invalid_request", "subject_token");
        String tampered = admin.substring(0, admin.lastIndexOf('.') + 1) + "AAAA" + admin.substring(admin.lastIndexOf('.') + 5);
        assertRefused(oidc.impersonate("portal", tampered, "user1"), 400, "invalid_request", "subject_token");
        String blinking = oidc.login("blink", "admin1");
        sleep(3_500);
        assertRefused(oidc.impersonate("blink", blinking, "user1"), 400, "invalid_request", "subject_token");

        // public clients and clients without token exchange enabled
        Http.Response publicLogin = Http.postForm(oidc.tokenUrl(), Map.of("grant_type", "password",
                "client_id", "public-app", "username", "admin1", "password", "pass"));
        Http.Response publicClient = Http.postForm(oidc.tokenUrl(), Map.of("grant_type", Oidc.TOKEN_EXCHANGE,
                "client_id", "public-app", "subject_token", publicLogin.json().get("access_token").asText(),
                "subject_token_type", Oidc.ACCESS_TOKEN_TYPE, "requested_subject", "user1"));
        assertRefused(publicClient, 400, "unauthorized_client", "public");
        assertRefused(oidc.impersonate("no-exchange", oidc.login("no-exchange", "admin1"), "user1"), 400,
                "unauthorized_client", "not enabled");

        // every refusal above is an IMPERSONATE_ERROR event with the reason
        JsonNode errors = events("IMPERSONATE_ERROR");
        assertThat(errors.size()).isGreaterThanOrEqualTo(8);
        assertThat(errors.findValuesAsText("error")).contains("not_allowed", "invalid_token");
        assertThat(errors.findValues("details").stream().map(d -> d.path("reason").asText()).toList())
                .anyMatch(r -> r.contains("yourself")).anyMatch(r -> r.contains("already acts"));
    }

    @Test
    void aForgingActMapperCannotChangeTheIssuedAct() {
        // "forger" adds a hard-coded act claim to every token it gets; the actor token comes from portal
        Http.Response response = oidc.impersonate("forger", oidc.login("portal", "admin1"), "user1", "scope", "openid");
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        String token = response.json().get("access_token").asText();
        JsonNode act = Oidc.claims(token).get("act");
        assertThat(act.get("sub").asText()).isEqualTo(userId("admin1"));
        assertThat(act.get("iss").asText()).isEqualTo(oidc.issuer());
        assertThat(Oidc.claims(response.json().get("id_token").asText()).get("act")).isEqualTo(act);
        assertThat(oidc.introspect(token).get("act")).isEqualTo(act);
        assertThat(response.body()).doesNotContain("forged-actor");
    }

    @Test
    void standardExchangeStillWorksWithoutActAsParameters() {
        Http.Response response = oidc.exchange("portal", "subject_token", oidc.login("portal", "user1"),
                "subject_token_type", Oidc.ACCESS_TOKEN_TYPE);
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        JsonNode claims = Oidc.claims(response.json().get("access_token").asText());
        assertThat(claims.get("preferred_username").asText()).isEqualTo("user1");
        assertThat(claims.has("act")).isFalse();
    }

    @Test
    void exchangingAnActAsTokenToAnotherClientFollowsTheGrantsClients() {
        String impersonation = oidc.impersonate("portal", oidc.login("portal", "admin1"), "user1")
                .json().get("access_token").asText();
        // forger is in the token's audience (and in the grant's clients): allowed, act and lifetime follow
        Http.Response allowed = oidc.exchange("forger", "subject_token", impersonation,
                "subject_token_type", Oidc.ACCESS_TOKEN_TYPE);
        assertThat(allowed.status()).as(allowed.toString()).isEqualTo(200);
        JsonNode claims = Oidc.claims(allowed.json().get("access_token").asText());
        assertThat(claims.get("act").get("preferred_username").asText()).isEqualTo("admin1");
        assertThat(claims.get("exp").asLong()).isLessThanOrEqualTo(Oidc.claims(impersonation).get("exp").asLong() + 600);
    }

    @Test
    void successesAreEventsNamingActorTargetModeGrantAndReason() {
        Http.Response response = oidc.impersonate("portal", oidc.login("portal", "admin1"), "user3", "reason", "EVT-1");
        assertThat(response.status()).isEqualTo(200);
        JsonNode event = null;
        for (JsonNode e : events("IMPERSONATE")) {
            if ("EVT-1".equals(e.path("details").path("act_as_reason").asText())) {
                event = e;
            }
        }
        assertThat(event).as("IMPERSONATE event with reason EVT-1").isNotNull();
        JsonNode details = event.get("details");
        assertThat(event.get("userId").asText()).isEqualTo(userId("user3"));
        assertThat(event.get("sessionId").asText()).isNotBlank();
        assertThat(details.get("impersonator").asText()).isEqualTo("admin1");
        assertThat(details.get("act_as_actor_id").asText()).isEqualTo(userId("admin1"));
        assertThat(details.get("act_as_target").asText()).isEqualTo("user3");
        assertThat(details.get("act_as_mode").asText()).isEqualTo("impersonate");
        assertThat(details.get("act_as_grant").asText()).isEqualTo("portal-impersonation");

        Http.Response delegation = oidc.exchange("svc", "subject_token", oidc.login("svc", "user3"),
                "subject_token_type", Oidc.ACCESS_TOKEN_TYPE, "act_as_mode", "delegate", "reason", "EVT-2");
        assertThat(delegation.status()).isEqualTo(200);
        assertThat(events("TOKEN_EXCHANGE").findValues("details").stream()
                .filter(d -> "EVT-2".equals(d.path("act_as_reason").asText())).toList())
                .singleElement()
                .satisfies(d -> {
                    assertThat(d.get("act_as_mode").asText()).isEqualTo("delegate");
                    assertThat(d.get("act_as_actor_client").asText()).isEqualTo("svc");
                    assertThat(d.get("act_as_grant").asText()).isEqualTo("svc-delegation");
                });
    }

    static JsonNode events(String type) {
        return Http.get(server.adminUrl(REALM) + "/events?type=" + type + "&max=500", masterAdminToken()).json();
    }

    static void assertRefused(Http.Response response, int status, String error, String descriptionContains) {
        assertThat(response.status()).as(response.toString()).isEqualTo(status);
        assertThat(response.json().get("error").asText()).as(response.toString()).isEqualTo(error);
        assertThat(response.json().get("error_description").asText()).isNotBlank();
        if (descriptionContains != null) {
            assertThat(response.json().get("error_description").asText()).contains(descriptionContains);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
