package io.github.actas.keycloak.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.actas.keycloak.harness.Http;
import io.github.actas.keycloak.harness.KeycloakServer;

/** OIDC calls the tests make, over plain HTTP against the real server. */
final class Oidc {

    static final String TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
    static final String ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";
    static final String REFRESH_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:refresh_token";

    private final KeycloakServer server;
    private final String realm;

    Oidc(KeycloakServer server, String realm) {
        this.server = server;
        this.realm = realm;
    }

    String tokenUrl() {
        return server.realmUrl(realm) + "/protocol/openid-connect/token";
    }

    /** Password grant through a confidential client (secret = clientId + "-secret"); returns the access token. */
    String login(String clientId, String username) {
        return loginResponse(clientId, username, null).get("access_token").asText();
    }

    JsonNode loginResponse(String clientId, String username, String scope) {
        Map<String, String> form = new LinkedHashMap<>(Map.of("grant_type", "password", "client_id", clientId,
                "client_secret", clientId + "-secret", "username", username, "password", "pass"));
        if (scope != null) {
            form.put("scope", scope);
        }
        Http.Response response = Http.postForm(tokenUrl(), form);
        assertThat(response.status()).as("login %s via %s: %s", username, clientId, response).isEqualTo(200);
        return response.json();
    }

    /** The status of a password grant (whether the password still works). */
    int loginStatus(String clientId, String username, String password) {
        return Http.postForm(tokenUrl(), Map.of("grant_type", "password", "client_id", clientId,
                "client_secret", clientId + "-secret", "username", username, "password", password)).status();
    }

    String clientCredentials(String clientId) {
        Http.Response response = Http.postForm(tokenUrl(), Map.of("grant_type", "client_credentials",
                "client_id", clientId, "client_secret", clientId + "-secret"));
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return response.json().get("access_token").asText();
    }

    /** A token exchange authenticated as {@code clientId}; {@code params} are added as given (repeatable). */
    Http.Response exchange(String clientId, String... params) {
        List<String[]> form = new ArrayList<>();
        form.add(new String[] {"grant_type", TOKEN_EXCHANGE});
        form.add(new String[] {"client_id", clientId});
        form.add(new String[] {"client_secret", clientId + "-secret"});
        for (int i = 0; i < params.length; i += 2) {
            form.add(new String[] {params[i], params[i + 1]});
        }
        return Http.postForm(tokenUrl(), form);
    }

    /** Impersonation: {@code actorToken} acts as {@code target}, through {@code clientId}. */
    Http.Response impersonate(String clientId, String actorToken, String target, String... extra) {
        List<String> params = new ArrayList<>(List.of("subject_token", actorToken, "subject_token_type", ACCESS_TOKEN_TYPE,
                "requested_subject", target));
        params.addAll(List.of(extra));
        return exchange(clientId, params.toArray(String[]::new));
    }

    Http.Response refresh(String clientId, String refreshToken) {
        return Http.postForm(tokenUrl(), Map.of("grant_type", "refresh_token", "client_id", clientId,
                "client_secret", clientId + "-secret", "refresh_token", refreshToken));
    }

    /** Introspection by the resource server {@code api}, which is in the test clients' token audience. */
    JsonNode introspect(String token) {
        Http.Response response = Http.postForm(tokenUrl() + "/introspect", Map.of("client_id", "api",
                "client_secret", "api-secret", "token", token));
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return response.json();
    }

    Http.Response userinfo(String token) {
        return Http.get(server.realmUrl(realm) + "/protocol/openid-connect/userinfo", token);
    }

    String issuer() {
        return server.realmUrl(realm);
    }

    /** The payload of a JWT, unverified (the server verified it). */
    static JsonNode claims(String jwt) {
        String[] parts = jwt.split("\\.");
        try {
            return Http.JSON.readTree(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("not a JWT: " + jwt, e);
        }
    }
}
