package io.github.actas.keycloak.login;

import org.keycloak.protocol.oidc.endpoints.AuthorizationEndpoint;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * The authorization-request parameters of the browser door. Keycloak keeps unknown authorization
 * parameters as client notes of the authentication session (at most five, 2,000 characters each by
 * default), which is where the authenticator reads them.
 */
final class ActAsRequestParameters {

    /** Username or id of the user to act as. */
    static final String ACT_AS = "act_as";
    /** Path of a group to act as (group mode, not available yet). */
    static final String ACT_AS_GROUP = "act_as_group";
    /** Justification given up front (the confirmation page asks for it otherwise). */
    static final String REASON = "act_as_reason";
    /** What Cancel on the confirmation page does: {@code actor} (default) or {@code deny}. */
    static final String ON_CANCEL = "act_as_on_cancel";

    static final String CANCEL_DENY = "deny";

    private ActAsRequestParameters() {
    }

    static String get(AuthenticationSessionModel authSession, String name) {
        String value = authSession.getClientNote(AuthorizationEndpoint.LOGIN_SESSION_NOTE_ADDITIONAL_REQ_PARAMS_PREFIX + name);
        return value == null || value.isBlank() ? null : value.trim();
    }

    static void remove(AuthenticationSessionModel authSession, String name) {
        authSession.removeClientNote(AuthorizationEndpoint.LOGIN_SESSION_NOTE_ADDITIONAL_REQ_PARAMS_PREFIX + name);
    }
}
