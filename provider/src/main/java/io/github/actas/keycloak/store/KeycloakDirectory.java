package io.github.actas.keycloak.store;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import io.github.actas.keycloak.persistence.ServiceAccountEntity;
import io.github.actas.keycloak.policy.AcrLevels;
import io.github.actas.keycloak.policy.Directory;
import io.github.actas.keycloak.policy.GroupPrincipal;
import io.github.actas.keycloak.policy.Principal;
import org.keycloak.models.ClientModel;
import org.keycloak.models.GroupModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.protocol.oidc.utils.AcrUtils;

/**
 * Resolves users and groups of one realm into the facts the policy works on. Lookups are by key
 * (username, id, group path); nothing here ever lists or scans the realm's users.
 */
public final class KeycloakDirectory implements Directory {

    /** Longer inputs cannot be usernames, ids or paths Keycloak stores: refuse without a lookup. */
    private static final int MAX_LOOKUP_LENGTH = 255;
    /** Group paths are names joined by slashes; longer ones are refused without a lookup. */
    public static final int MAX_GROUP_PATH_LENGTH = 1000;

    private final KeycloakSession session;
    private final RealmModel realm;
    private final ClientModel client;
    private final boolean adminRealm;
    private Map<String, Integer> loaMap;
    private Boolean usernamesChosenByUsers;

    /**
     * @param client         the client whose acr-to-LoA map applies (falls back to the realm's), or null
     * @param adminRealmName the name of Keycloak's administration realm (read once at startup)
     */
    KeycloakDirectory(KeycloakSession session, RealmModel realm, ClientModel client, String adminRealmName) {
        this.session = session;
        this.realm = realm;
        this.client = client;
        this.adminRealm = realm.getName().equals(adminRealmName);
    }

    @Override
    public Principal findUser(String usernameOrId) {
        UserModel user = findUserModel(usernameOrId);
        return user == null ? null : principal(user);
    }

    /**
     * @return the Keycloak user with this username or id in this realm, or null; a group's or a service account's
     *         principal is no person and never a user target, so it is not found here
     */
    public UserModel findUserModel(String usernameOrId) {
        if (!plausibleKey(usernameOrId)) {
            return null;
        }
        UserModel user = session.users().getUserByUsername(realm, usernameOrId);
        return user != null ? person(user) : findUserModelById(usernameOrId);
    }

    /**
     * @return the Keycloak user with this id, or null, as {@link #findUserModel} would find it but by id only: for
     *         a candidate already known by its id, through Keycloak's user cache and without a username query
     */
    public UserModel findUserModelById(String id) {
        return plausibleKey(id) ? person(session.users().getUserById(realm, id)) : null;
    }

    private static boolean plausibleKey(String usernameOrId) {
        return usernameOrId != null && !usernameOrId.isBlank() && usernameOrId.length() <= MAX_LOOKUP_LENGTH;
    }

    /** A group's or a service account's principal is no person and never a user target, so it is not found here. */
    private static UserModel person(UserModel user) {
        return user == null || GroupPrincipals.isActAsPrincipal(user) ? null : user;
    }

    @Override
    public GroupPrincipal findGroup(String path) {
        GroupModel group = findGroupModel(path);
        return group == null ? null : group(group);
    }

    /** @return the Keycloak group with this path (starting with {@code /}) or id in this realm, or null */
    public GroupModel findGroupModel(String pathOrId) {
        if (pathOrId == null || pathOrId.isBlank() || pathOrId.length() > MAX_GROUP_PATH_LENGTH) {
            return null;
        }
        GroupModel group = pathOrId.startsWith("/") ? KeycloakModelUtils.findGroupByPath(session, realm, pathOrId)
                : pathOrId.length() > MAX_LOOKUP_LENGTH ? null : session.groups().getGroupById(realm, pathOrId);
        // An organization's internal groups are Keycloak's business, not a target.
        return group == null || group.getType() != GroupModel.Type.REALM ? null : group;
    }

    /** Resolves a group's paths (with ancestors) and the administrative roles it and its ancestors grant. */
    public GroupPrincipal group(GroupModel group) {
        Set<String> paths = new HashSet<>();
        Deque<RoleModel> roles = new ArrayDeque<>();
        for (GroupModel g = group; g != null; g = g.getParent()) {
            paths.add(KeycloakModelUtils.buildGroupPath(g));
            g.getRoleMappingsStream().forEach(roles::add);
        }
        Set<String> adminRoles = new HashSet<>();
        expand(roles, new HashSet<>(), adminRoles);
        return new GroupPrincipal(group.getId(), KeycloakModelUtils.buildGroupPath(group), paths, adminRoles);
    }

    @Override
    public int acrLevel(String acr) {
        int number = AcrLevels.parseNumber(acr);
        if (number >= 0) {
            return number;
        }
        if (loaMap == null) {
            loaMap = client != null ? AcrUtils.getAcrLoaMap(client) : AcrUtils.getAcrLoaMap(realm);
        }
        return AcrLevels.level(acr, loaMap);
    }

    @Override
    public boolean usernamesChosenByUsers() {
        if (usernamesChosenByUsers == null) {
            usernamesChosenByUsers = usernamesChosenByUsers(session, realm);
        }
        return usernamesChosenByUsers;
    }

    /**
     * Whether people pick or change usernames themselves in {@code realm}: by registering, by editing their
     * username, through their email address (email as username), or through an identity provider's first
     * sign-in (the IdP, or the person on its review page, supplies the username).
     */
    static boolean usernamesChosenByUsers(KeycloakSession session, RealmModel realm) {
        return new KeycloakRealmCatalog(session, realm).selfChosenUsernames() != null;
    }

    /** Resolves a user's groups (with ancestors) and effective roles (composites and group roles expanded). */
    public Principal principal(UserModel user) {
        Set<String> groupPaths = new HashSet<>();
        Deque<RoleModel> pending = new ArrayDeque<>();
        user.getRoleMappingsStream().forEach(pending::add);
        try (Stream<GroupModel> groups = user.getGroupsStream()) {
            groups.forEach(group -> {
                for (GroupModel g = group; g != null; g = g.getParent()) {
                    if (groupPaths.add(KeycloakModelUtils.buildGroupPath(g))) {
                        g.getRoleMappingsStream().forEach(pending::add);
                    }
                }
            });
        }
        Set<String> roles = new HashSet<>();
        Set<String> adminRoles = new HashSet<>();
        expand(pending, roles, adminRoles);

        String serviceAccountOf = null;
        if (user.getServiceAccountClientLink() != null) {
            ClientModel owner = realm.getClientById(user.getServiceAccountClientLink());
            // A dangling link still marks a service account: it must never be swept in by wildcards.
            serviceAccountOf = owner != null ? owner.getClientId() : user.getServiceAccountClientLink();
        }
        Principal.Builder principal = ServiceAccounts.isPrincipal(user)
                ? serviceAccount(user)
                : Principal.builder(user.getId(), user.getUsername());
        return principal
                .enabled(user.isEnabled())
                .groupPaths(groupPaths)
                .roles(roles)
                .adminRoles(adminRoles)
                .serviceAccountOf(serviceAccountOf)
                // A group's principal only ever holds tokens of acting as its group: it cannot act again.
                .acting(GroupPrincipals.is(user))
                .build();
    }

    /**
     * An Act-As service account's principal: named {@code sa:<name>}, and limited to its account's namespace. An
     * account that no longer exists (or was revoked) keeps a namespace holding nobody, so its principal cannot
     * act whatever a grant says.
     */
    private Principal.Builder serviceAccount(UserModel user) {
        ServiceAccountEntity account = new ServiceAccounts(session).find(realm, user.getFirstAttribute(ServiceAccounts.ATTRIBUTE));
        if (account == null || account.getRevoked() > 0) {
            return Principal.builder(user.getId(), user.getUsername())
                    .actAsServiceAccount(user.getUsername(), new Principal.Namespace(null));
        }
        Principal.Namespace namespace = Principal.Namespace.REALM;
        if (account.getNamespaceId() != null) {
            GroupModel group = session.groups().getGroupById(realm, account.getNamespaceId());
            namespace = new Principal.Namespace(group == null ? null : KeycloakModelUtils.buildGroupPath(group));
        }
        return Principal.builder(user.getId(), Principal.serviceAccountName(account.getName()))
                .actAsServiceAccount(account.getName(), namespace);
    }

    private void expand(Deque<RoleModel> pending, Set<String> roles, Set<String> adminRoles) {
        Set<String> seen = new HashSet<>();
        while (!pending.isEmpty()) {
            RoleModel role = pending.pop();
            if (!seen.add(role.getId())) {
                continue;
            }
            String key = key(role);
            roles.add(key);
            if (AdminRoles.isAdministrative(session, adminRealm, role)) {
                adminRoles.add(key);
            }
            if (role.isComposite()) {
                role.getCompositesStream().forEach(pending::add);
            }
        }
    }

    /** The name grants use for a role: {@code role} for realm roles, {@code clientId/role} for client roles. */
    static String key(RoleModel role) {
        if (role.isClientRole() && role.getContainer() instanceof ClientModel client) {
            return client.getClientId() + "/" + role.getName();
        }
        return role.getName();
    }
}
