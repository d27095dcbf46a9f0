package io.github.actas.keycloak.audit;

/** Server-wide delivery options, read once at startup. */
public record AuditSettings(long pollIntervalMillis, int batchSize, long leaseMillis, long retryBaseMillis,
                            long retryMaxMillis, int maxInFlight, int recordRetentionDays) {

    public static final AuditSettings DEFAULTS = new AuditSettings(1_000, 200, 60_000, 1_000, 300_000, 16, 365);
}
