package io.github.actas.keycloak.persistence;

import java.util.List;

import jakarta.persistence.EntityManager;
import org.keycloak.Config;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProvider;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;

/** Registers {@link ActAsJpaEntityProvider}; a removed realm's acting-session rows go with it. */
public final class ActAsJpaEntityProviderFactory implements JpaEntityProviderFactory {

    public static final String PROVIDER_ID = "act-as-entities";

    @Override
    public JpaEntityProvider create(KeycloakSession session) {
        return new ActAsJpaEntityProvider();
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        factory.register(event -> {
            if (event instanceof RealmModel.RealmRemovedEvent removed) {
                EntityManager em = removed.getKeycloakSession().getProvider(JpaConnectionProvider.class).getEntityManager();
                for (String query : List.of("actAsSessions.deleteRealm", "actAsServiceAccounts.deleteRealm")) {
                    em.createNamedQuery(query).setParameter("realmId", removed.getRealm().getId()).executeUpdate();
                }
            }
        });
    }

    @Override
    public void close() {
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }
}
