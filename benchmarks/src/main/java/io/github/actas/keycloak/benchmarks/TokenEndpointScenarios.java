package io.github.actas.keycloak.benchmarks;

import java.net.http.HttpRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

import io.github.actas.keycloak.harness.KeycloakServer;

/** The token-endpoint scenarios every load benchmark measures, against one server with the bench realm. */
final class TokenEndpointScenarios {

    static final String REALM = "bench";
    static final String EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
    static final String ACCESS_TOKEN = "urn:ietf:params:oauth:token-type:access_token";
    static final int TARGETS = 50;
    /** Short audit retries (a backlog drains at once) and the loopback webhook receiver allowed. */
    static final List<String> SERVER_OPTIONS = List.of(
            "--spi-act-as-audit--act-as-audit--retry-base-millis=200",
            "--spi-act-as-audit--act-as-audit--retry-max-millis=1000",
            "--spi-act-as-audit--act-as-audit--webhook-private-networks=127.0.0.1/32");

    private TokenEndpointScenarios() {
    }

    /**
     * (a) client credentials, (b) Keycloak's standard exchange, (c) Act-As impersonation (repeated requests
     * reuse their Act-As session), (c') impersonation where every request starts a new session, (d) delegation.
     */
    static Map<String, IntFunction<HttpRequest>> of(LoadRunner load, KeycloakServer server) throws Exception {
        String token = server.realmUrl(REALM) + "/protocol/openid-connect/token";
        String actor = load.login(token, "bench-portal", "bench-admin");
        String[] users = new String[TARGETS];
        for (int i = 0; i < TARGETS; i++) {
            users[i] = load.login(token, "bench-svc", "bench-user-" + i);
        }
        Map<String, IntFunction<HttpRequest>> scenarios = new LinkedHashMap<>();
        scenarios.put("(a) client credentials", i -> LoadRunner.post(token, "grant_type", "client_credentials",
                "client_id", "bench-svc", "client_secret", "bench-svc-secret"));
        scenarios.put("(b) Keycloak standard exchange", i -> LoadRunner.post(token, "grant_type", EXCHANGE,
                "client_id", "bench-portal", "client_secret", "bench-portal-secret",
                "subject_token", actor, "subject_token_type", ACCESS_TOKEN));
        scenarios.put("(c) Act-As impersonation", i -> LoadRunner.post(token, "grant_type", EXCHANGE,
                "client_id", "bench-portal", "client_secret", "bench-portal-secret",
                "subject_token", actor, "subject_token_type", ACCESS_TOKEN, "requested_subject", "bench-user-" + (i % TARGETS)));
        // A distinct reason per request defeats session reuse: every exchange starts a new Act-As session.
        scenarios.put("(c') Act-As impersonation, new session each", i -> LoadRunner.post(token, "grant_type", EXCHANGE,
                "client_id", "bench-portal", "client_secret", "bench-portal-secret",
                "subject_token", actor, "subject_token_type", ACCESS_TOKEN, "requested_subject", "bench-user-" + (i % TARGETS),
                "reason", "R-" + i + "-" + System.nanoTime()));
        scenarios.put("(d) Act-As delegation", i -> LoadRunner.post(token, "grant_type", EXCHANGE,
                "client_id", "bench-svc", "client_secret", "bench-svc-secret",
                "subject_token", users[i % TARGETS], "subject_token_type", ACCESS_TOKEN, "act_as_mode", "delegate"));
        return scenarios;
    }
}
