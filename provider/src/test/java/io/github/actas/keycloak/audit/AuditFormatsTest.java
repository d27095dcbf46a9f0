package io.github.actas.keycloak.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.actas.keycloak.policy.GrantValidationException;
import io.github.actas.keycloak.policy.Mode;
import org.junit.jupiter.api.Test;

class AuditFormatsTest {

    private static final AuditRecord STARTED = AuditRecord.builder(AuditTypes.STARTED, AuditRecord.ALLOWED)
            .id("rec-1").time(1_795_000_000_123L).realm("realm-id", "acme")
            .initiatingUser("a-id", "admin1").effectiveUser("u-id", "user_1").mode(Mode.IMPERSONATE)
            .grant("support-desk").reason("T-1").client("app").ipAddress("10.0.0.1").sessionId("s-1").tokenId("t-1")
            .build();

    @Test
    void recordJsonFollowsTheDesignContract() throws Exception {
        JsonNode json = new ObjectMapper().readTree(AuditJson.records(List.of(STARTED))).get(0);
        assertThat(json.get("id").asText()).isEqualTo("rec-1");
        assertThat(json.get("time").asText()).isEqualTo("2026-11-18T11:06:40.123Z");
        assertThat(json.get("realm").asText()).isEqualTo("acme");
        assertThat(json.get("type").asText()).isEqualTo("impersonation.started");
        assertThat(json.get("initiatingUser").get("username").asText()).isEqualTo("admin1");
        assertThat(json.get("effectiveUser").get("id").asText()).isEqualTo("u-id");
        assertThat(json.get("mode").asText()).isEqualTo("impersonate");
        assertThat(json.get("outcome").asText()).isEqualTo("allowed");
        assertThat(json.get("error").isNull()).isTrue();
        assertThat(json.has("effectiveGroup")).isFalse();
        assertThat(json.has("endedBy")).isFalse();
        assertThat(json.get("tokenId").asText()).isEqualTo("t-1");
    }

    @Test
    void timesKeepThreeFractionDigitsSoTheySortAsStrings() {
        String wholeSecond = AuditJson.timestamp(1_795_000_001_000L);
        String justBefore = AuditJson.timestamp(1_795_000_000_999L);
        assertThat(wholeSecond).isEqualTo("2026-11-18T11:06:41.000Z");
        assertThat(justBefore).isEqualTo("2026-11-18T11:06:40.999Z");
        assertThat(wholeSecond).isGreaterThan(justBefore);
        assertThat(AuditJson.timestamp(1_795_000_001_034L)).isGreaterThan(wholeSecond);
    }

    @Test
    void recordsOfAGroupAndOfAnEndedSessionCarryThoseFields() throws Exception {
        AuditRecord ended = AuditRecord.builder(AuditTypes.ENDED, AuditRecord.ALLOWED).id("rec-2").time(0)
                .realm("realm-id", "acme").initiatingUser("a-id", "admin1").effectiveGroup("/support")
                .endedBy("b-id", "admin2").reason("quote \" and\nnewline").build();
        JsonNode json = new ObjectMapper().readTree(AuditJson.records(List.of(STARTED, ended)));
        assertThat(json).hasSize(2);
        assertThat(json.get(1).get("effectiveGroup").asText()).isEqualTo("/support");
        assertThat(json.get(1).has("effectiveUser")).isFalse();
        assertThat(json.get(1).get("endedBy").get("username").asText()).isEqualTo("admin2");
        assertThat(json.get(1).get("reason").asText()).isEqualTo("quote \" and\nnewline");
        assertThat(json.get(1).get("time").asText()).isEqualTo("1970-01-01T00:00:00.000Z");
        assertThat(new ObjectMapper().readTree(AuditJson.records(List.of()))).isEmpty();
    }

    @Test
    void cloudEventWrapsTheRecord() throws Exception {
        JsonNode event = new ObjectMapper().readTree(AuditJson.cloudEvent(STARTED));
        assertThat(event.get("specversion").asText()).isEqualTo("1.0");
        assertThat(event.get("id").asText()).isEqualTo("rec-1");
        assertThat(event.get("type").asText()).isEqualTo("io.github.actas.impersonation.started");
        assertThat(event.get("source").asText()).isEqualTo("/realms/acme/act-as");
        assertThat(event.get("subject").asText()).isEqualTo("u-id");
        assertThat(event.get("datacontenttype").asText()).isEqualTo("application/json");
        assertThat(event.get("data").get("grant").asText()).isEqualTo("support-desk");
    }

    @Test
    void cloudEventBatchIsAnArrayOfStructuredEvents() throws Exception {
        AuditRecord second = AuditRecord.builder(AuditTypes.TOKEN_ISSUED, AuditRecord.ALLOWED).id("rec-2").time(0)
                .realm("realm-id", "acme").initiatingUser("a-id", "admin1").effectiveUser("u-id", "user_1").build();
        JsonNode batch = new ObjectMapper().readTree(AuditJson.cloudEventBatch(List.of(STARTED, second)));
        assertThat(batch.isArray()).isTrue();
        assertThat(batch).hasSize(2);
        assertThat(batch.get(0)).isEqualTo(new ObjectMapper().readTree(AuditJson.cloudEvent(STARTED)));
        assertThat(batch.get(1).get("id").asText()).isEqualTo("rec-2");
        assertThat(batch.get(1).get("type").asText()).isEqualTo("io.github.actas.token.issued");
    }

    @Test
    void batchIdIsStableForTheSameRecordsAndDiffersOtherwise() {
        AuditRecord other = AuditRecord.builder(AuditTypes.DENIED, AuditRecord.DENIED).id("rec-9").time(0)
                .realm("realm-id", "acme").build();
        String id = WebhookSignature.batchId(List.of(STARTED, other));
        assertThat(id).startsWith("batch_").matches("batch_[A-Za-z0-9_-]{24}");
        assertThat(WebhookSignature.batchId(List.of(STARTED, other))).isEqualTo(id);
        assertThat(WebhookSignature.batchId(List.of(other, STARTED))).isNotEqualTo(id);
        assertThat(WebhookSignature.batchId(List.of(STARTED))).isNotEqualTo(id);
    }

    @Test
    void logLineLeadsWithActorAsTargetAndQuotesWhatNeedsIt() {
        assertThat(LogLine.of(STARTED)).startsWith("admin1 as (user_1) type=impersonation.started outcome=allowed"
                + " mode=impersonate grant=support-desk reason=T-1 client=app");
        AuditRecord tricky = AuditRecord.builder(AuditTypes.DENIED, AuditRecord.DENIED)
                .initiatingUser(null, "admin1").effectiveUser(null, "user_1")
                .reason("ticket 7 grant=all \"x\"\nfake=1").build();
        assertThat(LogLine.of(tricky)).contains("reason=\"ticket 7 grant=all \\\"x\\\"\\u000afake=1\"");
        AuditRecord grant = AuditRecord.builder(AuditTypes.GRANT_CREATED, AuditRecord.ALLOWED)
                .initiatingUser(null, "acme-admin").grant("g").build();
        assertThat(LogLine.of(grant)).startsWith("acme-admin type=grant.created");
    }

    @Test
    void backoffDoublesIsCappedAndJittered() {
        Backoff backoff = new Backoff(1_000, 60_000);
        assertThat(backoff.delayMillis(1, 0.5)).isEqualTo(1_000);
        assertThat(backoff.delayMillis(2, 0.5)).isEqualTo(2_000);
        assertThat(backoff.delayMillis(5, 0.5)).isEqualTo(16_000);
        assertThat(backoff.delayMillis(30, 0.5)).isEqualTo(60_000);
        assertThat(backoff.delayMillis(1, 0.0)).isEqualTo(800);
        assertThat(backoff.delayMillis(1, 0.999)).isBetween(1_190L, 1_200L);
    }

    @Test
    void sinkConfigIsValidatedNamingTheField() {
        String secret = "whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[32]);
        AuditSinkConfig webhook = AuditSinkConfig.parse("id", "hook", Map.of("type", List.of("webhook"),
                "url", List.of("https://siem.example/hook"), "secret", List.of(secret)));
        assertThat(webhook.enabled()).isTrue();
        assertThat(webhook.timeoutMillis()).isEqualTo(AuditSinkConfig.DEFAULT_TIMEOUT_MILLIS);
        assertThat(webhook.signingKey()).hasSize(32);
        assertThat(webhook.batchSize()).isEqualTo(1);
        assertThat(webhook.batched()).isFalse();
        assertThat(AuditSinkConfig.parse("id", "hook", Map.of("type", List.of("webhook"), "url", List.of("https://x/y"),
                "secret", List.of(secret), "batchSize", List.of("100"))).batched()).isTrue();

        assertField(Map.of("type", List.of("syslog")), "type");
        assertField(Map.of(), "type");
        assertField(Map.of("type", List.of("webhook"), "secret", List.of(secret)), "url");
        assertField(Map.of("type", List.of("webhook"), "url", List.of("ftp://x/y"), "secret", List.of(secret)), "url");
        assertField(Map.of("type", List.of("webhook"), "url", List.of("not a url"), "secret", List.of(secret)), "url");
        assertField(Map.of("type", List.of("webhook"), "url", List.of("https://x/y")), "secret");
        assertField(Map.of("type", List.of("webhook"), "url", List.of("https://x/y"), "secret", List.of("plain")), "secret");
        assertField(Map.of("type", List.of("webhook"), "url", List.of("https://x/y"), "secret", List.of("whsec_AAAA")), "secret");
        assertField(Map.of("type", List.of("webhook"), "url", List.of("https://x/y"), "secret", List.of(secret),
                "timeoutMillis", List.of("5")), "timeoutMillis");
        assertField(Map.of("type", List.of("webhook"), "url", List.of("https://x/y"), "secret", List.of(secret),
                "batchSize", List.of("0")), "batchSize");
        assertField(Map.of("type", List.of("webhook"), "url", List.of("https://x/y"), "secret", List.of(secret),
                "batchSize", List.of("501")), "batchSize");
        assertField(Map.of("type", List.of("webhook"), "url", List.of("https://x/y"), "secret", List.of(secret),
                "batchSize", List.of("ten")), "batchSize");
        assertField(Map.of("type", List.of("log"), "batchSize", List.of("10")), "batchSize");
        assertField(Map.of("type", List.of("log"), "url", List.of("https://x/y")), "url");
        assertField(Map.of("type", List.of("log"), "color", List.of("red")), "color");
    }

    private static void assertField(Map<String, List<String>> config, String field) {
        assertThatThrownBy(() -> AuditSinkConfig.parse("id", "name", config))
                .isInstanceOfSatisfying(GrantValidationException.class, e -> assertThat(e.field()).isEqualTo(field));
    }
}
