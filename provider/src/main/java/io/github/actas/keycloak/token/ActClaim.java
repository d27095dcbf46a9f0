package io.github.actas.keycloak.token;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jboss.logging.Logger;
import org.keycloak.representations.IDToken;
import org.keycloak.representations.JsonWebToken;
import org.keycloak.util.JsonSerialization;

/**
 * The RFC 8693 §4.1 {@code act} claim of an Act-As session: who really acts. {@code sub} is the
 * actor's user id, {@code client_id} is set for service actors, and the subject token's own
 * {@code act} is nested for delegation chains.
 */
public final class ActClaim {

    public static final String CLAIM = "act";

    private static final Logger LOG = Logger.getLogger(ActClaim.class);

    private ActClaim() {
    }

    public static Map<String, Object> of(ActAsSession session) {
        Map<String, Object> act = new LinkedHashMap<>();
        act.put("sub", session.actorId());
        act.put("preferred_username", session.actorUsername());
        act.put("iss", session.issuer());
        if (session.actorClientId() != null) {
            act.put("client_id", session.actorClientId());
        }
        if (session.nestedAct() != null) {
            Map<String, Object> nested = parse(session.nestedAct());
            if (nested != null) {
                act.put(CLAIM, nested);
            }
        }
        return act;
    }

    /**
     * Sets the session's {@code act} on a token (replacing whatever was there) and caps its {@code exp}
     * at the session's hard end.
     */
    public static void stamp(JsonWebToken token, ActAsSession session) {
        stamp(token, of(session), session.expires());
        if (token instanceof IDToken idToken) {
            GroupClaim.stamp(idToken, session);
        }
    }

    static void stamp(JsonWebToken token, Map<String, Object> act, long expires) {
        token.setOtherClaims(CLAIM, act);
        if (token.getExp() == null || token.getExp() == 0 || token.getExp() > expires) {
            token.exp(expires);
        }
    }

    /** Serializes a subject token's own {@code act} for storing in a session note. */
    public static String toJson(Object act) {
        try {
            return JsonSerialization.writeValueAsString(act);
        } catch (IOException e) {
            throw new IllegalArgumentException("act claim is not serializable", e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parse(String json) {
        try {
            return JsonSerialization.readValue(json, Map.class);
        } catch (IOException e) {
            // Written by us from a verified token, so this means a corrupted note: leave the chain out.
            LOG.warnf("Ignoring unreadable nested act claim of an Act-As session: %s", e.getMessage());
            return null;
        }
    }
}
