package io.github.actas.keycloak.policy;

/**
 * Server-wide policy options, read once at startup.
 *
 * @param maxDurationSeconds     hard cap for any grant's {@code maxDurationSeconds}
 * @param defaultDurationSeconds used when a grant does not say
 */
public record PolicySettings(int maxDurationSeconds, int defaultDurationSeconds) {

    public static final int DEFAULT_MAX_DURATION_SECONDS = 28_800;
    public static final int DEFAULT_DEFAULT_DURATION_SECONDS = 3_600;

    public static final PolicySettings DEFAULTS =
            new PolicySettings(DEFAULT_MAX_DURATION_SECONDS, DEFAULT_DEFAULT_DURATION_SECONDS);

    public PolicySettings {
        if (maxDurationSeconds < 1) {
            throw new IllegalArgumentException("max-duration-seconds must be at least 1");
        }
        if (defaultDurationSeconds < 1 || defaultDurationSeconds > maxDurationSeconds) {
            throw new IllegalArgumentException("default-duration-seconds must be between 1 and max-duration-seconds");
        }
    }

    /** The duration a grant really gets: its own (or the default), never above the cap. */
    public int effectiveDuration(Integer grantSeconds) {
        int seconds = grantSeconds == null ? defaultDurationSeconds : grantSeconds;
        return Math.min(seconds, maxDurationSeconds);
    }
}
