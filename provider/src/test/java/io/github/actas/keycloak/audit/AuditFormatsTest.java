package io.github.actas.keycloak.audit;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.actas.keycloak.policy.Mode;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AuditFormatsTest {

    static final AuditRecord STARTED = TestRecord.of(RecordType.STARTED)
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
        AuditRecord ended = TestRecord.of(RecordType.ENDED).id("rec-2").time(0)
                .realm("realm-id", "acme").initiatingUser("a-id", "admin1").effectiveGroup("g-id", "/support")
                .endedBy("b-id", "admin2").reason("quote \" and\nnewline").build();
        JsonNode json = new ObjectMapper().readTree(AuditJson.records(List.of(STARTED, ended)));
        assertThat(json).hasSize(2);
        assertThat(json.get(1).get("effectiveGroup").get("path").asText()).isEqualTo("/support");
        assertThat(json.get(1).get("effectiveGroup").get("id").asText()).isEqualTo("g-id");
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
        AuditRecord second = TestRecord.of(RecordType.TOKEN_ISSUED).id("rec-2").time(0)
                .realm("realm-id", "acme").initiatingUser("a-id", "admin1").effectiveUser("u-id", "user_1").build();
        JsonNode batch = new ObjectMapper().readTree(AuditJson.cloudEventBatch(List.of(STARTED, second)));
        assertThat(batch.isArray()).isTrue();
        assertThat(batch).hasSize(2);
        assertThat(batch.get(0)).isEqualTo(new ObjectMapper().readTree(AuditJson.cloudEvent(STARTED)));
        assertThat(batch.get(1).get("id").asText()).isEqualTo("rec-2");
        assertThat(batch.get(1).get("type").asText()).isEqualTo("io.github.actas.token.issued");
    }

}
