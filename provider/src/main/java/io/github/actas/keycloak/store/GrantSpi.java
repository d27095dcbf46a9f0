package io.github.actas.keycloak.store;

import io.github.actas.keycloak.policy.GrantProvider;
import org.keycloak.provider.Provider;
import org.keycloak.provider.ProviderFactory;
import org.keycloak.provider.Spi;

/** SPI of the grant component type. */
public final class GrantSpi implements Spi {

    public static final String NAME = "act-as-grant";

    @Override
    public boolean isInternal() {
        return false;
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public Class<? extends Provider> getProviderClass() {
        return GrantProvider.class;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Class<? extends ProviderFactory> getProviderFactoryClass() {
        return GrantProviderFactory.class;
    }
}
