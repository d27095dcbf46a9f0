package io.github.actas.keycloak.admin;

import java.util.List;
import java.util.Map;

import io.github.actas.keycloak.ActAsVersion;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.provider.ServerInfoAwareProviderFactory;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProvider;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProviderFactory;

/** The Act-As admin API: {@code /admin/realms/{realm}/act-as/...}. */
public final class ActAsAdminResourceProviderFactory implements AdminRealmResourceProviderFactory, ServerInfoAwareProviderFactory {

    public static final String PROVIDER_ID = "act-as";

    private ServiceAccountSettings settings = ServiceAccountSettings.of(ServiceAccountSettings.DEFAULT_MAX_DAYS,
            ServiceAccountSettings.DEFAULT_DEFAULT_DAYS);

    @Override
    public AdminRealmResourceProvider create(KeycloakSession session) {
        return new ActAsAdminResourceProvider(settings);
    }

    @Override
    public void init(Config.Scope config) {
        settings = ServiceAccountSettings.of(
                config.getInt(ServiceAccountSettings.MAX_DAYS, ServiceAccountSettings.DEFAULT_MAX_DAYS),
                config.getInt(ServiceAccountSettings.DEFAULT_DAYS, ServiceAccountSettings.DEFAULT_DEFAULT_DAYS));
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return ProviderConfigurationBuilder.create()
                .property().name(ServiceAccountSettings.MAX_DAYS).type("int")
                .helpText("The latest a service-account key may expire, in days from its creation or rotation.")
                .defaultValue(ServiceAccountSettings.DEFAULT_MAX_DAYS).add()
                .property().name(ServiceAccountSettings.DEFAULT_DAYS).type("int")
                .helpText("When a service-account key expires if its creator does not say, in days (at most the maximum).")
                .defaultValue(ServiceAccountSettings.DEFAULT_DEFAULT_DAYS).add()
                .build();
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public Map<String, String> getOperationalInfo() {
        return Map.of("version", ActAsVersion.VERSION, "path", "/admin/realms/{realm}/act-as");
    }

    @Override
    public void close() {
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }
}
