package io.github.actas.keycloak.audit;

import org.keycloak.events.EventBuilder;

/**
 * The Keycloak event of the request a step belongs to (the token endpoint's {@code TOKEN_EXCHANGE} or
 * {@code REFRESH_TOKEN}), handed to the emitter so that it carries the step's facts; and who sends it.
 *
 * @param sentByKeycloak true when Keycloak sends it as it finishes the request (a refresh, a standard
 *                       exchange it completes): the emitter only describes it
 */
public record DoorEvent(EventBuilder event, boolean sentByKeycloak) {

    /** The door's event: the emitter describes it and sends it (success, or error for a refusal). */
    public static DoorEvent sentHere(EventBuilder event) {
        return new DoorEvent(event, false);
    }

    /** Keycloak sends the event itself; the emitter gives it the facts first. */
    public static DoorEvent sentByKeycloak(EventBuilder event) {
        return new DoorEvent(event, true);
    }
}
