package io.github.actas.keycloak.store;

import io.github.actas.keycloak.policy.GrantsRevisionProvider;
import org.keycloak.provider.Provider;
import org.keycloak.provider.ProviderFactory;
import org.keycloak.provider.Spi;

/** SPI of the grants-revision component type. */
public final class GrantsRevisionSpi implements Spi {

    public static final String NAME = "act-as-grants-revision";

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
        return GrantsRevisionProvider.class;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Class<? extends ProviderFactory> getProviderFactoryClass() {
        return GrantsRevisionProviderFactory.class;
    }
}
