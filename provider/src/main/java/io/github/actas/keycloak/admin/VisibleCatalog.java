package io.github.actas.keycloak.admin;

import io.github.actas.keycloak.policy.RealmCatalog;
import org.keycloak.models.GroupModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * Grant validation for explain drafts, as the caller may see the realm: a group or user the caller may
 * not view is reported exactly like a missing one.
 */
final class VisibleCatalog implements RealmCatalog {

    private final RealmCatalog catalog;
    private final KeycloakSession session;
    private final RealmModel realm;
    private final AdminAccess access;

    VisibleCatalog(RealmCatalog catalog, KeycloakSession session, RealmModel realm, AdminAccess access) {
        this.catalog = catalog;
        this.session = session;
        this.realm = realm;
        this.access = access;
    }

    @Override
    public boolean groupExists(String path) {
        GroupModel group = KeycloakModelUtils.findGroupByPath(session, realm, path);
        return group != null && access.canView(group);
    }

    @Override
    public boolean userIdExists(String id) {
        UserModel user = id.length() > 36 ? null : session.users().getUserById(realm, id);
        return user != null && access.canView(user);
    }

    @Override
    public boolean clientExists(String clientId) {
        return catalog.clientExists(clientId);
    }

    @Override
    public boolean roleExists(String role) {
        return catalog.roleExists(role);
    }

    @Override
    public boolean acrKnown(String acr) {
        return catalog.acrKnown(acr);
    }

    @Override
    public String selfChosenUsernames() {
        return catalog.selfChosenUsernames();
    }

    @Override
    public boolean grantNameTaken(String name, String exceptId) {
        return catalog.grantNameTaken(name, exceptId);
    }
}
