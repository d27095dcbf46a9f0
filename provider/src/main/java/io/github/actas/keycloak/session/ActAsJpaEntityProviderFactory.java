package io.github.actas.keycloak.session;

import java.util.List;

import org.keycloak.Config;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProvider;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.timer.TimerProvider;

/**
 * Registers {@link ActAsJpaEntityProvider}, and keeps Act-As sessions tidy: rows of a removed realm go
 * with it, and every node now and then removes sessions past their hard end (idempotent).
 */
public final class ActAsJpaEntityProviderFactory implements JpaEntityProviderFactory {

    public static final String PROVIDER_ID = "act-as-entities";

    static final String PURGE_INTERVAL_SECONDS = "purge-interval-seconds";
    private static final int DEFAULT_PURGE_INTERVAL_SECONDS = 300;
    private static final int PURGE_BATCH = 500;
    private static final String PURGE_TASK = "act-as-session-purge";

    private int purgeIntervalSeconds = DEFAULT_PURGE_INTERVAL_SECONDS;

    @Override
    public JpaEntityProvider create(KeycloakSession session) {
        return new ActAsJpaEntityProvider();
    }

    @Override
    public void init(Config.Scope config) {
        purgeIntervalSeconds = Math.max(1, config.getInt(PURGE_INTERVAL_SECONDS, DEFAULT_PURGE_INTERVAL_SECONDS));
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return ProviderConfigurationBuilder.create()
                .property().name(PURGE_INTERVAL_SECONDS).type("int")
                .helpText("How often each node removes Act-As sessions past their hard end.")
                .defaultValue(DEFAULT_PURGE_INTERVAL_SECONDS).add()
                .build();
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        factory.register(event -> {
            if (event instanceof UserModel.UserRemovedEvent removed) {
                // Keycloak removes a deleted user's sessions without telling anyone: end the acting ones here.
                new ActAsSessions(removed.getKeycloakSession()).userRemoved(removed.getRealm(), removed.getUser());
            } else if (event instanceof RealmModel.RealmRemovedEvent removed) {
                removed.getKeycloakSession().getProvider(JpaConnectionProvider.class).getEntityManager()
                        .createNamedQuery("actAsSessions.deleteRealm")
                        .setParameter("realmId", removed.getRealm().getId())
                        .executeUpdate();
            }
        });
        KeycloakModelUtils.runJobInTransaction(factory, session -> session.getProvider(TimerProvider.class)
                .scheduleTask(purgeTask -> new ActAsSessions(purgeTask).purgeExpired(PURGE_BATCH), purgeIntervalSeconds * 1000L, PURGE_TASK));
    }

    @Override
    public void close() {
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }
}
