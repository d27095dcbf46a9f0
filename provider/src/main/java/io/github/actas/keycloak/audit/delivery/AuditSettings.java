package io.github.actas.keycloak.audit.delivery;

/** Server-wide delivery options, read once at startup. */
public record AuditSettings(long pollIntervalMillis, int batchSize, long leaseMillis, long retryBaseMillis,
                            long retryMaxMillis, int maxInFlight, int recordRetentionDays) {

    /**
     * Largest batch: its ids go into "id in (...)" lists padded to a power of two (512 here), which stays
     * under the 1,000 elements some databases (Oracle) allow in one list.
     */
    public static final int MAX_BATCH_SIZE = 500;

    /*
     * Batches of the maximum size: under load a node then runs at most about two send-and-complete cycles a
     * second (the linger closes a batch after half a second); the benchmark measured no difference from 200.
     */
    public static final AuditSettings DEFAULTS = new AuditSettings(1_000, MAX_BATCH_SIZE, 60_000, 1_000, 300_000, 16, 365);
}
