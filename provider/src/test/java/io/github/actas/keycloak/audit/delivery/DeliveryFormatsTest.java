package io.github.actas.keycloak.audit.delivery;

import java.util.Base64;
import java.util.List;
import java.util.Map;

import io.github.actas.keycloak.audit.AuditRecord;
import io.github.actas.keycloak.audit.RecordType;
import io.github.actas.keycloak.audit.TestRecord;
import io.github.actas.keycloak.policy.GrantValidationException;
import io.github.actas.keycloak.policy.Mode;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the sinks send: webhook batch ids, log lines; and their settings. */
class DeliveryFormatsTest {

    private static final AuditRecord STARTED = TestRecord.of(RecordType.STARTED)
            .id("rec-1").time(1_795_000_000_123L).realm("realm-id", "acme")
            .initiatingUser("a-id", "admin1").effectiveUser("u-id", "user_1").mode(Mode.IMPERSONATE)
            .grant("support-desk").reason("T-1").client("app").ipAddress("10.0.0.1").sessionId("s-1").tokenId("t-1")
            .build();

    @Test
    void batchIdIsStableForTheSameRecordsAndDiffersOtherwise() {
        AuditRecord other = TestRecord.of(RecordType.DENIED).id("rec-9").time(0)
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
        AuditRecord tricky = TestRecord.of(RecordType.DENIED)
                .initiatingUser(null, "admin1").effectiveUser(null, "user_1")
                .reason("ticket 7 grant=all \"x\"\nfake=1").build();
        assertThat(LogLine.of(tricky)).contains("reason=\"ticket 7 grant=all \\\"x\\\"\\u000afake=1\"");
        AuditRecord grant = TestRecord.of(RecordType.GRANT_CREATED)
                .initiatingUser(null, "acme-admin").grant("g").build();
        assertThat(LogLine.of(grant)).startsWith("acme-admin type=grant.created");
        AuditRecord group = TestRecord.of(RecordType.STARTED).initiatingUser("a-id", "admin1")
                .effectiveGroup("g-id", "/customers/eu").mode(Mode.GROUP).build();
        assertThat(LogLine.of(group)).startsWith("admin1 as (group:/customers/eu) type=impersonation.started");
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
        String secret = "whsec_" + Base64.getEncoder().encodeToString(new byte[32]);
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
