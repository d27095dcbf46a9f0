package io.github.actas.keycloak.policy;

/** Why a request was refused, coarse enough for a door to choose its error, fine enough to audit. */
public enum Denial {
    /** The actor is disabled. */
    ACTOR_DISABLED,
    /** The actor is already acting as someone else: chains are refused. */
    CHAINED,
    /** No enabled grant names the actor. Said without looking at the target. */
    NO_GRANT,
    /** The target does not exist in this realm. */
    TARGET_NOT_FOUND,
    /** The target user is disabled. */
    TARGET_DISABLED,
    /** The actor asked to act as themselves. */
    SELF,
    /** A grant covers the request, but it needs a reason that was missing or did not match. */
    REASON_REQUIRED,
    /** A grant covers the request, but the actor's authentication level is too low (step-up needed). */
    STEP_UP_REQUIRED,
    /**
     * A grant allows acting as this target for the requesting client, but not tokens for every client in
     * the requested audience.
     */
    AUDIENCE_NOT_ALLOWED,
    /** An Act-As service account asked for a target outside its namespace (whatever its grants say). */
    OUTSIDE_NAMESPACE,
    /** The actor holds grants, but none allows this target, mode, client and time. */
    NOT_PERMITTED;

    /**
     * Whether a door may tell the actor precisely why. Denials that depend on whether the target exists
     * are reported to actors in one indistinguishable way.
     */
    public boolean revealsTarget() {
        return this == TARGET_NOT_FOUND || this == TARGET_DISABLED;
    }
}
