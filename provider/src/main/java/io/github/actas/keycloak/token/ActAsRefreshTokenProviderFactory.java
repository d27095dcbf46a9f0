package io.github.actas.keycloak.token;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.protocol.oidc.refresh.RefreshTokenProvider;
import org.keycloak.protocol.oidc.refresh.RefreshTokenProviderFactory;

/** Registers {@link ActAsRefreshTokenProvider} ahead of Keycloak's default refresh handling. */
public final class ActAsRefreshTokenProviderFactory implements RefreshTokenProviderFactory {

    public static final String PROVIDER_ID = "act-as-refresh";

    @Override
    public RefreshTokenProvider create(KeycloakSession session) {
        return new ActAsRefreshTokenProvider(session);
    }

    /** Above Keycloak's default (0) and its OID4VCI provider (10): asked first, declines what is not ours. */
    @Override
    public int order() {
        return 20;
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
