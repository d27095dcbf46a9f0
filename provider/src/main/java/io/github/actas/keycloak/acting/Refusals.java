package io.github.actas.keycloak.acting;

import io.github.actas.keycloak.audit.EndReason;
import io.github.actas.keycloak.policy.ActAsRequest;
import io.github.actas.keycloak.policy.Denial;
import org.keycloak.OAuthErrorException;

/**
 * What every door tells the caller when acting is refused: an OAuth error and description (token
 * endpoint), a message key of the login theme (browser), and the short text the audit record keeps.
 * Refusals that could reveal whether a target exists (not found, disabled, not covered, no grant) all
 * read the same, whichever door answers.
 *
 * @param oauthError  the RFC 6749 error code
 * @param status      the HTTP status of the token endpoint's answer
 * @param description the {@code error_description}
 * @param pageKey     the login theme's message for the refusal page (its parameter {0} is the target, {1} the client)
 * @param audit       what the denied record's {@code error} says
 */
public record Refusals(String oauthError, int status, String description, String pageKey, String audit) {

    private static final String NOT_PERMITTED = "not permitted to act for the requested subject";

    /** The refusal of a request the policy denied. */
    public static Refusals of(Denial denial, ActAsRequest request) {
        switch (denial) {
            case ACTOR_DISABLED:
                return denied(denial, "the acting user is disabled", "actAsActorDisabled");
            case CHAINED:
                return denied(denial, "the acting token already acts for someone else; acting again is not allowed",
                        "actAsChained");
            case SELF:
                return denied(denial, "acting as yourself is not allowed", "actAsSelf");
            case REASON_REQUIRED:
                return denied(denial, "a reason is required: send the 'reason' parameter in the form the grant demands",
                        "actAsReasonRequired");
            case STEP_UP_REQUIRED:
                return denied(denial, "the grant requires a stronger authentication (acr) of the acting user",
                        "actAsStepUpRequired");
            case AUDIENCE_NOT_ALLOWED:
                return denied(denial, "the grant does not allow tokens for audience '"
                        + String.join("', '", request.audience()) + "'", "actAsNotPermitted");
            default:
                return denied(denial, NOT_PERMITTED, "actAsNotPermitted");
        }
    }

    /** A running acting session whose grant does not (or no longer) allow tokens for {@code client}. */
    public static Refusals notForClient(String client, Denial denial) {
        return new Refusals(OAuthErrorException.INVALID_GRANT, 400,
                "the act-as grant no longer allows this acting session for client '" + client + "'",
                "actAsNotForThisClient", denial == null ? "NOT_ALLOWED" : denial.name());
    }

    /** A running acting session that has ended (or must end now). */
    public static Refusals ended(EndReason reason) {
        return new Refusals(OAuthErrorException.INVALID_GRANT, 400,
                "the acting session has ended (" + reason.text() + ")", "actAsNotForThisClient", "SESSION_ENDED");
    }

    /** The same refusal, answered with {@code access_denied} (the exchange door refusing a continuation). */
    public Refusals asAccessDenied() {
        return new Refusals(OAuthErrorException.ACCESS_DENIED, 403, description, pageKey, audit);
    }

    private static Refusals denied(Denial denial, String description, String pageKey) {
        return new Refusals(OAuthErrorException.ACCESS_DENIED, 403, description, pageKey, denial.name());
    }

}
