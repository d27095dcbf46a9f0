package io.github.actas.keycloak.exchange;

import java.util.List;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.protocol.oidc.TokenExchangeProvider;
import org.keycloak.protocol.oidc.TokenExchangeProviderFactory;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

/**
 * Registers the Act-As token exchange. Keycloak asks exchange providers in descending {@link #order()};
 * Act-As comes before {@code standard} (10) and declines every request that is not an Act-As one.
 */
public final class ActAsTokenExchangeProviderFactory implements TokenExchangeProviderFactory {

    public static final String PROVIDER_ID = "act-as-exchange";

    static final String KEY_TOKEN_SECONDS = "service-account-token-seconds";
    private static final int DEFAULT_KEY_TOKEN_SECONDS = 300;

    private int keyTokenSeconds = DEFAULT_KEY_TOKEN_SECONDS;

    @Override
    public TokenExchangeProvider create(KeycloakSession session) {
        return new ActAsTokenExchangeProvider(keyTokenSeconds);
    }

    @Override
    public int order() {
        return 100;
    }

    @Override
    public void init(Config.Scope config) {
        keyTokenSeconds = Math.max(1, config.getInt(KEY_TOKEN_SECONDS, DEFAULT_KEY_TOKEN_SECONDS));
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return ProviderConfigurationBuilder.create()
                .property().name(KEY_TOKEN_SECONDS).type("int")
                .helpText("How long an access token obtained with a service-account key lives (never past the key's expiry).")
                .defaultValue(DEFAULT_KEY_TOKEN_SECONDS).add()
                .build();
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
