package io.github.actas.keycloak.acting;

import io.github.actas.keycloak.audit.EndReason;
import io.github.actas.keycloak.token.ActAsSession;
import io.github.actas.keycloak.token.SessionGate;
import io.github.actas.keycloak.token.SessionGateFactory;
import org.keycloak.Config;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserSessionModel;

/**
 * The token layer's {@link SessionGate}: re-decides an acting session ({@link SessionChecks}) and ends it
 * ({@link SessionEnds}, in a transaction of its own, as the refused request's rolls back).
 */
public final class ActingSessionGateFactory implements SessionGateFactory {

    public static final String PROVIDER_ID = "act-as-session-gate";

    @Override
    public SessionGate create(KeycloakSession session) {
        return new Gate(session);
    }

    private static final class Gate implements SessionGate {

        private final KeycloakSession session;

        Gate(KeycloakSession session) {
            this.session = session;
        }

        @Override
        public Admission admit(RealmModel realm, ClientModel client, UserSessionModel userSession, ActAsSession notes,
                               boolean endWhenRefused) {
            SessionChecks.Recheck recheck = new SessionChecks(session).recheck(realm, client, userSession, notes);
            if (recheck.allowed()) {
                return new Admission(recheck.notes(), null);
            }
            Refusals refusal = recheck.end() != null ? Refusals.ended(recheck.end())
                    : Refusals.notForClient(client.getClientId(), recheck.decision().denial());
            if (recheck.end() != null || endWhenRefused) {
                new SessionEnds(session).endNow(realm, userSession.getId(),
                        recheck.end() != null ? recheck.end() : EndReason.NOT_ALLOWED);
            }
            return new Admission(null, refusal.description());
        }

        @Override
        public void close() {
        }
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public void close() {
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }
}
