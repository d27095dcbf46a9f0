package io.github.actas.keycloak.admin;

import io.github.actas.keycloak.policy.GroupPrincipal;
import io.github.actas.keycloak.policy.Principal;
import io.github.actas.keycloak.store.ForwardingDirectory;
import io.github.actas.keycloak.store.KeycloakDirectory;
import org.keycloak.models.GroupModel;
import org.keycloak.models.UserModel;

/**
 * The realm as the administrator asking explain may see it: users and groups the caller may not view do
 * not exist here, so explain answers about them exactly as about someone missing and reveals neither
 * existence, state, roles nor groups.
 */
final class VisibleDirectory extends ForwardingDirectory {

    private final AdminAccess access;

    VisibleDirectory(KeycloakDirectory directory, AdminAccess access) {
        super(directory);
        this.access = access;
    }

    /** @return the user with this username or id if the caller may see it, else null */
    UserModel findUserModel(String usernameOrId) {
        UserModel user = directory.findUserModel(usernameOrId);
        return user != null && access.canView(user) ? user : null;
    }

    @Override
    public Principal findUser(String usernameOrId) {
        UserModel user = findUserModel(usernameOrId);
        return user == null ? null : directory.principal(user);
    }

    @Override
    public GroupPrincipal findGroup(String path) {
        GroupModel group = directory.findGroupModel(path);
        return group != null && access.canView(group) ? directory.group(group) : null;
    }
}
