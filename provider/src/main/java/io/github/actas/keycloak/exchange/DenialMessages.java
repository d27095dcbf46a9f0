package io.github.actas.keycloak.exchange;

import io.github.actas.keycloak.policy.Denial;

/**
 * What a door tells the caller about a refusal. Refusals that would reveal whether a target exists
 * (not found, disabled, not covered, no grant) all read the same.
 */
final class DenialMessages {

    private DenialMessages() {
    }

    static String describe(Denial denial) {
        switch (denial) {
            case ACTOR_DISABLED:
                return "the acting user is disabled";
            case CHAINED:
                return "the acting token already acts for someone else; acting again is not allowed";
            case SELF:
                return "acting as yourself is not allowed";
            case REASON_REQUIRED:
                return "a reason is required: send the 'reason' parameter in the form the grant demands";
            case STEP_UP_REQUIRED:
                return "the grant requires a stronger authentication (acr) of the acting user";
            default:
                return "not permitted to act for the requested subject";
        }
    }
}
