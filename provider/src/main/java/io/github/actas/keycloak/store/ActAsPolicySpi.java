package io.github.actas.keycloak.store;

import org.keycloak.provider.Provider;
import org.keycloak.provider.ProviderFactory;
import org.keycloak.provider.Spi;

/** SPI of the Act-As policy (one provider; the SPI exists to carry its server-wide options). */
public final class ActAsPolicySpi implements Spi {

    public static final String NAME = "act-as-policy";

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
        return ActAsPolicyProvider.class;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Class<? extends ProviderFactory> getProviderFactoryClass() {
        return ActAsPolicyProviderFactory.class;
    }
}
