package io.github.actas.keycloak.audit;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Record ids: UUIDs in the version 7 layout (48 bits of milliseconds, then random bits). Unique without
 * coordination, increasing with time (friendly to the primary-key index), and drawn from
 * {@link ThreadLocalRandom}: the JDK's SecureRandom is one lock shared by every request thread, and an
 * audit id needs uniqueness, not secrecy.
 */
final class RecordIds {

    private RecordIds() {
    }

    static String next(long epochMillis) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long most = (epochMillis << 16) | 0x7000L | (random.nextLong() & 0x0FFFL);
        long least = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(most, least).toString();
    }
}
