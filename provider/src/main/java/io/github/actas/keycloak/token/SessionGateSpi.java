package io.github.actas.keycloak.token;

import org.keycloak.provider.Provider;
import org.keycloak.provider.ProviderFactory;
import org.keycloak.provider.Spi;

/** SPI of {@link SessionGate}, with the one implementation of the acting core. */
public final class SessionGateSpi implements Spi {

    public static final String NAME = "act-as-session-gate";

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
        return SessionGate.class;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Class<? extends ProviderFactory> getProviderFactoryClass() {
        return SessionGateFactory.class;
    }
}
