package io.github.actas.keycloak.token;

import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserSessionModel;

/**
 * Which acting session a door has just decided for which client in this request, so the token
 * post-processor, which re-decides every token of an acting session that no door decided (a code
 * redeemed, a flow a client overrides to), does not decide the same thing twice. Request-scoped:
 * it lives in the {@link KeycloakSession}'s attributes.
 */
public final class Decided {

    private static final String PREFIX = "act-as.decided.";

    private Decided() {
    }

    public static void mark(KeycloakSession session, UserSessionModel userSession, ClientModel client) {
        session.setAttribute(key(userSession, client), Boolean.TRUE);
    }

    public static boolean marked(KeycloakSession session, UserSessionModel userSession, ClientModel client) {
        return session.getAttribute(key(userSession, client)) != null;
    }

    private static String key(UserSessionModel userSession, ClientModel client) {
        return PREFIX + userSession.getId() + "." + client.getId();
    }
}
