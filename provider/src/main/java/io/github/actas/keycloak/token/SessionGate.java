package io.github.actas.keycloak.token;

import org.keycloak.models.ClientModel;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.provider.Provider;

/**
 * Whether an acting session may issue a token now, to {@code client}: asked by the token post-processor
 * and the refresh provider before any token of an acting session leaves Keycloak. The acting core
 * implements it (this package sits below it), re-deciding with today's grants and ending the session when
 * it may no longer go on.
 */
public interface SessionGate extends Provider {

    /**
     * @param endWhenRefused end the session also when only this client is refused (a refresh: the session
     *                       cannot go on), not only when it is over (hard end, actor gone)
     */
    Admission admit(RealmModel realm, ClientModel client, UserSessionModel userSession, ActAsSession notes,
                    boolean endWhenRefused);

    /**
     * The answer.
     *
     * @param notes   the session's notes to issue with (its hard end may have moved earlier), when admitted
     * @param refusal the {@code error_description} of the refusal, or null when admitted
     */
    record Admission(ActAsSession notes, String refusal) {

        public boolean admitted() {
            return refusal == null;
        }
    }
}
