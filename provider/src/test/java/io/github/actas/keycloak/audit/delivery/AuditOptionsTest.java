package io.github.actas.keycloak.audit.delivery;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.keycloak.Config;
import static org.assertj.core.api.Assertions.assertThat;

class AuditOptionsTest {

    /** Server options as Keycloak hands them to init: a scope answering from a map. */
    private static Config.Scope options(Map<String, String> values) {
        return new Config.SystemPropertiesScope("") {
            @Override
            public String get(String key) {
                return values.get(key);
            }
        };
    }

    private static Map<String, String> effective(Map<String, String> values) {
        ActAsAuditProviderFactory factory = new ActAsAuditProviderFactory();
        factory.init(options(values));
        return factory.getOperationalInfo();
    }

    @Test
    void defaultsApplyWithoutOptions() {
        Map<String, String> info = effective(Map.of());
        assertThat(info).containsEntry("batch-size", "500").containsEntry("max-in-flight", "16")
                .containsEntry("lease-seconds", "60").containsEntry("record-retention-days", "365");
    }

    @Test
    void aBatchSizeAboveTheMaximumIsCappedAndOneBelowOneRaised() {
        assertThat(effective(Map.of("batch-size", "5000"))).containsEntry("batch-size", "500");
        assertThat(effective(Map.of("batch-size", "0"))).containsEntry("batch-size", "1");
        assertThat(effective(Map.of("batch-size", "64"))).containsEntry("batch-size", "64");
    }
}
