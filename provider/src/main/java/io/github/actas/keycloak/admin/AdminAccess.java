package io.github.actas.keycloak.admin;

import org.keycloak.models.GroupModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

/**
 * Who may use the Act-As admin API of a realm: readers need view-realm or view-users (or the manage
 * roles, which include them), writers manage-realm or manage-users. Keycloak has already checked the
 * token and that the caller may address this realm at all.
 */
final class AdminAccess {

    private final AdminPermissionEvaluator auth;

    AdminAccess(AdminPermissionEvaluator auth) {
        this.auth = auth;
    }

    boolean canRead() {
        return auth.realm().canViewRealm() || auth.users().canView();
    }

    boolean canWrite() {
        return auth.realm().canManageRealm() || auth.users().canManage();
    }

    /** Audit sinks are realm configuration (and hold secrets): view-realm to read, manage-realm to change. */
    boolean canReadSinks() {
        return auth.realm().canViewRealm();
    }

    boolean canWriteSinks() {
        return auth.realm().canManageRealm();
    }

    /** Changing how the realm signs people in (the browser flow set-up): manage-realm. */
    boolean canChangeSignIn() {
        return auth.realm().canManageRealm();
    }

    /** The audit trail: view-events, or the readers of grants. */
    boolean canReadAudit() {
        return auth.realm().canViewEvents() || canRead();
    }

    /**
     * Service accounts of a namespace ({@code null}: the whole realm): manage-users, or Keycloak's fine-grained
     * manage-members of the namespace group (a team lead managing their team's keys without realm rights).
     */
    boolean canManageAccounts(GroupModel namespace) {
        return auth.users().canManage() || namespace != null && auth.groups().canManageMembers(namespace);
    }

    /** Reading them: view-users, or the right to manage them. */
    boolean canViewAccounts(GroupModel namespace) {
        return auth.users().canView() || canManageAccounts(namespace);
    }

    /** Whether the caller may see this user (explain never says more about anyone else). */
    boolean canView(UserModel user) {
        return auth.users().canView(user);
    }

    /** Whether the caller may see this group. */
    boolean canView(GroupModel group) {
        return auth.groups().canView(group);
    }

    /** The administrator making the request. */
    UserModel admin() {
        return auth.adminAuth().getUser();
    }
}
