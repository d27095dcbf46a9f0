package io.github.actas.keycloak.policy;

import java.time.Instant;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GrantConfigTest {

    @Test
    void roundTripsEveryField() {
        Grant grant = new Grant("id-1", "support-desk", "Support agents may act as customers", false,
                new Selector(List.of("admin*"), List.of("/support"), List.of("support-agent"), List.of("ticket-service"),
                        List.of("ci-*")),
                new Selector(List.of("user_*"), List.of("/customers"), List.of("customer"), List.of()),
                new Selector(List.of("user_vip"), List.of("/customers/vip"), List.of("vip"), List.of()),
                EnumSet.of(Mode.IMPERSONATE, Mode.GROUP), List.of("*"), 1800, true, "[A-Z]+-[0-9]+", "T-1234", "2",
                true, true, Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2027-01-01T00:00:00Z"), true);
        Map<String, List<String>> config = GrantConfig.toConfig(grant);
        assertThat(GrantConfig.fromConfig("id-1", "support-desk", config)).isEqualTo(grant);
        assertThat(config.get("actors.users")).containsExactly("admin*");
        assertThat(config.get("actors.serviceAccounts")).containsExactly("ci-*");
        assertThat(config.get("targets.exclude.users")).containsExactly("user_vip");
        assertThat(config.get("modes")).containsExactly("impersonate", "group");
    }

    @Test
    void absentKeysTakeDefaults() {
        Map<String, List<String>> config = new HashMap<>();
        config.put("actors.users", List.of("a"));
        Grant grant = GrantConfig.fromConfig(null, "n", config);
        assertThat(grant.enabled()).isTrue();
        assertThat(grant.requireReason()).isFalse();
        assertThat(grant.allowPrivilegedTargets()).isFalse();
        assertThat(grant.maxDurationSeconds()).isNull();
        assertThat(grant.modes()).isEmpty();
    }

    @Test
    void refusesUnknownKeysAndMalformedValuesNamingTheKey() {
        assertThatThrownBy(() -> GrantConfig.fromConfig(null, "n", Map.of("actor.users", List.of("a"))))
                .isInstanceOfSatisfying(GrantValidationException.class, e -> assertThat(e.field()).isEqualTo("actor.users"));
        assertThatThrownBy(() -> GrantConfig.fromConfig(null, "n", Map.of("maxDurationSeconds", List.of("soon"))))
                .isInstanceOfSatisfying(GrantValidationException.class, e -> assertThat(e.field()).isEqualTo("maxDurationSeconds"));
        assertThatThrownBy(() -> GrantConfig.fromConfig(null, "n", Map.of("notAfter", List.of("tomorrow"))))
                .isInstanceOfSatisfying(GrantValidationException.class, e -> assertThat(e.field()).isEqualTo("notAfter"));
        assertThatThrownBy(() -> GrantConfig.fromConfig(null, "n", Map.of("enabled", List.of("yes"))))
                .isInstanceOfSatisfying(GrantValidationException.class, e -> assertThat(e.field()).isEqualTo("enabled"));
        assertThatThrownBy(() -> GrantConfig.fromConfig(null, "n", Map.of("modes", List.of("sudo"))))
                .isInstanceOfSatisfying(GrantValidationException.class, e -> assertThat(e.field()).isEqualTo("modes"));
        assertThatThrownBy(() -> GrantConfig.fromConfig(null, "n", Map.of("requireAcr", List.of("1", "2"))))
                .isInstanceOfSatisfying(GrantValidationException.class, e -> assertThat(e.field()).isEqualTo("requireAcr"));
    }
}
