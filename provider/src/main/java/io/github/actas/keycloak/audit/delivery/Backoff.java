package io.github.actas.keycloak.audit.delivery;

/** Exponential back-off with jitter: base * 2^(attempt-1), capped, then scaled by a random 0.8-1.2. */
public record Backoff(long baseMillis, long maxMillis) {

    /**
     * @param attempt 1 for the first retry
     * @param random  a number in [0, 1), injected so tests are deterministic
     */
    public long delayMillis(int attempt, double random) {
        int doublings = Math.min(Math.max(attempt - 1, 0), 30);
        long delay = Math.min(maxMillis, baseMillis << doublings);
        return Math.max(1, (long) (delay * (0.8 + 0.4 * random)));
    }
}
