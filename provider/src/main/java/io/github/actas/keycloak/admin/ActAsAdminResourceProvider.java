package io.github.actas.keycloak.admin;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resources.admin.AdminAuth;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProvider;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;
import org.keycloak.services.resources.admin.fgap.AdminPermissions;

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

    /**
     * The Act-As admin API for someone signed in to the account console: the same resources and checks as the
     * admin API's, with the rights {@code auth} has there.
     */
    public ActAsAdminResource console(KeycloakSession session, RealmModel realm, AdminAuth auth) {
        AdminEventBuilder adminEvent = new AdminEventBuilder(realm, auth, session, session.getContext().getConnection());
        return new ActAsAdminResource(session, realm, new AdminAccess(AdminPermissions.evaluator(session, realm, auth)),
                adminEvent, settings);
    }

    @Override
    public void close() {
    }
}
