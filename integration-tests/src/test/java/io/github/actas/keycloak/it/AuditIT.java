package io.github.actas.keycloak.it;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.actas.keycloak.harness.Http;
import io.github.actas.keycloak.harness.Ports;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

/** The audit pipeline end to end: real actions, the real server, a real HTTP receiver on loopback. */
class AuditIT extends KeycloakIT {

    private static final String REALM = "audit-it";
    private static Oidc oidc;
    private static WebhookReceiver receiver;
    private static String secret;
    private static String webhookId;

    @BeforeAll
    static void setUp() throws Exception {
        ensureRealm(REALM);
        oidc = new Oidc(server, REALM);
        int port = Ports.free();
        secret = WebhookReceiver.newSecret();
        receiver = new WebhookReceiver(port, secret, 2_000);
        receiver.start();
        String admin = masterAdminToken();
        Http.Response webhook = Http.postJson(sinksUrl(), admin, Map.of("name", "siem", "type", "webhook",
                "url", receiver.url(), "secret", secret, "timeoutMillis", 500));
        assertThat(webhook.status()).as(webhook.toString()).isEqualTo(201);
        webhookId = webhook.json().get("id").asText();
        assertThat(Http.postJson(sinksUrl(), admin, Map.of("name", "server-log", "type", "log")).status()).isEqualTo(201);
    }

    @AfterAll
    static void tearDown() {
        receiver.stop();
    }

    @BeforeEach
    void receiverWorks() {
        receiver.start(); // no-op when running
        receiver.mode(WebhookReceiver.Mode.OK);
    }

    private static String sinksUrl() {
        return server.adminUrl(REALM) + "/act-as/audit/sinks";
    }

    private static String auditUrl() {
        return server.adminUrl(REALM) + "/act-as/audit";
    }

    /** Impersonation with a refresh token, a unique reason identifying it in the trail. */
    private static JsonNode impersonate(String actorToken, String target, String reason) {
        Http.Response response = oidc.impersonate("portal", actorToken, target, "reason", reason,
                "requested_token_type", Oidc.REFRESH_TOKEN_TYPE);
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return response.json();
    }

    /** Records of the realm matching a query, newest first. */
    private static JsonNode records(String query) {
        Http.Response response = Http.get(auditUrl() + "?max=1000" + (query.isEmpty() ? "" : "&" + query), masterAdminToken());
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return response.json();
    }

    /** The ids of the records in a list (not the nested user ids). */
    private static List<String> ids(JsonNode records) {
        List<String> ids = new ArrayList<>();
        records.forEach(r -> ids.add(r.get("id").asText()));
        return ids;
    }

    private static List<String> idsWithReason(String reason) {
        return records("").findParents("reason").stream()
                .filter(r -> reason.equals(r.path("reason").asText())).map(r -> r.get("id").asText()).toList();
    }

    private static JsonNode sinkStatus() {
        for (JsonNode sink : Http.get(auditUrl() + "/status", masterAdminToken()).json()) {
            if (sink.get("id").asText().equals(webhookId)) {
                return sink;
            }
        }
        throw new AssertionError("webhook sink missing from status");
    }

    @Test
    void everyRecordTypeIsProducedByARealActionAndArrivesSigned() throws Exception {
        String admin = masterAdminToken();
        String tag = "ALL-" + UUID.randomUUID().toString().substring(0, 6);
        String since = "from=" + Instant.now().minusSeconds(1);

        // grant.created, grant.updated, grant.deleted
        ObjectNode grant = GrantJson.parse("""
                { "name": "%s", "actors": { "users": ["admin1"] }, "targets": { "users": ["user3"] },
                  "modes": ["impersonate"], "clients": ["portal"], "maxDurationSeconds": 3 }
                """.formatted(tag.toLowerCase()));
        JsonNode created = Http.postJson(server.adminUrl(REALM) + "/act-as/grants", admin, grant).json();
        ObjectNode changed = created.deepCopy();
        changed.put("description", "updated");
        assertThat(Http.putJson(server.adminUrl(REALM) + "/act-as/grants/" + created.get("id").asText(), admin, changed).status())
                .isEqualTo(200);

        // impersonation.started, then token.issued twice: the same request again (reuse) and a refresh
        String actor = oidc.login("portal", "admin1");
        JsonNode tokens = impersonate(actor, "user1", tag);
        impersonate(actor, "user1", tag);
        assertThat(oidc.refresh("portal", tokens.get("refresh_token").asText()).status()).isEqualTo(200);
        // impersonation.denied
        assertThat(oidc.impersonate("portal", actor, "nobody", "reason", tag).status()).isEqualTo(403);
        // impersonation.revoked: an administrator ends the session
        String sid = Oidc.claims(tokens.get("access_token").asText()).get("sid").asText();
        assertThat(Http.delete(server.adminUrl(REALM) + "/act-as/sessions/" + sid, admin).status()).isEqualTo(204);
        // impersonation.ended: the 3-second grant's session reaches its hard end untouched
        String shortReason = tag + "-short";
        impersonate(actor, "user3", shortReason);
        // impersonation.ended: the policy no longer allows a session at its refresh
        JsonNode doomed = impersonate(actor, "user2", tag + "-doomed");
        ObjectNode disabled = Http.get(server.adminUrl(REALM) + "/act-as/grants", admin).json().findParents("name").stream()
                .filter(g -> g.get("name").asText().equals("audited")).findFirst().orElseThrow().deepCopy();
        disabled.put("enabled", false);
        String auditedUrl = server.adminUrl(REALM) + "/act-as/grants/" + disabled.get("id").asText();
        assertThat(Http.putJson(auditedUrl, admin, disabled).status()).isEqualTo(200);
        assertThat(oidc.refresh("portal", doomed.get("refresh_token").asText()).status()).isEqualTo(400);
        disabled.put("enabled", true);
        assertThat(Http.putJson(auditedUrl, admin, disabled).status()).isEqualTo(200);
        assertThat(Http.delete(server.adminUrl(REALM) + "/act-as/grants/" + created.get("id").asText(), admin).status())
                .isEqualTo(204);

        Await.until("a record of every type", 30_000, () -> {
            Set<String> types = new HashSet<>(records(since).findValuesAsText("type"));
            return types.containsAll(List.of("grant.created", "grant.updated", "grant.deleted", "impersonation.started",
                    "token.issued", "impersonation.denied", "impersonation.revoked", "impersonation.ended"));
        });
        Await.until("the short session's end", 30_000, () -> records("type=impersonation.ended").findValuesAsText("reason").contains(shortReason));

        // Every record of this test reaches the webhook, signed, as a CloudEvent.
        JsonNode ofThisTest = records(since);
        List<String> stored = ids(ofThisTest);
        try {
            Await.until("all records at the webhook", 30_000, () -> receiver.accepted().keySet().containsAll(stored));
        } catch (AssertionError e) {
            StringBuilder missing = new StringBuilder();
            for (JsonNode r : ofThisTest) {
                if (!receiver.accepted().containsKey(r.get("id").asText())) {
                    missing.append('\n').append(r);
                }
            }
            throw new AssertionError("not delivered:" + missing + "\nstatus: " + sinkStatus(), e);
        }
        Set<String> arrivedTypes = new HashSet<>();
        for (WebhookReceiver.Delivery delivery : receiver.deliveries()) {
            assertThat(delivery.signatureValid()).as("signature of %s", delivery.id()).isTrue();
            assertThat(delivery.contentType()).isEqualTo("application/cloudevents+json");
            assertThat(delivery.event().get("specversion").asText()).isEqualTo("1.0");
            assertThat(delivery.event().get("id").asText()).isEqualTo(delivery.id());
            arrivedTypes.add(delivery.event().get("data").get("type").asText());
        }
        assertThat(arrivedTypes).containsAll(List.of("grant.created", "grant.updated", "grant.deleted",
                "impersonation.started", "token.issued", "impersonation.denied", "impersonation.revoked", "impersonation.ended"));

        // The record contract: initiating and effective user, grant, reason, client, outcome.
        JsonNode started = records("type=impersonation.started").findParents("reason").stream()
                .filter(r -> tag.equals(r.path("reason").asText())).findFirst().orElseThrow();
        assertThat(started.get("initiatingUser").get("username").asText()).isEqualTo("admin1");
        assertThat(started.get("effectiveUser").get("username").asText()).isEqualTo("user1");
        assertThat(started.get("grant").asText()).isEqualTo("audited");
        assertThat(started.get("client").asText()).isEqualTo("portal");
        assertThat(started.get("mode").asText()).isEqualTo("impersonate");
        assertThat(started.get("outcome").asText()).isEqualTo("allowed");
        assertThat(started.get("sessionId").asText()).isEqualTo(sid);
        assertThat(started.get("tokenId").asText()).isNotBlank();
        assertThat(started.get("realm").asText()).isEqualTo(REALM);
        JsonNode revoked = records("type=impersonation.revoked").findParents("sessionId").stream()
                .filter(r -> sid.equals(r.path("sessionId").asText())).findFirst().orElseThrow();
        assertThat(revoked.get("endedBy").get("username").asText()).isEqualTo("admin");
        assertThat(records("type=grant.created").findParents("grant").stream()
                .filter(r -> r.get("grant").asText().equals(tag.toLowerCase())).findFirst().orElseThrow()
                .get("initiatingUser").get("username").asText()).isEqualTo("admin");

        // The log sink: one line per record, "admin1 as (user1)" first.
        Await.until("the log line", 10_000, () -> logContains("admin1 as (user1) type=impersonation.started"));
        assertThat(Files.readString(server.logFile())).contains("reason=" + tag);
    }

    @Test
    void anOutageLosesNothing() {
        String reason = "OUT-" + UUID.randomUUID().toString().substring(0, 6);
        receiver.stop();
        String actor = oidc.login("portal", "admin1");
        for (int i = 0; i < 200; i++) {
            assertThat(oidc.impersonate("portal", actor, "user" + (1 + i % 3), "reason", reason).status()).isEqualTo(200);
        }
        List<String> ids = idsWithReason(reason);
        assertThat(ids).hasSize(200);
        Await.until("the webhook failing", 10_000, () -> sinkStatus().get("pending").asLong() > 0
                && !sinkStatus().path("lastError").asText().isEmpty());

        receiver.start();
        Await.until("all 200 records after the receiver came back", 60_000, () -> receiver.accepted().keySet().containsAll(ids));
        long duplicates = ids.stream().mapToLong(id -> receiver.accepted().get(id).get() - 1).sum();
        System.out.println("[AuditIT] outage: 200 records, all delivered, " + duplicates + " delivered more than once");
        Await.until("nothing pending", 30_000, () -> sinkStatus().get("pending").asLong() == 0);
    }

    @Test
    void aBatchedSinkSendsSignedCloudEventBatchesAndLosesNothingInAnOutage() throws Exception {
        int port = Ports.free();
        String batchSecret = WebhookReceiver.newSecret();
        WebhookReceiver batches = new WebhookReceiver(port, batchSecret, 2_000);
        String admin = masterAdminToken();
        Http.Response created = Http.postJson(sinksUrl(), admin, Map.of("name", "siem-batch", "type", "webhook",
                "url", batches.url(), "secret", batchSecret, "timeoutMillis", 500, "batchSize", 25));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String sinkUrl = sinksUrl() + "/" + created.json().get("id").asText();
        try {
            assertThat(Http.get(sinkUrl, admin).json().get("batchSize").asInt()).isEqualTo(25);
            String actor = oidc.login("portal", "admin1");

            // Receiver down: 60 impersonations are kept for it; back up: every record arrives, in batches.
            String reason = "BATCH-" + UUID.randomUUID().toString().substring(0, 6);
            for (int i = 0; i < 60; i++) {
                assertThat(oidc.impersonate("portal", actor, "user" + (1 + i % 3), "reason", reason).status()).isEqualTo(200);
            }
            List<String> ids = idsWithReason(reason);
            assertThat(ids).hasSize(60);
            batches.start();
            Await.until("all 60 records in batches", 60_000, () -> batches.accepted().keySet().containsAll(ids));

            List<WebhookReceiver.Delivery> requests = batches.deliveries();
            for (WebhookReceiver.Delivery request : requests) {
                assertThat(request.signatureValid()).as("signature of %s", request.id()).isTrue();
                assertThat(request.batch()).as(request.contentType()).isTrue();
                assertThat(request.id()).startsWith("batch_");
                assertThat(request.event().isArray()).isTrue();
                assertThat(request.event().size()).isBetween(1, 25);
                for (JsonNode event : request.event()) {
                    assertThat(event.get("specversion").asText()).isEqualTo("1.0");
                    assertThat(event.get("type").asText()).startsWith("io.github.actas.");
                    assertThat(event.get("data").get("id").asText()).isEqualTo(event.get("id").asText());
                }
            }
            long events = requests.stream().mapToLong(r -> r.event().size()).sum();
            assertThat(requests.size()).as("requests for %d events", events).isLessThan(ids.size());
            System.out.println("[AuditIT] batched sink: " + ids.size() + " records arrived in " + requests.size()
                    + " requests carrying " + events + " events");
        } finally {
            assertThat(Http.delete(sinkUrl, admin).status()).isEqualTo(204);
            batches.stop();
        }
    }

    /** Twenty impersonations by admin1 with reasons {@code prefix-0..19}: the ids of their records. */
    private static List<String> twentyImpersonations(String prefix) {
        String actor = oidc.login("portal", "admin1");
        for (int i = 0; i < 20; i++) {
            assertThat(oidc.impersonate("portal", actor, "user2", "reason", prefix + "-" + i).status()).isEqualTo(200);
        }
        List<String> ids = records("").findParents("reason").stream()
                .filter(r -> r.path("reason").asText().startsWith(prefix)).map(r -> r.get("id").asText()).toList();
        assertThat(ids).hasSize(20);
        return ids;
    }

    @Test
    void recordsPendingWhenKeycloakStopsAreDeliveredAfterItStarts() {
        String reason = "RESTART-" + UUID.randomUUID().toString().substring(0, 6);
        receiver.stop();
        List<String> ids = twentyImpersonations(reason);

        server.stop();
        receiver.start();
        server.start();
        Await.until("the 20 records after the restart", 60_000, () -> receiver.accepted().keySet().containsAll(ids));
    }

    @Test
    void recordsInFlightWhenKeycloakIsKilledAreDeliveredAfterItStarts() throws Exception {
        // A receiver that takes two seconds per record, within its sink's timeout: the server is still
        // sending when it is killed (no shutdown, nothing handed over), and the restarted server finds its
        // earlier run's checkpoint silent and delivers what that run may not have.
        int port = Ports.free();
        String slowSecret = WebhookReceiver.newSecret();
        WebhookReceiver slow = new WebhookReceiver(port, slowSecret, 2_000);
        slow.start();
        slow.mode(WebhookReceiver.Mode.SLOW_OK);
        String admin = masterAdminToken();
        Http.Response created = Http.postJson(sinksUrl(), admin, Map.of("name", "siem-slow", "type", "webhook",
                "url", slow.url(), "secret", slowSecret, "timeoutMillis", 10_000));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String sinkUrl = sinksUrl() + "/" + created.json().get("id").asText();
        try {
            String reason = "KILL-" + UUID.randomUUID().toString().substring(0, 6);
            List<String> ids = twentyImpersonations(reason);
            Await.until("the server sending", 10_000, () -> ids.stream().anyMatch(slow.accepted()::containsKey));
            // The embedded H2 writes committed transactions to its file within half a second: a kill right
            // after the requests would lose the records themselves, not only their delivery.
            TokenExchangeIT.sleep(2_000);

            server.kill();
            assertThat(ids.stream().filter(slow.accepted()::containsKey).count()).as("still sending when killed")
                    .isLessThan(ids.size());
            slow.mode(WebhookReceiver.Mode.OK);
            server.start();
            Await.until("the 20 records after the kill", 60_000, () -> slow.accepted().keySet().containsAll(ids));
            long duplicates = ids.stream().mapToLong(id -> slow.accepted().get(id).get() - 1).sum();
            System.out.println("[AuditIT] kill: 20 records in flight, all delivered after the restart, " + duplicates
                    + " more than once");
            assertThat(Pattern.compile("Took over audit delivery from node \\S+ \\(.*\\), silent since \\S+: "
                    + "[1-9][0-9]* records").matcher(Files.readString(server.logFile())).find())
                    .as("the restarted server took over its earlier run's records").isTrue();
        } finally {
            assertThat(Http.delete(sinkUrl, masterAdminToken()).status()).isEqualTo(204);
            slow.stop();
        }
    }

    @Test
    void aRefusalIsRecordedAndARolledBackActionIsNot() {
        String actor = oidc.login("portal", "admin1");
        String denied = "DENY-" + UUID.randomUUID().toString().substring(0, 6);
        assertThat(oidc.impersonate("portal", actor, "nobody", "reason", denied).status()).isEqualTo(403);
        JsonNode record = records("type=impersonation.denied").findParents("reason").stream()
                .filter(r -> denied.equals(r.path("reason").asText())).findFirst().orElseThrow();
        assertThat(record.get("outcome").asText()).isEqualTo("denied");
        assertThat(record.get("initiatingUser").get("username").asText()).isEqualTo("admin1");
        assertThat(record.get("effectiveUser").get("username").asText()).isEqualTo("nobody");
        assertThat(record.get("error").asText()).isEqualTo("NOT_PERMITTED");

        // The decision allows it and the session starts, but issuing fails (api2 cannot be in the token's
        // audience): the transaction rolls back, so no session and no record of one remain; the refusal does.
        String rolledBack = "ROLLBACK-" + UUID.randomUUID().toString().substring(0, 6);
        Http.Response response = oidc.impersonate("portal", actor, "user1", "reason", rolledBack, "audience", "api2");
        assertThat(response.status()).as(response.toString()).isEqualTo(400);
        List<String> types = records("").findParents("reason").stream()
                .filter(r -> rolledBack.equals(r.path("reason").asText())).map(r -> r.get("type").asText()).toList();
        assertThat(types).containsExactly("impersonation.denied");
        assertThat(Http.get(server.adminUrl(REALM) + "/act-as/sessions?actor=admin1", masterAdminToken()).json()
                .findValuesAsText("reason")).doesNotContain(rolledBack);
    }

    @Test
    void failingReceiversAreRetriedWithBackoffAndNothingIsLost() {
        String actor = oidc.login("portal", "admin1");
        Map<WebhookReceiver.Mode, String> expectedError = Map.of(
                WebhookReceiver.Mode.FAIL_500, "HTTP 500",
                WebhookReceiver.Mode.SLOW, "no answer from",
                WebhookReceiver.Mode.CLOSE, "without a response");
        for (Map.Entry<WebhookReceiver.Mode, String> failure : expectedError.entrySet()) {
            String reason = "FAIL-" + failure.getKey() + "-" + UUID.randomUUID().toString().substring(0, 6);
            receiver.mode(failure.getKey());
            assertThat(oidc.impersonate("portal", actor, "user3", "reason", reason).status()).isEqualTo(200);
            String id = idsWithReason(reason).get(0);
            Await.until(failure.getKey() + ": two failed attempts", 20_000, () -> receiver.attemptsOf(id).size() >= 2);
            Await.until(failure.getKey() + ": status shows the error", 10_000,
                    () -> sinkStatus().path("lastError").asText().contains(failure.getValue()));
            assertThat(sinkStatus().get("consecutiveFailures").asLong()).isGreaterThanOrEqualTo(1);

            receiver.mode(WebhookReceiver.Mode.OK);
            Await.until(failure.getKey() + ": delivered once the receiver recovers", 30_000,
                    () -> receiver.accepted().containsKey(id));
            assertThat(receiver.attemptsOf(id).size()).isGreaterThanOrEqualTo(3);
        }
        JsonNode status = sinkStatus();
        assertThat(status.get("failures").asLong()).isGreaterThanOrEqualTo(6);
        assertThat(Instant.parse(status.get("lastSuccess").asText())).isAfter(Instant.parse(status.get("lastErrorTime").asText()));
    }

    @Test
    void badSinkConfigurationIsRefusedNamingTheFieldAndSecretsAreNeverReturned() {
        String admin = masterAdminToken();
        Map<String, Map<String, Object>> cases = Map.of(
                "url", Map.of("name", "bad-url", "type", "webhook", "url", "ftp://x/y", "secret", secret),
                "secret", Map.of("name", "no-secret", "type", "webhook", "url", "https://siem.example/hook"),
                "type", Map.of("name", "bad-type", "type", "syslog"),
                "timeoutMillis", Map.of("name", "bad-timeout", "type", "webhook", "url", "https://x/y", "secret", secret,
                        "timeoutMillis", 5),
                "batchSize", Map.of("name", "bad-batch", "type", "webhook", "url", "https://x/y", "secret", secret,
                        "batchSize", 501),
                "color", Map.of("name", "bad-field", "type", "log", "color", "red"));
        for (Map.Entry<String, Map<String, Object>> bad : cases.entrySet()) {
            Http.Response response = Http.postJson(sinksUrl(), admin, bad.getValue());
            assertThat(response.status()).as(bad.getKey() + ": " + response).isEqualTo(400);
            assertThat(response.json().get("field").asText()).isEqualTo(bad.getKey());
        }
        Http.Response noSecret = Http.postJson(sinksUrl(), admin, Map.of("name", "plain-secret", "type", "webhook",
                "url", "https://x/y", "secret", "hunter2"));
        assertThat(noSecret.status()).isEqualTo(400);
        assertThat(noSecret.body()).doesNotContain("hunter2");

        JsonNode sinks = Http.get(sinksUrl(), admin).json();
        assertThat(sinks.toString()).doesNotContain(secret.substring(6));
        JsonNode webhook = Http.get(sinksUrl() + "/" + webhookId, admin).json();
        assertThat(webhook.get("secret").asText()).isEqualTo("**********");
        // Replacing without a secret keeps the stored one: delivery keeps working.
        ObjectNode renamed = webhook.deepCopy();
        renamed.remove("secret");
        renamed.put("timeoutMillis", 600);
        assertThat(Http.putJson(sinksUrl() + "/" + webhookId, admin, renamed).status()).isEqualTo(200);
        assertThat(Http.get(sinksUrl() + "/" + webhookId, admin).json().get("secret").asText()).isEqualTo("**********");

        // Reading sinks needs view-realm; the audit trail view-events (or the grant readers).
        assertThat(Http.get(sinksUrl(), token(REALM, "auditor", TEST_PASSWORD)).status()).isEqualTo(403);
        assertThat(Http.postJson(sinksUrl(), token(REALM, "auditor", TEST_PASSWORD), Map.of("name", "x", "type", "log"))
                .status()).isEqualTo(403);
    }

    @Test
    void theTrailFiltersPagesAndNeedsViewRights() {
        String actor = oidc.login("portal", "admin1");
        String reason = "QUERY-" + UUID.randomUUID().toString().substring(0, 6);
        Instant before = Instant.now().minusSeconds(1);
        for (String target : List.of("user1", "user2", "user3")) {
            assertThat(oidc.impersonate("portal", actor, target, "reason", reason).status()).isEqualTo(200);
        }
        assertThat(oidc.impersonate("portal", actor, "nobody", "reason", reason).status()).isEqualTo(403);
        Instant after = Instant.now().plusSeconds(1);
        String window = "from=" + before + "&to=" + after;

        JsonNode inWindow = records(window + "&actor=admin1");
        List<JsonNode> ours = inWindow.findParents("reason").stream().filter(r -> reason.equals(r.path("reason").asText())).toList();
        assertThat(ours).hasSize(4);
        assertThat(records(window + "&target=user2").findValuesAsText("reason")).contains(reason);
        assertThat(records(window + "&target=user2").findParents("effectiveUser").stream()
                .allMatch(r -> r.get("effectiveUser").path("username").asText().equals("user2"))).isTrue();
        assertThat(records(window + "&type=impersonation.denied").findParents("reason").stream()
                .filter(r -> reason.equals(r.path("reason").asText())).count()).isEqualTo(1);
        assertThat(records("to=" + before.minusSeconds(3600)).findValuesAsText("reason")).doesNotContain(reason);

        // Newest first, and pages that add up.
        List<String> all = ids(records(window));
        List<String> paged = new ArrayList<>();
        for (int first = 0; first < all.size(); first += 2) {
            paged.addAll(ids(Http.get(auditUrl() + "?" + window + "&first=" + first + "&max=2", masterAdminToken()).json()));
        }
        assertThat(paged).isEqualTo(all);
        // By keyset: each page starts after the last record of the one before, where its Link header points.
        List<String> keyset = new ArrayList<>();
        String next = auditUrl() + "?" + window + "&max=2";
        while (next != null) {
            Http.Response page = Http.get(next, masterAdminToken());
            assertThat(page.status()).as(page.toString()).isEqualTo(200);
            keyset.addAll(ids(page.json()));
            next = page.headers().firstValue("Link").map(link -> link.substring(link.indexOf('<') + 1, link.indexOf('>')))
                    .orElse(null);
        }
        assertThat(keyset).isEqualTo(all);
        assertThat(Http.get(auditUrl() + "?after=nope", masterAdminToken()).status()).isEqualTo(400);
        assertThat(Http.get(auditUrl() + "?after=" + all.get(0) + "&first=2", masterAdminToken()).status()).isEqualTo(400);
        // As strings: times always carry three fraction digits, so string order is time order.
        List<String> times = new ArrayList<>();
        records(window).forEach(r -> times.add(r.get("time").asText()));
        assertThat(times).isSortedAccordingTo(Comparator.reverseOrder());

        assertThat(Http.get(auditUrl() + "?type=nope", masterAdminToken()).status()).isEqualTo(400);
        assertThat(Http.get(auditUrl() + "?from=yesterday", masterAdminToken()).status()).isEqualTo(400);
        assertThat(Http.get(auditUrl(), null).status()).isEqualTo(401);
        assertThat(Http.get(auditUrl(), token(REALM, "nobody", TEST_PASSWORD)).status()).isEqualTo(403);
        assertThat(Http.get(auditUrl(), token(REALM, "auditor", TEST_PASSWORD)).status()).isEqualTo(200);
    }

    @Test
    void aRealmSetsItsOwnRetentionWhichIsValidatedAndTravelsWithTheRealm() {
        String url = server.adminUrl(REALM) + "/act-as/audit/retention";
        String admin = masterAdminToken();
        JsonNode initial = Http.get(url, admin).json();
        assertThat(initial.get("days").isNull()).isTrue();
        assertThat(initial.get("serverDays").asInt()).isEqualTo(365);
        assertThat(initial.get("effectiveDays").asInt()).isEqualTo(365);

        Http.Response set = Http.putJson(url, admin, Map.of("days", 30));
        assertThat(set.status()).as(set.toString()).isEqualTo(200);
        assertThat(set.json().get("effectiveDays").asInt()).isEqualTo(30);
        // a realm attribute: a realm export carries it
        assertThat(Http.get(server.adminUrl(REALM), admin).json().get("attributes").get("act-as.audit.retention-days").asText())
                .isEqualTo("30");

        for (String bad : List.of("{\"days\": -1}", "{\"days\": 36501}", "{\"days\": \"30\"}", "{\"days\": 30, \"x\": 1}", "")) {
            Http.Response refused = Http.putJson(url, admin, bad);
            assertThat(refused.status()).as(bad + " " + refused).isEqualTo(400);
            assertThat(refused.json().path("errorMessage").asText()).as(bad).isNotEmpty();
        }
        assertThat(Http.putJson(url, admin, "{\"days\": -1}").json().get("field").asText()).isEqualTo("days");
        assertThat(Http.get(url, admin).json().get("days").asInt()).as("unchanged by the refusals").isEqualTo(30);

        // The audit readers may see it; only manage-realm changes it.
        assertThat(Http.get(url, token(REALM, "auditor", TEST_PASSWORD)).json().get("effectiveDays").asInt()).isEqualTo(30);
        assertThat(Http.putJson(url, token(REALM, "auditor", TEST_PASSWORD), Map.of("days", 1)).status()).isEqualTo(403);
        assertThat(Http.get(url, token(REALM, "nobody", TEST_PASSWORD)).status()).isEqualTo(403);

        Http.Response reset = Http.putJson(url, admin, "{\"days\": null}");
        assertThat(reset.status()).as(reset.toString()).isEqualTo(200);
        assertThat(reset.json().get("days").isNull()).isTrue();
        assertThat(reset.json().get("effectiveDays").asInt()).isEqualTo(365);
    }

    private static boolean logContains(String text) {
        try {
            return Files.readString(server.logFile()).contains(text);
        } catch (IOException e) {
            return false;
        }
    }
}
