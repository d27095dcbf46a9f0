package io.github.actas.keycloak.admin;

import java.util.Map;

import io.github.actas.keycloak.ActAsVersion;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ServerInfoAwareProviderFactory;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProvider;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProviderFactory;

/** The Act-As admin API: {@code /admin/realms/{realm}/act-as/...}. */
public final class ActAsAdminResourceProviderFactory implements AdminRealmResourceProviderFactory, ServerInfoAwareProviderFactory {

    public static final String PROVIDER_ID = "act-as";

    @Override
    public AdminRealmResourceProvider create(KeycloakSession session) {
        return new ActAsAdminResourceProvider();
    }

    @Override
    public void init(Config.Scope config) {
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
