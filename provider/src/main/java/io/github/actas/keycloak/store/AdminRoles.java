package io.github.actas.keycloak.store;

import org.keycloak.models.ClientModel;
import org.keycloak.models.Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;

/**
 * Which roles make a user privileged, i.e. able to administer a realm. Acting as such a user is
 * refused unless a grant explicitly allows privileged targets and the actor holds the same roles;
 * Keycloak 26.7.3's own impersonation does not guard this (CVE-2026-17526), so Act-As must.
 * Errs on the side of "privileged".
 */
final class AdminRoles {

    static final String ADMIN = "admin";
    static final String CREATE_REALM = "create-realm";
    private static final String MASTER_ADMIN_CLIENT_SUFFIX = "-realm";

    private AdminRoles() {
    }

    /**
     * @param adminRealm whether the role's realm is the administration realm ({@code master})
     * @return whether the role (itself, not its composites: callers expand those) is administrative
     */
    static boolean isAdministrative(KeycloakSession session, boolean adminRealm, RoleModel role) {
        if (!role.isClientRole()) {
            return adminRealm && (ADMIN.equals(role.getName()) || CREATE_REALM.equals(role.getName()));
        }
        if (!(role.getContainer() instanceof ClientModel client)) {
            return false;
        }
        String clientId = client.getClientId();
        if (Constants.REALM_MANAGEMENT_CLIENT_ID.equals(clientId)) {
            return true;
        }
        if (adminRealm && clientId.endsWith(MASTER_ADMIN_CLIENT_SUFFIX)) {
            // In the admin realm, "<realm>-realm" clients carry the roles that administer <realm>.
            String managedName = clientId.substring(0, clientId.length() - MASTER_ADMIN_CLIENT_SUFFIX.length());
            RealmModel managed = session.realms().getRealmByName(managedName);
            ClientModel adminClient = managed == null ? null : managed.getMasterAdminClient();
            // Unknown realm name: still treat as administrative rather than guess.
            return adminClient == null || adminClient.getId().equals(client.getId());
        }
        return false;
    }
}
