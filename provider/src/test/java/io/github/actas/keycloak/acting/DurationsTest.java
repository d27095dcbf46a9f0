package io.github.actas.keycloak.acting;

import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

class DurationsTest {

    @Test
    void usesTheLargestEvenUnit() {
        assertThat(Durations.describe(600)).isEqualTo("10 minutes");
        assertThat(Durations.describe(3600)).isEqualTo("1 hour");
        assertThat(Durations.describe(7200)).isEqualTo("2 hours");
        assertThat(Durations.describe(60)).isEqualTo("1 minute");
        assertThat(Durations.describe(8)).isEqualTo("8 seconds");
        assertThat(Durations.describe(1)).isEqualTo("1 second");
        assertThat(Durations.describe(90)).isEqualTo("1 minute 30 seconds");
        assertThat(Durations.describe(3660)).isEqualTo("61 minutes");
    }
}
