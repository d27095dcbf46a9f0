package io.github.actas.keycloak.audit.delivery;

import java.util.List;

import io.github.actas.keycloak.audit.Handover;
import io.github.actas.keycloak.audit.RecordType;
import io.github.actas.keycloak.audit.TestRecord;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

/** The in-flight registry: what this node's checkpoint may claim, and the order records are sent in. */
class InFlightTest {

    private static Handover.Pending committed(InFlight.Entry entry) {
        return new Handover.Pending(TestRecord.of(RecordType.TOKEN_ISSUED).id("r-" + entry.time()).time(entry.time()).build(),
                "sink");
    }

    @Test
    void theCheckpointStaysAtTheOldestRecordNotDealtWith() {
        InFlight inFlight = new InFlight();
        assertThat(inFlight.safeBefore(1_000)).isEqualTo(1_000);

        InFlight.Entry first = inFlight.open(1_010);
        InFlight.Entry second = inFlight.open(1_020);
        assertThat(inFlight.safeBefore(1_030)).as("open transactions hold it").isEqualTo(1_010);

        inFlight.commit(second, committed(second));
        inFlight.done(inFlight.take(10));
        assertThat(inFlight.safeBefore(1_040)).as("the second is delivered, the first still open").isEqualTo(1_010);

        inFlight.abandon(first);
        assertThat(inFlight.safeBefore(1_050)).as("nothing left").isEqualTo(1_050);
        assertThat(inFlight.size()).isZero();
    }

    @Test
    void timesNeverGoBackwardsPastAPublishedCheckpoint() {
        InFlight inFlight = new InFlight();
        assertThat(inFlight.safeBefore(5_000)).isEqualTo(5_000);
        // the wall clock steps back (NTP): a record written now must still count as after the checkpoint
        InFlight.Entry entry = inFlight.open(4_000);
        assertThat(entry.time()).isEqualTo(5_000);
        assertThat(inFlight.safeBefore(4_500)).isEqualTo(5_000);
    }

    @Test
    void readyRecordsAreSentOldestFirstAndARetryGoesBackToTheFront() {
        InFlight inFlight = new InFlight();
        InFlight.Entry a = inFlight.open(1);
        InFlight.Entry b = inFlight.open(2);
        InFlight.Entry c = inFlight.open(3);
        assertThat(inFlight.commit(a, committed(a))).isEqualTo(1);
        assertThat(inFlight.commit(b, committed(b))).isEqualTo(2);
        assertThat(inFlight.commit(c, committed(c))).isEqualTo(3);

        List<InFlight.Entry> batch = inFlight.take(2);
        assertThat(batch).containsExactly(a, b);
        assertThat(inFlight.readyCount()).isEqualTo(1);
        assertThat(inFlight.safeBefore(10)).as("sending is not delivered").isEqualTo(1);

        inFlight.retry(batch);
        assertThat(inFlight.take(3)).containsExactly(a, b, c);
    }

    @Test
    void overflowTakesTheOldestBeyondTheCapacity() {
        InFlight inFlight = new InFlight();
        for (int i = 0; i < 5; i++) {
            InFlight.Entry entry = inFlight.open(i);
            inFlight.commit(entry, committed(entry));
        }
        List<InFlight.Entry> moved = inFlight.overflow(2);
        assertThat(moved).extracting(InFlight.Entry::time).containsExactly(0L, 1L, 2L);
        assertThat(inFlight.readyCount()).isEqualTo(2);
        assertThat(inFlight.safeBefore(10)).as("moved records count until the outbox has them").isEqualTo(0);
        inFlight.done(moved);
        assertThat(inFlight.safeBefore(10)).isEqualTo(3);
        assertThat(inFlight.drainReady()).extracting(InFlight.Entry::time).containsExactly(3L, 4L);
    }

    @Test
    void theOldestOpenRecordIsFoundAmongCommittedOnes() {
        InFlight inFlight = new InFlight();
        InFlight.Entry committed = inFlight.open(1);
        InFlight.Entry open = inFlight.open(2);
        inFlight.commit(committed, committed(committed));
        assertThat(inFlight.oldestOpen()).isSameAs(open);
        inFlight.abandon(open);
        assertThat(inFlight.oldestOpen()).isNull();
    }
}
