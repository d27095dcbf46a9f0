package io.github.actas.keycloak.audit.delivery;

import io.github.actas.keycloak.audit.ActAsAuditProvider;
import org.keycloak.provider.Provider;
import org.keycloak.provider.ProviderFactory;
import org.keycloak.provider.Spi;

/** SPI of the audit emitter (one provider; the SPI carries its server-wide options). */
public final class ActAsAuditSpi implements Spi {

    @Override
    public boolean isInternal() {
        return false;
    }

    @Override
    public String getName() {
        return "act-as-audit";
    }

    @Override
    public Class<? extends Provider> getProviderClass() {
        return ActAsAuditProvider.class;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Class<? extends ProviderFactory> getProviderFactoryClass() {
        return ActAsAuditProviderFactory.class;
    }
}
