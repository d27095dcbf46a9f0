package io.github.actas.keycloak.admin;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.services.resource.RealmResourceProvider;
import org.keycloak.services.resource.RealmResourceProviderFactory;

/**
 * {@code /realms/{realm}/act-as-admin}: the Act-As admin API for the account console's pages, as the browser's
 * signed-in person ({@link ConsoleAdminProvider}).
 */
public final class ConsoleAdminProviderFactory implements RealmResourceProviderFactory {

    public static final String PROVIDER_ID = "act-as-admin";

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public RealmResourceProvider create(KeycloakSession session) {
        return new ConsoleAdminProvider(session);
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
}
