package io.github.actas.keycloak.exchange;

/** A refused token exchange: the RFC 6749 error code, a description for the client, and the HTTP status. */
final class ExchangeException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String error;
    private final int status;
    private final String eventError;

    ExchangeException(String error, String description, int status, String eventError) {
        super(description, null, false, false);
        this.error = error;
        this.status = status;
        this.eventError = eventError;
    }

    static ExchangeException invalidRequest(String description) {
        return new ExchangeException("invalid_request", description, 400, "invalid_request");
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
}
