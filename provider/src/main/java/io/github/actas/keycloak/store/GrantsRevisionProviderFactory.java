package io.github.actas.keycloak.store;

import java.util.List;

import io.github.actas.keycloak.policy.GrantsRevisionProvider;
import org.keycloak.Config;
import org.keycloak.component.ComponentFactory;
import org.keycloak.component.ComponentModel;
import org.keycloak.component.ComponentValidationException;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

/** Registers the component that holds a realm's grants revision; Act-As writes it, nobody else needs to. */
public final class GrantsRevisionProviderFactory
        implements ComponentFactory<GrantsRevisionProvider, GrantsRevisionProvider> {

    public static final String PROVIDER_ID = "act-as-grants-revision";
    public static final String PROVIDER_TYPE = GrantsRevisionProvider.class.getName();
    static final String REVISION = "revision";

    private static final List<ProviderConfigProperty> CONFIG_PROPERTIES = ProviderConfigurationBuilder.create()
            .property().name(REVISION).type(ProviderConfigProperty.STRING_TYPE).label("Revision")
            .helpText("Changes whenever the realm's Act-As grants change; every node recompiles its policy then.").add()
            .build();

    @Override
    public GrantsRevisionProvider create(KeycloakSession session, ComponentModel model) {
        return new GrantsRevisionProvider() {
        };
    }

    @Override
    public void validateConfiguration(KeycloakSession session, RealmModel realm, ComponentModel model)
            throws ComponentValidationException {
        if (model.getParentId() != null && !model.getParentId().equals(realm.getId())) {
            throw new ComponentValidationException("parentId: the grants revision belongs to its realm");
        }
        String revision = model.get(REVISION);
        if (revision == null || revision.isBlank() || revision.length() > 64) {
            throw new ComponentValidationException("revision: is required (at most 64 characters)");
        }
    }

    @Override
    public String getHelpText() {
        return "Act-As bookkeeping: the revision of this realm's grants.";
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return CONFIG_PROPERTIES;
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
