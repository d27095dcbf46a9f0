package io.github.actas.keycloak.session;

/**
 * Why an Act-As session ended: the text of its one {@code impersonation.ended} record (or
 * {@code impersonation.revoked} when an administrator ended it through Act-As).
 */
public enum EndReason {
    /** The actor pressed Stop. */
    STOPPED("stopped by the actor"),
    /** Logged out through Keycloak (the application's or the user's logout). */
    LOGGED_OUT("logged out", true),
    /** Ended through Act-As's sessions API. */
    REVOKED("revoked by an administrator"),
    /** Ended through Keycloak's own admin API (session delete, user or realm logout). */
    KEYCLOAK_ADMIN("ended by an administrator through Keycloak's admin API", true),
    /** Its hard end passed. */
    HARD_END("hard end reached"),
    /** Re-decided at a token or refresh: the grants no longer allow it. */
    NOT_ALLOWED("the grants no longer allow this session"),
    /** Re-decided: the actor no longer exists. */
    ACTOR_GONE("the actor no longer exists"),
    /** The target user was deleted (Keycloak removed its sessions). */
    TARGET_REMOVED("the target user was deleted", true),
    /** The acting session it was delegated from ended. */
    PARENT_ENDED("the acting session it was delegated from ended"),
    /** The browser signed in again (as someone else, or as the actor): Keycloak replaces the browser's session. */
    REPLACED("replaced by another sign-in in the same browser"),
    /** Keycloak had removed the session without telling Act-As (found by housekeeping). */
    GONE("the session had already ended in Keycloak", true);

    private final String text;
    private final boolean endedByKeycloak;

    EndReason(String text) {
        this(text, false);
    }

    EndReason(String text, boolean endedByKeycloak) {
        this.text = text;
        this.endedByKeycloak = endedByKeycloak;
    }

    public String text() {
        return text;
    }

    /** Whether Keycloak itself removes (or has removed) the user session: Act-As then only records the end. */
    public boolean endedByKeycloak() {
        return endedByKeycloak;
    }
}
