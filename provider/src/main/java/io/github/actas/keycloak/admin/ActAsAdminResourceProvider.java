package io.github.actas.keycloak.admin;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProvider;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

/** Mounts {@link ActAsAdminResource} at {@code /admin/realms/{realm}/act-as}. */
public final class ActAsAdminResourceProvider implements AdminRealmResourceProvider {

    private final ServiceAccountSettings settings;

    ActAsAdminResourceProvider(ServiceAccountSettings settings) {
        this.settings = settings;
    }

    @Override
    public Object getResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth,
                              AdminEventBuilder adminEvent) {
        return new ActAsAdminResource(session, realm, new AdminAccess(auth), adminEvent, settings);
    }

    @Override
    public void close() {
    }
}
