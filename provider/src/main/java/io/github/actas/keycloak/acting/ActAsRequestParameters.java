package io.github.actas.keycloak.acting;

import org.keycloak.protocol.oidc.endpoints.AuthorizationEndpoint;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * The authorization-request parameters of the browser door (the account console links to it with them). Keycloak keeps unknown authorization
 * parameters as client notes of the authentication session (at most five, 2,000 characters each by
 * default), which is where the authenticator reads them.
 */
public final class ActAsRequestParameters {

    /** Username or id of the user to act as. */
    public static final String ACT_AS = "act_as";
    /** Path (or id) of a group to act as (group mode). */
    public static final String ACT_AS_GROUP = "act_as_group";
    /** Justification given up front (the confirmation page asks for it otherwise). */
    public static final String REASON = "act_as_reason";
    /** What Cancel on the confirmation page does: {@code actor} (default) or {@code deny}. */
    public static final String ON_CANCEL = "act_as_on_cancel";

    public static final String CANCEL_DENY = "deny";

    private ActAsRequestParameters() {
    }

    public static String get(AuthenticationSessionModel authSession, String name) {
        String value = authSession.getClientNote(AuthorizationEndpoint.LOGIN_SESSION_NOTE_ADDITIONAL_REQ_PARAMS_PREFIX + name);
        return value == null || value.isBlank() ? null : value.trim();
    }
}
