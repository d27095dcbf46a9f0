package io.github.actas.keycloak.audit.delivery;

import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

class InListPaddingTest {

    @Test
    void listsArePaddedToAPowerOfTwoWithTheirLastId() {
        assertThat(Outbox.padded(List.of())).isEmpty();
        assertThat(Outbox.padded(List.of("a"))).containsExactly("a");
        assertThat(Outbox.padded(List.of("a", "b"))).containsExactly("a", "b");
        assertThat(Outbox.padded(List.of("a", "b", "c"))).containsExactly("a", "b", "c", "c");
        assertThat(Outbox.padded(List.of("a", "b", "c", "d", "e"))).hasSize(8).startsWith("a", "b", "c", "d", "e")
                .endsWith("e", "e", "e");
    }

    @Test
    void theLargestBatchHasElevenShapesAndStaysUnderOraclesThousandElementList() {
        assertThat(IntStream.rangeClosed(0, AuditSettings.MAX_BATCH_SIZE)
                .map(n -> Outbox.padded(IntStream.range(0, n).mapToObj(Integer::toString).toList()).size())
                .distinct().boxed().toList()).containsExactly(0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512);
    }
}
