package io.github.actas.keycloak.exchange;

import io.github.actas.keycloak.acting.Refusals;
import org.keycloak.events.Errors;

/**
 * A refused token exchange: the RFC 6749 error code, a description for the client, the HTTP status, the
 * error of the Keycloak event and what the denied audit record says.
 */
final class ExchangeException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String error;
    private final int status;
    private final String eventError;
    private final String audit;

    private ExchangeException(String error, String description, int status, String eventError, String audit) {
        super(description, null, false, false);
        this.error = error;
        this.status = status;
        this.eventError = eventError;
        this.audit = audit;
    }

    ExchangeException(String error, String description, int status, String eventError) {
        this(error, description, status, eventError, error + ": " + description);
    }

    static ExchangeException invalidRequest(String description) {
        return new ExchangeException("invalid_request", description, 400, Errors.INVALID_REQUEST);
    }

    /** The token endpoint's answer to a refusal of the acting core. */
    static ExchangeException refused(Refusals refusal) {
        return new ExchangeException(refusal.oauthError(), refusal.description(), refusal.status(), Errors.NOT_ALLOWED,
                refusal.audit());
    }

    String error() {
        return error;
    }

    int status() {
        return status;
    }

    /** The error recorded on the Keycloak event. */
    String eventError() {
        return eventError;
    }

    /** The {@code error} of the denied record. */
    String audit() {
        return audit;
    }
}
