package io.github.actas.keycloak.admin;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.services.resource.RealmResourceProvider;
import org.keycloak.services.resource.RealmResourceProviderFactory;

/**
 * {@code /realms/{realm}/act-as-service-accounts}: the service-account API for the account console's page, as
 * the browser's signed-in person ({@link ConsoleServiceAccountsProvider}).
 */
public final class ConsoleServiceAccountsProviderFactory implements RealmResourceProviderFactory {

    public static final String PROVIDER_ID = "act-as-service-accounts";

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public RealmResourceProvider create(KeycloakSession session) {
        return new ConsoleServiceAccountsProvider(session);
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
