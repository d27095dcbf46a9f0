package io.github.actas.keycloak.benchmarks;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

import io.github.actas.keycloak.harness.Http;
import io.github.actas.keycloak.harness.KeycloakServer;

/**
 * A realm of a given size for the scale benchmark, built the fast way each part allows: users by Keycloak's
 * partial import (thousands a request) in a tree of units and teams, the first {@value #API_GRANTS} grants through
 * the Act-As API (each validated, as an administrator's would be) and the rest as copies of their stored form
 * straight into Keycloak's component tables (each grant created costs Keycloak a reload of all the realm's
 * components: 10,000 through the API would take hours), live acting sessions through the token-exchange door,
 * and the bulk of old audit records straight into PostgreSQL (a million through the API would take hours and
 * measure nothing the API's tests do not).
 *
 * <p>Shape: {@value #AGENTS} agents ({@code agent-00}…), each holding the grants of its own units; users
 * {@code user-000000}… in {@code /org/unit-NNN/team-N}, a thousand a unit.
 */
final class ScaleRealm {

    static final String REALM = "scale";
    static final int AGENTS = 100;
    static final int USERS_PER_UNIT = 1000;
    static final String PASSWORD = "scale-pass";
    /** Grants created through the API; more are inserted in bulk. */
    static final int API_GRANTS = 1000;

    private final KeycloakServer server;
    private final ScaleDatabase database;
    private final Supplier<String> adminToken;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    ScaleRealm(KeycloakServer server, String jdbcUrl, Supplier<String> adminToken) {
        this.server = server;
        this.database = new ScaleDatabase(jdbcUrl);
        this.adminToken = adminToken;
    }

    static int units(int users) {
        return Math.max(1, (users + USERS_PER_UNIT - 1) / USERS_PER_UNIT);
    }

    static String username(int i) {
        return String.format("user-%06d", i);
    }

    static String agent(int a) {
        return String.format("agent-%02d", a);
    }

    /** The unit user {@code i} lives in, and a user agent {@code a} may act as (its grant covers that unit). */
    static int unitOf(int i) {
        return i / USERS_PER_UNIT;
    }

    static int targetOf(int agent, int nth, int users) {
        int unit = agent % units(users);
        return Math.min(users - 1, unit * USERS_PER_UNIT + nth % USERS_PER_UNIT);
    }

    void createRealm(int users) {
        List<Map<String, Object>> units = new ArrayList<>();
        for (int u = 0; u < units(users); u++) {
            List<Map<String, Object>> teams = new ArrayList<>();
            for (int t = 0; t < 10; t++) {
                teams.add(Map.of("name", "team-" + t));
            }
            units.add(Map.of("name", String.format("unit-%03d", u), "subGroups", teams));
        }
        Map<String, Object> realm = new LinkedHashMap<>();
        realm.put("realm", REALM);
        realm.put("enabled", true);
        realm.put("accessTokenLifespan", 3600);
        realm.put("groups", List.of(Map.of("name", "org", "subGroups", units)));
        realm.put("clients", List.of(
                Map.of("clientId", "exchange-app", "publicClient", false, "secret", "exchange-app-secret",
                        "standardFlowEnabled", false, "directAccessGrantsEnabled", true, "serviceAccountsEnabled", true,
                        "attributes", Map.of("standard.token.exchange.enabled", "true")),
                Map.of("clientId", "api", "publicClient", false, "secret", "api-secret", "standardFlowEnabled", false,
                        "serviceAccountsEnabled", true),
                Map.of("clientId", "portal", "publicClient", false, "secret", "portal-secret", "standardFlowEnabled", true,
                        "redirectUris", List.of("http://127.0.0.1:*"))));
        List<Map<String, Object>> people = new ArrayList<>();
        for (int a = 0; a < AGENTS; a++) {
            people.add(person(agent(a), "/org", true));
        }
        Map<String, Object> admin = person("scale-admin", "/org", true);
        admin.put("clientRoles", Map.of("realm-management", List.of("realm-admin")));
        people.add(admin);
        realm.put("users", people);
        check(Http.postJson(server.baseUrl() + "/admin/realms", adminToken.get(), realm), 201, "realm");
    }

    private static Map<String, Object> person(String username, String group, boolean password) {
        Map<String, Object> user = new LinkedHashMap<>();
        user.put("username", username);
        user.put("enabled", true);
        user.put("email", username + "@scale.example");
        user.put("emailVerified", true);
        user.put("firstName", username);
        user.put("lastName", "Scale");
        user.put("groups", List.of(group));
        if (password) {
            user.put("credentials", List.of(Map.of("type", "password", "value", PASSWORD, "temporary", false)));
        }
        return user;
    }

    /** Users {@code from} up to {@code to} (exclusive), by partial import in batches. */
    void addUsers(int from, int to) {
        int batch = 2000;
        for (int start = from; start < to; start += batch) {
            List<Map<String, Object>> users = new ArrayList<>();
            for (int i = start; i < Math.min(to, start + batch); i++) {
                users.add(person(username(i), String.format("/org/unit-%03d/team-%d", unitOf(i), i % 10), false));
            }
            check(Http.postJson(server.adminUrl(REALM) + "/partialImport", adminToken.get(),
                    Map.of("ifResourceExists", "SKIP", "users", users)), 200, "users from " + start);
        }
    }

    /** Grants {@code from} up to {@code to}: grant k lets agent k % 100 act as the users of unit (k % 100) % units. */
    void addGrants(int from, int to, int users) throws SQLException {
        long batchStart = System.nanoTime();
        int viaApi = Math.min(to, Math.max(from, API_GRANTS));
        for (int k = from; k < viaApi; k++) {
            if (k > from && k % 500 == 0) {
                // creating a grant is an admin action, not a request path; what it costs as grants grow is reported
                System.out.printf("grants %,d: %.1f ms per grant created over the last 500%n", k,
                        (System.nanoTime() - batchStart) / 1e6 / 500);
                batchStart = System.nanoTime();
            }
            createGrant(k, users);
        }
        if (to > viaApi) {
            bulkGrants(viaApi, to - 1, users);
            // the last one through the API: it bumps the grants revision, so every node compiles all of them
            createGrant(to - 1, users);
        }
    }

    private void createGrant(int k, int users) {
        check(Http.postJson(server.adminUrl(REALM) + "/act-as/grants", adminToken.get(), grant(k, users)), 201, "grant " + k);
    }

    private static Map<String, Object> grant(int k, int users) {
        int a = k % AGENTS;
        Map<String, Object> grant = new LinkedHashMap<>();
        grant.put("name", String.format("grant-%05d", k));
        grant.put("actors", Map.of("users", List.of(agent(a))));
        grant.put("targets", Map.of("groups", List.of(unitPath(a, users))));
        grant.put("modes", List.of("impersonate"));
        grant.put("clients", List.of("*"));
        grant.put("maxDurationSeconds", 3600);
        return grant;
    }

    private static String unitPath(int agent, int users) {
        return String.format("/org/unit-%03d", agent % units(users));
    }

    /** Grants {@code from}…{@code to - 1} copied in the database ({@link ScaleDatabase#copyGrants}), then read by Keycloak. */
    private void bulkGrants(int from, int to, int users) throws SQLException {
        long start = System.nanoTime();
        database.copyGrants(from, to, units(users));
        check(Http.postJson(server.adminUrl(REALM) + "/clear-realm-cache", adminToken.get(), ""), 204, "clear the realm cache");
        System.out.printf("grants %,d-%,d inserted in bulk in %d ms%n", from, to - 1, (System.nanoTime() - start) / 1_000_000);
    }

    /** The agents that hold a grant when the realm has {@code grants} of them. */
    static int agentsWithGrants(int grants) {
        return Math.max(1, Math.min(AGENTS, grants));
    }

    /**
     * Live acting sessions through the exchange door, 8 at a time: session s is agent s % agents acting as a user
     * of that agent's unit.
     */
    void addSessions(int count, int users, int agents) throws Exception {
        List<String> agentTokens = new ArrayList<>();
        for (int a = 0; a < agents; a++) {
            agentTokens.add(login(agent(a)));
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int s = 0; s < count; s++) {
                int a = s % agents;
                String target = username(targetOf(a, s / agents, users));
                String token = agentTokens.get(a);
                done.add(pool.submit(() -> {
                    HttpResponse<String> response = client.send(exchange(token, target), HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() != 200) {
                        throw new IllegalStateException("exchange as " + target + ": " + response.body());
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    HttpRequest exchange(String actorToken, String target) {
        return LoadRunner.post(server.realmUrl(REALM) + "/protocol/openid-connect/token",
                "grant_type", "urn:ietf:params:oauth:grant-type:token-exchange", "client_id", "exchange-app",
                "client_secret", "exchange-app-secret", "subject_token", actorToken,
                "subject_token_type", "urn:ietf:params:oauth:token-type:access_token", "requested_subject", target);
    }

    String login(String username) throws Exception {
        HttpResponse<String> response = client.send(LoadRunner.post(server.realmUrl(REALM) + "/protocol/openid-connect/token",
                "grant_type", "password", "client_id", "exchange-app", "client_secret", "exchange-app-secret",
                "username", username, "password", PASSWORD), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("login " + username + ": " + response.body());
        }
        return Http.JSON.readTree(response.body()).get("access_token").asText();
    }

    /**
     * Old audit records straight into the table, spread over the last 365 days, the agents as actors and the
     * realm's users as targets (by username and a synthetic id: the users' ids are Keycloak's).
     */
    void addAuditRecords(int count, int users) throws SQLException {
        String realmId = Http.get(server.adminUrl(REALM), adminToken.get()).json().get("id").asText();
        Map<String, String> agentIds = new LinkedHashMap<>();
        for (int a = 0; a < AGENTS; a++) {
            agentIds.put(agent(a), Http.get(server.adminUrl(REALM) + "/users?exact=true&username=" + agent(a),
                    adminToken.get()).json().get(0).get("id").asText());
        }
        database.insertAuditRecords(realmId, agentIds.values().toArray(String[]::new), count, users);
    }

    ScaleDatabase database() {
        return database;
    }

    URI realmUri() {
        return URI.create(server.realmUrl(REALM));
    }

    private static void check(Http.Response response, int expected, String what) {
        if (response.status() != expected) {
            throw new IllegalStateException(what + ": " + response);
        }
    }
}
