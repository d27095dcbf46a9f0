package io.github.actas.keycloak.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

import io.github.actas.keycloak.harness.Http;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed and hostile token-exchange requests: each is answered 4xx with an RFC 6749 error body, never
 * a 5xx (the base class also fails if the server logged an uncaught error). Keycloak's token endpoint
 * strips control characters from form values before any provider sees them, so such values are not
 * malformed by the time Act-As reads them; Act-As refuses them itself on other paths.
 */
class MalformedExchangeIT extends KeycloakIT {

    private static final String A = Oidc.ACCESS_TOKEN_TYPE;
    private static Oidc oidc;
    private static Tokens tokens;

    /** Real tokens the cases are built from. */
    record Tokens(String actor, String user, String service, String idToken, String refreshToken) {
    }

    @BeforeAll
    static void realm() {
        ensureRealm(TokenExchangeIT.REALM);
        oidc = new Oidc(server, TokenExchangeIT.REALM);
        var login = oidc.loginResponse("portal", "admin1", "openid");
        tokens = new Tokens(login.get("access_token").asText(), oidc.login("svc", "user1"), oidc.clientCredentials("svc"),
                login.get("id_token").asText(), login.get("refresh_token").asText());
    }

    static Stream<Arguments> cases() {
        String longName = "u".repeat(300);
        return Stream.of(
                c("missing subject_token", "portal", t -> List.of("requested_subject", "user1", "subject_token_type", A)),
                c("empty subject_token", "portal", t -> List.of("subject_token", "", "subject_token_type", A, "requested_subject", "user1")),
                c("missing subject_token_type", "portal", t -> List.of("subject_token", t.actor(), "requested_subject", "user1")),
                c("subject_token_type id_token", "portal", t -> List.of("subject_token", t.actor(), "subject_token_type",
                        "urn:ietf:params:oauth:token-type:id_token", "requested_subject", "user1")),
                c("subject_token_type refresh_token", "portal", t -> List.of("subject_token", t.refreshToken(),
                        "subject_token_type", Oidc.REFRESH_TOKEN_TYPE, "requested_subject", "user1")),
                c("garbage subject_token", "portal", t -> List.of("subject_token", "not-a-token", "subject_token_type", A, "requested_subject", "user1")),
                c("three garbage segments", "portal", t -> List.of("subject_token", "a.b.c", "subject_token_type", A, "requested_subject", "user1")),
                c("unsigned (alg none) token", "portal", t -> List.of("subject_token", unsigned(t.actor()), "subject_token_type", A, "requested_subject", "user1")),
                c("tampered payload", "portal", t -> List.of("subject_token", tamperedPayload(t.actor()), "subject_token_type", A, "requested_subject", "user1")),
                c("ID token as subject_token", "portal", t -> List.of("subject_token", t.idToken(), "subject_token_type", A, "requested_subject", "user1")),
                c("refresh token as subject_token", "portal", t -> List.of("subject_token", t.refreshToken(), "subject_token_type", A, "requested_subject", "user1")),
                c("oversized subject_token", "portal", t -> List.of("subject_token", "x".repeat(70_000), "subject_token_type", A, "requested_subject", "user1")),
                c("empty requested_subject", "portal", t -> List.of("subject_token", t.actor(), "subject_token_type", A, "requested_subject", "")),
                c("unknown requested_subject", "portal", t -> impersonate(t, "no-such-user")),
                c("oversized requested_subject", "portal", t -> impersonate(t, longName)),
                c("newline in requested_subject", "portal", t -> impersonate(t, "user1\nadmin")),
                c("whitespace-only requested_subject", "portal", t -> impersonate(t, "   ")),
                c("SQL injection as requested_subject", "portal", t -> impersonate(t, "user1' OR '1'='1")),
                c("path traversal as requested_subject", "portal", t -> impersonate(t, "../../admin")),
                c("markup as requested_subject", "portal", t -> impersonate(t, "<script>alert(1)</script>")),
                c("LDAP wildcard as requested_subject", "portal", t -> impersonate(t, "*")),
                c("JSON as requested_subject", "portal", t -> impersonate(t, "{\"sub\":\"x\"}")),
                c("duplicate requested_subject", "portal", t -> List.of("subject_token", t.actor(), "subject_token_type", A,
                        "requested_subject", "user1", "requested_subject", "user2")),
                c("duplicate subject_token", "portal", t -> List.of("subject_token", t.actor(), "subject_token", t.actor(),
                        "subject_token_type", A, "requested_subject", "user1")),
                c("requested_subject with actor_token", "portal", t -> List.of("subject_token", t.actor(), "subject_token_type", A,
                        "requested_subject", "user1", "actor_token", t.service(), "actor_token_type", A)),
                c("actor_token without actor_token_type", "svc", t -> List.of("subject_token", t.user(), "subject_token_type", A,
                        "actor_token", t.service())),
                c("actor_token_type without actor_token", "svc", t -> List.of("subject_token", t.user(), "subject_token_type", A,
                        "actor_token_type", A)),
                c("empty actor_token", "svc", t -> List.of("subject_token", t.user(), "subject_token_type", A,
                        "actor_token", "", "actor_token_type", A)),
                c("garbage actor_token", "svc", t -> List.of("subject_token", t.user(), "subject_token_type", A,
                        "actor_token", "garbage", "actor_token_type", A)),
                c("wrong actor_token_type", "svc", t -> List.of("subject_token", t.user(), "subject_token_type", A,
                        "actor_token", t.service(), "actor_token_type", "urn:ietf:params:oauth:token-type:jwt")),
                c("actor_token issued to another client", "svc", t -> List.of("subject_token", t.user(), "subject_token_type", A,
                        "actor_token", t.actor(), "actor_token_type", A)),
                c("unknown act_as_mode", "svc", t -> List.of("subject_token", t.user(), "subject_token_type", A, "act_as_mode", "sudo")),
                c("act_as_mode impersonate without requested_subject", "portal", t -> List.of("subject_token", t.actor(),
                        "subject_token_type", A, "act_as_mode", "impersonate")),
                c("act_as_mode delegate with requested_subject", "portal", t -> List.of("subject_token", t.actor(),
                        "subject_token_type", A, "act_as_mode", "delegate", "requested_subject", "user1")),
                c("requested_group", "portal", t -> List.of("subject_token", t.actor(), "subject_token_type", A, "requested_group", "/customers")),
                c("unknown requested_group", "portal", t -> List.of("subject_token", t.actor(), "subject_token_type", A, "requested_group", "/nowhere")),
                c("empty requested_group", "portal", t -> List.of("subject_token", t.actor(), "subject_token_type", A, "requested_group", "")),
                c("empty reason", "portal", t -> plus(impersonate(t, "user1"), "reason", "")),
                c("oversized reason", "portal", t -> plus(impersonate(t, "user1"), "reason", "r".repeat(600))),
                c("whitespace-only reason", "portal", t -> plus(impersonate(t, "user1"), "reason", "   ")),
                c("unsupported requested_token_type", "portal", t -> plus(impersonate(t, "user1"), "requested_token_type", "urn:example:nope")),
                c("SAML requested_token_type", "portal", t -> plus(impersonate(t, "user1"), "requested_token_type",
                        "urn:ietf:params:oauth:token-type:saml2")),
                c("refresh token where the client has none", "portal", t -> plus(impersonate(t, "user1"), "requested_token_type",
                        Oidc.REFRESH_TOKEN_TYPE)),
                c("unknown audience", "portal", t -> plus(impersonate(t, "user1"), "audience", "no-such-client")),
                c("invalid scope", "portal", t -> plus(impersonate(t, "user1"), "scope", "definitely-not-a-scope")),
                c("subject_issuer", "portal", t -> plus(impersonate(t, "user1"), "subject_issuer", "https://evil.example")),
                c("requested_issuer", "portal", t -> plus(impersonate(t, "user1"), "requested_issuer", "google")),
                c("delegation by a client without service account or actor_token", "svc-noaccount", t -> List.of(
                        "subject_token", t.user(), "subject_token_type", A, "act_as_mode", "delegate")),
                c("subject token not meant for this client", "svc-b", t -> List.of("subject_token", t.actor(),
                        "subject_token_type", A, "act_as_mode", "delegate")),
                c("wrong client secret", null, t -> List.of("client_id", "portal", "client_secret", "wrong",
                        "subject_token", t.actor(), "subject_token_type", A, "requested_subject", "user1")),
                c("unknown client", null, t -> List.of("client_id", "ghost", "client_secret", "x",
                        "subject_token", t.actor(), "subject_token_type", A, "requested_subject", "user1")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void answeredWithAnOAuthError(String name, String client, Function<Tokens, List<String>> params) {
        List<String> form = new ArrayList<>(params.apply(tokens));
        Http.Response response;
        if (client == null) {
            List<String[]> pairs = new ArrayList<>();
            pairs.add(new String[] {"grant_type", Oidc.TOKEN_EXCHANGE});
            for (int i = 0; i < form.size(); i += 2) {
                pairs.add(new String[] {form.get(i), form.get(i + 1)});
            }
            response = Http.postForm(oidc.tokenUrl(), pairs);
        } else {
            response = oidc.exchange(client, form.toArray(String[]::new));
        }
        assertThat(response.status()).as(response.toString()).isBetween(400, 499);
        assertThat(response.json().get("error").asText()).as(response.toString()).isNotBlank();
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    private static Arguments c(String name, String client, Function<Tokens, List<String>> params) {
        return Arguments.of(name, client, params);
    }

    private static List<String> impersonate(Tokens t, String target) {
        return List.of("subject_token", t.actor(), "subject_token_type", A, "requested_subject", target);
    }

    private static List<String> plus(List<String> params, String name, String value) {
        List<String> out = new ArrayList<>(params);
        out.add(name);
        out.add(value);
        return out;
    }

    private static String unsigned(String jwt) {
        String header = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes());
        return header + "." + jwt.split("\\.")[1] + ".";
    }

    private static String tamperedPayload(String jwt) {
        String[] parts = jwt.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1])).replace("admin1", "admin2");
        return parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes()) + "." + parts[2];
    }
}
