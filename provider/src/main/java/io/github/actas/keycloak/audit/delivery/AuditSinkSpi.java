package io.github.actas.keycloak.audit.delivery;

import io.github.actas.keycloak.audit.AuditSinkProvider;
import org.keycloak.provider.Provider;
import org.keycloak.provider.ProviderFactory;
import org.keycloak.provider.Spi;

/** SPI of the audit sink component type. */
public final class AuditSinkSpi implements Spi {

    @Override
    public boolean isInternal() {
        return false;
    }

    @Override
    public String getName() {
        return "act-as-audit-sink";
    }

    @Override
    public Class<? extends Provider> getProviderClass() {
        return AuditSinkProvider.class;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Class<? extends ProviderFactory> getProviderFactoryClass() {
        return AuditSinkProviderFactory.class;
    }
}
