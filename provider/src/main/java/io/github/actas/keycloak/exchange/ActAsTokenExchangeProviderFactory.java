package io.github.actas.keycloak.exchange;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.protocol.oidc.TokenExchangeProvider;
import org.keycloak.protocol.oidc.TokenExchangeProviderFactory;

/**
 * Registers the Act-As token exchange. Keycloak asks exchange providers in descending {@link #order()};
 * Act-As comes before {@code standard} (10) and declines every request that is not an Act-As one.
 */
public final class ActAsTokenExchangeProviderFactory implements TokenExchangeProviderFactory {

    public static final String PROVIDER_ID = "act-as-exchange";

    @Override
    public TokenExchangeProvider create(KeycloakSession session) {
        return new ActAsTokenExchangeProvider();
    }

    @Override
    public int order() {
        return 100;
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
