package io.github.actas.keycloak.audit;

/**
 * Why an acting session ended: the {@code endReason} of its one {@code impersonation.ended} record (or
 * {@code impersonation.revoked} when an administrator ended it through Act-As).
 */
public enum EndReason {
    /** The actor pressed Stop. */
    STOPPED("stopped", "stopped by the actor", false),
    /** Logged out through Keycloak (the application's or the user's logout). */
    LOGGED_OUT("logged-out", "logged out", true),
    /** Ended through Act-As's sessions API. */
    REVOKED("revoked", "revoked by an administrator", false),
    /** Ended through Keycloak's own admin API (session delete, user or realm logout). */
    KEYCLOAK_ADMIN("keycloak-admin", "ended by an administrator through Keycloak's admin API", true),
    /** Its hard end passed. */
    HARD_END("hard-end", "hard end reached", false),
    /** Re-decided at a token or refresh: the grants no longer allow it. */
    NOT_ALLOWED("not-allowed", "the grants no longer allow this session", false),
    /** Re-decided: the actor no longer exists. */
    ACTOR_GONE("actor-gone", "the actor no longer exists", false),
    /** The Act-As service account acting was revoked. */
    SERVICE_ACCOUNT_REVOKED("service-account-revoked", "the service account was revoked", false),
    /** The target user was deleted (Keycloak removed its sessions). */
    TARGET_REMOVED("target-removed", "the target user was deleted", true),
    /** The group acted as was deleted (its principal goes with it). */
    GROUP_REMOVED("group-removed", "the group was deleted", false),
    /** The acting session it was delegated from ended. */
    PARENT_ENDED("parent-ended", "the acting session it was delegated from ended", false),
    /** The browser signed in again (as someone else, or as the actor): Keycloak replaces the browser's session. */
    REPLACED("replaced", "replaced by another sign-in in the same browser", false),
    /** Keycloak had removed the session without telling Act-As (found by housekeeping). */
    GONE("gone", "the session had already ended in Keycloak", true);

    private final String code;
    private final String text;
    private final boolean endedByKeycloak;

    EndReason(String code, String text, boolean endedByKeycloak) {
        this.code = code;
        this.text = text;
        this.endedByKeycloak = endedByKeycloak;
    }

    /** The wire value of a record's {@code endReason}. */
    public String code() {
        return code;
    }

    /** For people: log lines, error descriptions. */
    public String text() {
        return text;
    }

    /** Whether Keycloak itself removes (or has removed) the user session: Act-As then only records the end. */
    public boolean endedByKeycloak() {
        return endedByKeycloak;
    }

    /** @return the reason with this code, or null */
    public static EndReason fromCode(String code) {
        for (EndReason reason : values()) {
            if (reason.code.equals(code)) {
                return reason;
            }
        }
        return null;
    }
}
