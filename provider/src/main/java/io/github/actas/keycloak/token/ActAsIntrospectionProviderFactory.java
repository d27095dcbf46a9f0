package io.github.actas.keycloak.token;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.protocol.oidc.AccessTokenIntrospectionProviderFactory;
import org.keycloak.protocol.oidc.TokenIntrospectionProvider;
import org.keycloak.protocol.oidc.TokenIntrospectionProviderFactory;

/**
 * Takes over Keycloak's {@code access_token} introspection (same provider id, higher order: Keycloak's
 * supported way of replacing a built-in provider). Behaviour is Keycloak's except for the {@code act}
 * of Act-As tokens.
 */
public final class ActAsIntrospectionProviderFactory implements TokenIntrospectionProviderFactory {

    public static final String PROVIDER_ID = AccessTokenIntrospectionProviderFactory.ACCESS_TOKEN_TYPE;

    @Override
    public TokenIntrospectionProvider create(KeycloakSession session) {
        return new ActAsIntrospectionProvider(session);
    }

    @Override
    public int order() {
        return 1;
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
