package io.github.actas.keycloak.audit;

import io.github.actas.keycloak.session.ActAsSessionEntity;
import io.github.actas.keycloak.session.ActAsSessions;
import jakarta.persistence.EntityManager;
import org.keycloak.Config;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.events.Event;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.events.EventType;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;

/**
 * Records the end of an Act-As session that Keycloak itself logged out (the user's or the application's
 * logout, an administrator in the admin console). Global: it needs no per-realm configuration, and it
 * costs one primary-key lookup per logout.
 */
public final class ActAsEventListenerProviderFactory implements EventListenerProviderFactory {

    public static final String PROVIDER_ID = "act-as-audit";

    @Override
    public EventListenerProvider create(KeycloakSession session) {
        return new EventListenerProvider() {
            @Override
            public void onEvent(Event event) {
                if (event.getType() != EventType.LOGOUT || event.getSessionId() == null) {
                    return;
                }
                EntityManager em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
                ActAsSessionEntity row = em.find(ActAsSessionEntity.class, event.getSessionId());
                RealmModel realm = row == null ? null : session.realms().getRealm(row.getRealmId());
                if (realm == null) {
                    return;
                }
                em.remove(row);
                session.getProvider(ActAsAuditProvider.class).record(realm,
                        ActAsSessions.describe(AuditTypes.ENDED, AuditRecord.ENDED, row)
                                .ipAddress(event.getIpAddress())
                                .error("logged out"));
            }

            @Override
            public void onEvent(AdminEvent event, boolean includeRepresentation) {
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public boolean isGlobal() {
        return true;
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
