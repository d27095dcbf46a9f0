package io.github.actas.keycloak.it;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.actas.keycloak.harness.Http;
import io.github.actas.keycloak.harness.KeycloakServer;
import io.github.actas.keycloak.harness.Ports;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two Keycloak nodes clustered (Infinispan, JDBC-ping discovery) on a PostgreSQL database of their own:
 * grant changes, ended sessions and revoked keys on one node decide on the other; a rolling restart under
 * load keeps every acting session's hard end; audit records are delivered once in normal operation, and a
 * node killed in a burst of impersonations loses no record and leaves no session without its end record.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class) // the crash test kills node B: it runs last
class ClusterIT {

    private static final String REALM = "cluster-it";
    private static final String POSTGRES = System.getProperty("actas.postgres", "jdbc:postgresql://127.0.0.1:5432/");
    private static final String HOSTNAME = "http://act-as-cluster.test";

    private static String database;
    private static KeycloakServer nodeA;
    private static KeycloakServer nodeB;
    private static WebhookReceiver receiver;

    @BeforeAll
    static void startCluster() throws Exception {
        database = "actas_cluster_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        try (Connection c = DriverManager.getConnection(POSTGRES + "postgres", "postgres", "postgres")) {
            c.createStatement().execute("create database " + database);
        } catch (SQLException e) {
            Assumptions.abort("PostgreSQL is not reachable at " + POSTGRES + " (" + e.getMessage()
                    + "): the cluster test needs it; everything else runs without");
        }
        Path home = Path.of(System.getProperty("keycloak.home"));
        Path root = Path.of(System.getProperty("actas.cluster-dir", "target/cluster"));
        List<String> build = List.of("--db=postgres", "--cache=ispn", "--health-enabled=true");

        KeycloakServer.copyDistribution(home, root.resolve("node-a"));
        nodeA = KeycloakServer.of(root.resolve("node-a"), build, startOptions());
        nodeA.startFresh(Path.of(ClusterIT.class.getClassLoader().getResource("cluster-realms").toURI()));
        // node B is a copy of node A's built home: no second build
        KeycloakServer.copyDistribution(root.resolve("node-a"), root.resolve("node-b"));
        nodeB = KeycloakServer.of(root.resolve("node-b"), build, startOptions());
        nodeB.start();
    }

    private static List<String> startOptions() throws Exception {
        int jgroupsPort = Ports.free();
        return List.of("--db-url=" + POSTGRES + database, "--db-username=postgres", "--db-password=postgres",
                // one public name, so a token issued by either node is valid on both
                "--hostname=" + HOSTNAME,
                "--cache-embedded-network-bind-address=127.0.0.1",
                "--cache-embedded-network-bind-port=" + jgroupsPort,
                "--spi-act-as-audit--act-as-audit--poll-interval-millis=200",
                // sessions past their hard end are ended (and their end recorded) within two seconds
                "--spi-events-listener--act-as-sessions--purge-interval-seconds=2",
                "--spi-act-as-audit--act-as-audit--retry-base-millis=200",
                "--spi-act-as-audit--act-as-audit--retry-max-millis=2000",
                "--spi-act-as-audit--act-as-audit--lease-seconds=5",
                "--spi-act-as-audit--act-as-audit--webhook-private-networks=127.0.0.1/32");
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (receiver != null) {
            receiver.stop();
        }
        if (nodeB != null) {
            nodeB.stop();
        }
        List<String> errorsOfA = List.of();
        if (nodeA != null) {
            // The crash test kills node B on purpose; the cluster transport on node A complains about it.
            errorsOfA = nodeA.errorsSince(0).stream()
                    .filter(line -> !line.contains("[org.jgroups.") && !line.contains("[org.infinispan."))
                    .toList();
            nodeA.stop(); // before asserting: a failed assertion must not leave a server running
        }
        if (database != null) {
            try (Connection c = DriverManager.getConnection(POSTGRES + "postgres", "postgres", "postgres")) {
                c.createStatement().execute("drop database if exists " + database + " with (force)");
            }
        }
        assertThat(errorsOfA).as("errors logged by node A").isEmpty();
    }

    private static String admin(KeycloakServer node) {
        return Http.postForm(node.realmUrl("master") + "/protocol/openid-connect/token", Map.of("grant_type", "password",
                "client_id", "admin-cli", "username", KeycloakServer.ADMIN_USER, "password", KeycloakServer.ADMIN_PASSWORD))
                .json().get("access_token").asText();
    }

    private static boolean allowed(KeycloakServer node) {
        Http.Response response = Http.postJson(node.adminUrl(REALM) + "/act-as/explain", admin(node),
                "{\"actor\":\"admin1\",\"target\":\"user1\",\"client\":\"portal\"}");
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return response.json().get("allowed").asBoolean();
    }

    private static String grant(KeycloakServer node) {
        return grant(node, "clustered-" + UUID.randomUUID().toString().substring(0, 6), 3600);
    }

    /** admin1 may impersonate user* in portal under this grant; its sessions end after {@code seconds}. */
    private static String grant(KeycloakServer node, String name, int seconds) {
        Http.Response created = Http.postJson(node.adminUrl(REALM) + "/act-as/grants", admin(node), GrantJson.parse("""
                { "name": "%s", "actors": { "users": ["admin1"] }, "targets": { "users": ["user*"] },
                  "modes": ["impersonate"], "clients": ["portal"], "maxDurationSeconds": %d }
                """.formatted(name, seconds)));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return created.json().get("id").asText();
    }

    /** The grant that decides for admin1 → user1 in portal on {@code node} (null: none allows it). */
    private static String decidingGrant(KeycloakServer node) {
        Http.Response response = Http.postJson(node.adminUrl(REALM) + "/act-as/explain", admin(node),
                "{\"actor\":\"admin1\",\"target\":\"user1\",\"client\":\"portal\"}");
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return response.json().path("grant").isTextual() ? response.json().get("grant").asText() : null;
    }

    @Test
    @Order(1)
    void aGrantChangedOnOneNodeDecidesOnTheOther() {
        assertThat(allowed(nodeB)).isFalse();
        String id = grant(nodeA);
        Await.until("node B to see the grant created on node A", 20_000, () -> allowed(nodeB));
        assertThat(allowed(nodeA)).isTrue();
        assertThat(Http.delete(nodeB.adminUrl(REALM) + "/act-as/grants/" + id, admin(nodeB)).status()).isEqualTo(204);
        Await.until("node A to see the grant deleted on node B", 20_000, () -> !allowed(nodeA));
    }

    @Test
    @Order(2)
    void aGroupHasOnePrincipalOnBothNodesAndItsRemovalEndsItsSessionsOnBoth() throws Exception {
        String admin = admin(nodeA);
        String path = "/team-" + UUID.randomUUID().toString().substring(0, 6);
        assertThat(Http.postJson(nodeA.adminUrl(REALM) + "/groups", admin, Map.of("name", path.substring(1))).status())
                .isEqualTo(201);
        String groupId = Http.get(nodeA.adminUrl(REALM) + "/group-by-path" + path, admin).json().get("id").asText();
        Http.Response grant = Http.postJson(nodeA.adminUrl(REALM) + "/act-as/grants", admin, GrantJson.parse("""
                { "name": "clustered-groups-%s", "actors": { "users": ["admin1"] }, "targets": { "groups": ["%s"] },
                  "modes": ["group"], "clients": ["portal"] }
                """.formatted(groupId.substring(0, 6), path)));
        assertThat(grant.status()).as(grant.toString()).isEqualTo(201);
        Await.until("node B to see the group grant", 20_000, () -> Http.postJson(nodeB.adminUrl(REALM) + "/act-as/explain",
                admin(nodeB), Map.of("actor", "admin1", "group", path, "mode", "group", "client", "portal"))
                .json().path("allowed").asBoolean());

        // Both nodes are asked for the group for the first time at once: one principal, the same subject.
        Oidc onA = new Oidc(nodeA, REALM);
        Oidc onB = new Oidc(nodeB, REALM);
        String actorOnA = onA.login("portal", "admin1");
        String actorOnB = onB.login("portal", "admin1");
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<Http.Response> a = pool.submit(() -> onA.exchange("portal", "subject_token", actorOnA,
                    "subject_token_type", Oidc.ACCESS_TOKEN_TYPE, "requested_group", path, "scope", "openid"));
            Future<Http.Response> b = pool.submit(() -> onB.exchange("portal", "subject_token", actorOnB,
                    "subject_token_type", Oidc.ACCESS_TOKEN_TYPE, "requested_group", path, "scope", "openid"));
            Http.Response fromA = a.get();
            Http.Response fromB = b.get();
            assertThat(fromA.status()).as(fromA.toString()).isEqualTo(200);
            assertThat(fromB.status()).as(fromB.toString()).isEqualTo(200);
            String tokenA = fromA.json().get("access_token").asText();
            String tokenB = fromB.json().get("access_token").asText();
            assertThat(Oidc.claims(tokenA).get("sub").asText()).isEqualTo(Oidc.claims(tokenB).get("sub").asText());
            assertThat(onA.userinfo(tokenA).status()).isEqualTo(200);
            assertThat(onB.userinfo(tokenB).status()).isEqualTo(200);

            // Deleting the group on node B ends the group's sessions: neither token works on either node.
            assertThat(Http.delete(nodeB.adminUrl(REALM) + "/groups/" + groupId, admin(nodeB)).status()).isEqualTo(204);
            Await.until("both group sessions ended on both nodes", 20_000, () -> onA.userinfo(tokenA).status() == 401
                    && onB.userinfo(tokenA).status() == 401 && onA.userinfo(tokenB).status() == 401
                    && onB.userinfo(tokenB).status() == 401);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @Order(3)
    void aServiceAccountKeyIsStoredHashedAndItsRotationAndRevocationHoldOnBothNodes() throws Exception {
        String name = "cluster-" + UUID.randomUUID().toString().substring(0, 6);
        Http.Response created = Http.postJson(nodeA.adminUrl(REALM) + "/act-as/service-accounts", admin(nodeA),
                Map.of("name", name, "clients", List.of("portal")));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String id = created.json().get("id").asText();
        String key = created.json().get("key").asText();

        // The database holds the key's SHA-256, never the key.
        try (Connection c = DriverManager.getConnection(POSTGRES + database, "postgres", "postgres");
             var row = c.createStatement().executeQuery("select * from act_as_service_account where id = '" + id + "'")) {
            assertThat(row.next()).isTrue();
            for (int column = 1; column <= row.getMetaData().getColumnCount(); column++) {
                assertThat(String.valueOf(row.getObject(column))).as(row.getMetaData().getColumnName(column))
                        .doesNotContain(key).doesNotContain(key.substring(6, 30));
            }
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.US_ASCII));
            assertThat(row.getString("key_hash")).isEqualTo(HexFormat.of().formatHex(digest));
        }

        Oidc onA = new Oidc(nodeA, REALM);
        Oidc onB = new Oidc(nodeB, REALM);
        String[] keyForm = {"subject_token_type", "urn:io.github.actas:token-type:service-account-key", "scope", "openid"};
        Http.Response usedOnB = onB.exchange("portal", concat("subject_token", key, keyForm));
        assertThat(usedOnB.status()).as(usedOnB.toString()).isEqualTo(200);
        String tokenFromB = usedOnB.json().get("access_token").asText();

        // Rotated on A: the old key fails on B at once, the new one works there.
        String rotated = Http.postJson(nodeA.adminUrl(REALM) + "/act-as/service-accounts/" + id + "/rotate", admin(nodeA), "")
                .json().get("key").asText();
        assertThat(onB.exchange("portal", concat("subject_token", key, keyForm)).status()).isEqualTo(400);
        Http.Response newOnB = onB.exchange("portal", concat("subject_token", rotated, keyForm));
        assertThat(newOnB.status()).as(newOnB.toString()).isEqualTo(200);

        // Revoked on B: the key fails on A at once, and the tokens already issued stop working on both nodes.
        assertThat(Http.delete(nodeB.adminUrl(REALM) + "/act-as/service-accounts/" + id, admin(nodeB)).status()).isEqualTo(204);
        assertThat(onA.exchange("portal", concat("subject_token", rotated, keyForm)).status()).isEqualTo(400);
        Await.until("the key's tokens ended on both nodes", 20_000, () -> onA.userinfo(tokenFromB).status() == 401
                && onB.userinfo(tokenFromB).status() == 401);
    }

    private static String[] concat(String name, String value, String... more) {
        String[] all = new String[more.length + 2];
        all[0] = name;
        all[1] = value;
        System.arraycopy(more, 0, all, 2, more.length);
        return all;
    }

    @Test
    @Order(4)
    void aSessionEndedOnOneNodeIsEndedOnTheOtherAtOnce() {
        String grantId = grant(nodeA);
        try {
            Await.until("node B to see the grant", 20_000, () -> allowed(nodeB));
            Oidc onA = new Oidc(nodeA, REALM);
            Oidc onB = new Oidc(nodeB, REALM);
            Http.Response acting = onA.impersonate("portal", onA.login("portal", "admin1"), "user3",
                    "reason", "END-" + UUID.randomUUID().toString().substring(0, 6), "scope", "openid");
            assertThat(acting.status()).as(acting.toString()).isEqualTo(200);
            String token = acting.json().get("access_token").asText();
            assertThat(onB.userinfo(token).status()).isEqualTo(200);

            Http.Response ended = Http.delete(nodeA.adminUrl(REALM) + "/act-as/sessions?actor=admin1", admin(nodeA));
            assertThat(ended.status()).as(ended.toString()).isEqualTo(200);
            assertThat(ended.json().get("ended").asInt()).isPositive();
            // No waiting: the next request on node B already finds the session gone.
            assertThat(onB.userinfo(token).status()).as("the ended session's token on node B").isEqualTo(401);
        } finally {
            assertThat(Http.delete(nodeA.adminUrl(REALM) + "/act-as/grants/" + grantId, admin(nodeA)).status()).isEqualTo(204);
        }
    }

    /** A session started under load, as its client saw it. */
    private record Started(String accessToken, String refreshToken, long answeredMillis) {
    }

    @Test
    @Order(5)
    void aRollingRestartUnderLoadKeepsEveryActingSessionsHardEnd() throws Exception {
        int lifetime = 90;
        String name = "rolling-" + UUID.randomUUID().toString().substring(0, 6);
        String grantId = grant(nodeA, name, lifetime);
        try {
            Await.until("node B to see the grant", 20_000, () -> name.equals(decidingGrant(nodeB)));
            String reason = "ROLL-" + UUID.randomUUID().toString().substring(0, 6);
            String actor = new Oidc(nodeA, REALM).login("portal", "admin1");
            List<Started> started = new CopyOnWriteArrayList<>();
            AtomicInteger unanswered = new AtomicInteger();
            AtomicBoolean loading = new AtomicBoolean(true);
            // One client, round robin over both nodes; when a node is down (being restarted) the request goes to the
            // other, as a load balancer would send it.
            Thread load = new Thread(() -> {
                List<Oidc> nodes = List.of(new Oidc(nodeA, REALM), new Oidc(nodeB, REALM));
                for (int i = 0; loading.get(); i++) {
                    String[] form = {"reason", reason + "-" + i, "scope", "openid", "requested_token_type", Oidc.REFRESH_TOKEN_TYPE};
                    Http.Response response;
                    try {
                        response = nodes.get(i % 2).impersonate("portal", actor, "user" + (1 + i % 3), form);
                    } catch (RuntimeException down) {
                        try {
                            response = nodes.get((i + 1) % 2).impersonate("portal", actor, "user" + (1 + i % 3), form);
                        } catch (RuntimeException bothDown) {
                            unanswered.incrementAndGet();
                            continue;
                        }
                    }
                    if (response.status() == 200) {
                        started.add(new Started(response.json().get("access_token").asText(),
                                response.json().get("refresh_token").asText(), System.currentTimeMillis()));
                    } else {
                        unanswered.incrementAndGet();
                    }
                    TokenExchangeIT.sleep(100);
                }
            }, "rolling-load");
            load.start();
            try {
                TokenExchangeIT.sleep(3_000);
                nodeA.stop();
                nodeA.start();
                nodeB.stop();
                nodeB.start();
                TokenExchangeIT.sleep(3_000);
            } finally {
                loading.set(false);
                load.join(30_000);
            }
            System.out.printf("[ClusterIT] rolling restart under load: %d sessions started, %d requests not served (by a node stopping or starting)%n",
                    started.size(), unanswered.get());
            assertThat(started).hasSizeGreaterThan(20);

            // After both restarts every session still ends at its hard end: a refresh on either node gets tokens that
            // expire no later than it; once it has passed nothing works, no session is left, and each has its one
            // end record.
            Oidc onA = new Oidc(nodeA, REALM);
            Oidc onB = new Oidc(nodeB, REALM);
            long lastHardEnd = 0;
            for (int i = 0; i < started.size(); i++) {
                Started s = started.get(i);
                long hardEnd = s.answeredMillis() / 1000 + lifetime; // the session started before its answer
                lastHardEnd = Math.max(lastHardEnd, hardEnd);
                Http.Response again = (i % 2 == 0 ? onA : onB).refresh("portal", s.refreshToken());
                assertThat(again.status()).as(again.toString()).isEqualTo(200);
                assertThat(Oidc.claims(again.json().get("access_token").asText()).get("exp").asLong())
                        .as("the expiry of a refreshed token of a session started before the restarts")
                        .isLessThanOrEqualTo(hardEnd + 1);
            }
            TokenExchangeIT.sleep(Math.max(0, lastHardEnd * 1000 - System.currentTimeMillis() + 1_000));
            Await.until("every session of the rolling restart ended and recorded once", 60_000,
                    () -> endsRecorded(reason) && liveSessions(reason) == 0);
            for (Started s : started) {
                assertThat(onA.userinfo(s.accessToken()).status()).isEqualTo(401);
                assertThat(onB.refresh("portal", s.refreshToken()).status()).isEqualTo(400);
            }
        } finally {
            Http.delete(nodeA.adminUrl(REALM) + "/act-as/grants/" + grantId, admin(nodeA));
        }
    }

    /** Whether every session whose reason starts with {@code prefix} has exactly one end record. */
    private static boolean endsRecorded(String prefix) {
        try (Connection c = DriverManager.getConnection(POSTGRES + database, "postgres", "postgres");
             var result = c.createStatement().executeQuery("select session_id,"
                     + " sum(case when record_type = 'impersonation.started' then 1 else 0 end),"
                     + " sum(case when record_type in ('impersonation.ended', 'impersonation.revoked') then 1 else 0 end)"
                     + " from act_as_audit_record where reason like '" + prefix + "%' group by session_id")) {
            int sessions = 0;
            while (result.next()) {
                sessions++;
                if (result.getInt(2) != 1 || result.getInt(3) != 1) {
                    return false;
                }
            }
            return sessions > 0;
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    /** Registry rows (live acting sessions) whose reason starts with {@code prefix}. */
    private static long liveSessions(String prefix) {
        try (Connection c = DriverManager.getConnection(POSTGRES + database, "postgres", "postgres");
             var result = c.createStatement().executeQuery(
                     "select count(*) from act_as_session where reason like '" + prefix + "%'")) {
            result.next();
            return result.getLong(1);
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    @Order(6)
    void recordsAreDeliveredOnceAcrossNodesAndSurviveACrash() throws Exception {
        int port = Ports.free();
        String secret = WebhookReceiver.newSecret();
        receiver = new WebhookReceiver(port, secret, 3_000);
        receiver.start();
        assertThat(Http.postJson(nodeA.adminUrl(REALM) + "/act-as/audit/sinks", admin(nodeA), Map.of("name", "siem",
                "type", "webhook", "url", receiver.url(), "secret", secret, "timeoutMillis", 10_000)).status()).isEqualTo(201);
        String grantId = grant(nodeA);
        Await.until("node B to see the grant", 20_000, () -> allowed(nodeB));

        // Normal operation: both nodes take requests; each record reaches the receiver exactly once.
        Oidc onA = new Oidc(nodeA, REALM);
        Oidc onB = new Oidc(nodeB, REALM);
        String actor = onA.login("portal", "admin1");
        String reason = "CLUSTER-" + UUID.randomUUID().toString().substring(0, 6);
        for (int i = 0; i < 300; i++) {
            Oidc node = i % 2 == 0 ? onA : onB;
            Http.Response response = node.impersonate("portal", actor, "user" + (1 + i % 3), "reason", reason + "-" + i);
            assertThat(response.status()).as(response.toString()).isEqualTo(200);
        }
        List<String> ids = ids(nodeA, reason);
        assertThat(ids).hasSize(300);
        Await.until("300 records at the receiver", 60_000, () -> receiver.accepted().keySet().containsAll(ids));
        long duplicates = ids.stream().mapToLong(id -> receiver.accepted().get(id).get() - 1).sum();
        long byA = deliveredBy(nodeA);
        long byB = deliveredBy(nodeB);
        System.out.printf("[ClusterIT] 300 records over two nodes: %d duplicates; node A delivered %d, node B %d%n",
                duplicates, byA, byB);
        assertThat(duplicates).isZero();
        assertThat(byA).isPositive();
        assertThat(byB).isPositive();
        // Records their sinks take at once cost no outbox row: PostgreSQL's own counter of rows ever inserted
        // into the table stays at zero (backends report it within 10 s of going idle; waited for below).
        TokenExchangeIT.sleep(11_000);
        assertThat(outboxInserts()).as("outbox rows written while every record was delivered at once").isZero();

        // A crash in the middle of a burst of impersonations on node B, while it is sending records: every request
        // node B answered has its record, every record reaches the receiver (node A takes over when node B's lease
        // runs out; at least once: copies node B got out before dying are counted), and every session node B
        // started ends at its hard end with its end record, written by node A.
        assertThat(Http.delete(nodeA.adminUrl(REALM) + "/act-as/grants/" + grantId, admin(nodeA)).status()).isEqualTo(204);
        int lifetime = 30;
        String crashGrant = "crash-" + UUID.randomUUID().toString().substring(0, 6);
        String shortGrantId = grant(nodeA, crashGrant, lifetime);
        Await.until("node B to decide by the short grant", 20_000, () -> crashGrant.equals(decidingGrant(nodeB)));
        receiver.mode(WebhookReceiver.Mode.SLOW_OK);
        String crash = "CRASH-" + UUID.randomUUID().toString().substring(0, 6);
        List<String> answered = new CopyOnWriteArrayList<>();
        AtomicInteger sequence = new AtomicInteger();
        AtomicBoolean bursting = new AtomicBoolean(true);
        ExecutorService burst = Executors.newFixedThreadPool(4);
        for (int t = 0; t < 4; t++) {
            burst.submit(() -> {
                while (bursting.get()) {
                    String r = crash + "-" + sequence.getAndIncrement();
                    try {
                        Http.Response response = onB.impersonate("portal", actor, "user" + (1 + Math.floorMod(r.hashCode(), 3)),
                                "reason", r);
                        if (response.status() == 200) {
                            answered.add(r);
                        }
                    } catch (RuntimeException e) {
                        return; // node B is gone
                    }
                }
            });
        }
        Await.until("node B answering and sending", 30_000, () -> answered.size() >= 40 && receiver.deliveries().stream()
                .anyMatch(d -> d.event().get("data").get("reason").asText().startsWith(crash)));
        nodeB.kill();
        bursting.set(false);
        burst.shutdown();
        assertThat(burst.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        receiver.mode(WebhookReceiver.Mode.OK);
        List<String> crashIds = ids(nodeA, crash);
        List<String> recordedReasons = reasons(nodeA, crash);
        assertThat(recordedReasons).as("a record for every impersonation node B answered").containsAll(answered);
        Await.until("the records of the crashed node", 90_000, () -> receiver.accepted().keySet().containsAll(crashIds));
        long crashDuplicates = crashIds.stream().mapToLong(id -> receiver.accepted().get(id).get() - 1).sum();
        System.out.printf("[ClusterIT] crash of node B during a burst: %d impersonations answered, all %d records"
                + " delivered, %d more than once%n", answered.size(), crashIds.size(), crashDuplicates);
        assertThat(Files.readString(nodeA.logFile())).contains("Took over audit delivery from node");
        // the other side of the zero above: node A put node B's records into the outbox, and the counter shows it
        Await.until("the takeover's outbox rows to be counted", 30_000, () -> outboxInserts() > 0);
        Await.until("every session node B started ended at its hard end, its end recorded once", 30_000 + lifetime * 1000L,
                () -> endsRecorded(crash) && liveSessions(crash) == 0);
        Http.delete(nodeA.adminUrl(REALM) + "/act-as/grants/" + shortGrantId, admin(nodeA));
    }

    private static List<String> reasons(KeycloakServer node, String reasonPrefix) {
        JsonNode records = Http.get(node.adminUrl(REALM) + "/act-as/audit?max=1000&type=impersonation.started", admin(node)).json();
        List<String> reasons = new ArrayList<>();
        records.forEach(r -> {
            if (r.path("reason").asText().startsWith(reasonPrefix)) {
                reasons.add(r.get("reason").asText());
            }
        });
        return reasons;
    }

    /** Rows ever inserted into the outbox table of this test's database, as PostgreSQL's statistics count them. */
    private static long outboxInserts() {
        try (Connection c = DriverManager.getConnection(POSTGRES + database, "postgres", "postgres");
             var result = c.createStatement().executeQuery(
                     "select coalesce(sum(n_tup_ins), 0) from pg_stat_user_tables where lower(relname) = 'act_as_audit_outbox'")) {
            result.next();
            return result.getLong(1);
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    private static List<String> ids(KeycloakServer node, String reasonPrefix) {
        JsonNode records = Http.get(node.adminUrl(REALM) + "/act-as/audit?max=1000", admin(node)).json();
        List<String> ids = new ArrayList<>();
        records.forEach(r -> {
            if (r.path("reason").asText().startsWith(reasonPrefix)) {
                ids.add(r.get("id").asText());
            }
        });
        return ids;
    }

    private static long deliveredBy(KeycloakServer node) {
        return Http.get(node.baseUrl() + "/admin/serverinfo", admin(node)).json().get("providers").get("act-as-audit")
                .get("providers").get("act-as-audit").get("operationalInfo").get("delivered-by-this-node").asLong();
    }
}
