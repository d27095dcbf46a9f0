package io.github.actas.keycloak.store;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

import org.jboss.logging.Logger;
import org.keycloak.models.GroupModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ModelException;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * The principal of a group: who a token "as group /customers/eu" is about. It is a Keycloak user of the
 * realm, so that Keycloak's whole token machinery (sessions, mappers, userinfo, introspection, logout)
 * works on it, and it is a member of its group and of nothing else, so that Keycloak gives it exactly the
 * group's and its ancestors' roles. Its names and e-mail address are placeholders that satisfy Keycloak's
 * default user profile; tokens of the group leave them out. Operators recognise it by its username {@code act-as-group-<group id>}
 * and its attribute {@value #ATTRIBUTE} (the group's id).
 *
 * <p>Its id is derived from the group's id, so every node and every call names the same principal, and
 * only Act-As can have made a user with that id: that (not the attribute or the username, which an admin or
 * a person editing their own attributes could set) is what marks a user as a group principal. It has no
 * credentials and no personal data; the token post-processor refuses every token of it that does not come
 * from an Act-As group session, so it cannot sign in by any flow.
 */
public final class GroupPrincipals {

    /** The user attribute naming the group (for operators; not trusted on its own). */
    public static final String ATTRIBUTE = "act-as.group";
    /** The principal's username is this followed by the group's id. */
    public static final String USERNAME_PREFIX = "act-as-group-";
    /**
     * Placeholders, nobody's data: Keycloak's default user profile requires names and an e-mail address, and a
     * browser sign-in would otherwise stop to ask the actor for them. Tokens of the group never show them.
     */
    static final String FIRST_NAME = "Act-As";
    static final String LAST_NAME = "Group";
    static final String EMAIL_DOMAIN = "@act-as.invalid";

    private static final Logger LOG = Logger.getLogger(GroupPrincipals.class);

    private final KeycloakSession session;

    public GroupPrincipals(KeycloakSession session) {
        this.session = session;
    }

    /** The id of the principal of the group {@code groupId}: the same on every node and call. */
    public static String idOf(String groupId) {
        return UUID.nameUUIDFromBytes(("act-as-group-principal:" + groupId).getBytes(StandardCharsets.UTF_8)).toString();
    }

    /**
     * Whether an id is a name-based (version 3) UUID, as Act-As derives for the users it keeps; Keycloak's own
     * ids are random (version 4), so checking an ordinary user costs this one character comparison.
     */
    static boolean nameBased(String id) {
        return id != null && id.length() == 36 && id.charAt(14) == '3';
    }

    /** @return whether {@code user} is one of the users Act-As keeps: a group's or a service account's principal */
    public static boolean isActAsPrincipal(UserModel user) {
        return is(user) || ServiceAccounts.isPrincipal(user);
    }

    /** @return whether {@code user} is a group principal (its id is the one Act-As derives for its group) */
    public static boolean is(UserModel user) {
        return groupIdOf(user) != null;
    }

    /**
     * @return the group principal's group id, or null when {@code user} is no group principal. Keycloak's own ids
     *         are random (version 4) UUIDs, so every other user costs one character comparison; for a name-based
     *         id, the attribute, the username or the memberships name the group whose derived id it must be, so
     *         an administrator removing one of them does not turn the principal into an ordinary user.
     */
    public static String groupIdOf(UserModel user) {
        String id = user == null ? null : user.getId();
        if (!nameBased(id)) {
            return null;
        }
        String byAttribute = user.getFirstAttribute(ATTRIBUTE);
        if (byAttribute != null && id.equals(idOf(byAttribute))) {
            return byAttribute;
        }
        String username = user.getUsername();
        if (username != null && username.startsWith(USERNAME_PREFIX)
                && id.equals(idOf(username.substring(USERNAME_PREFIX.length())))) {
            return username.substring(USERNAME_PREFIX.length());
        }
        return user.getGroupsStream().map(GroupModel::getId).filter(groupId -> id.equals(idOf(groupId)))
                .findFirst().orElse(null);
    }

    /** @return the group's principal if it exists, or null */
    public UserModel find(RealmModel realm, String groupId) {
        UserModel user = session.users().getUserById(realm, idOf(groupId));
        return is(user) ? user : null;
    }

    /**
     * The group's principal, created on first use and put back in shape if an administrator changed it:
     * a member of its group only, without role mappings of its own and without personal data.
     *
     * <p>It is created in a transaction of its own, so two nodes (or requests) racing to create it both end
     * up with the one that won (the derived id is the primary key); the loser's insert fails and it reads
     * the winner's. A refused request afterwards leaves the principal behind, ready for the next one.
     */
    public UserModel ensure(RealmModel realm, GroupModel group) {
        String id = idOf(group.getId());
        UserModel user = session.users().getUserById(realm, id);
        if (user == null) {
            RuntimeException failure = null;
            try {
                KeycloakModelUtils.runJobInTransaction(session.getKeycloakSessionFactory(), session.getContext(), own -> {
                    RealmModel ownRealm = own.realms().getRealm(realm.getId());
                    GroupModel ownGroup = own.groups().getGroupById(ownRealm, group.getId());
                    if (ownGroup != null && own.users().getUserById(ownRealm, id) == null) {
                        create(own, ownRealm, ownGroup, id);
                    }
                });
            } catch (RuntimeException e) {
                failure = e; // most likely another node or request created it first: look again
            }
            user = session.users().getUserById(realm, id);
            if (user == null) {
                throw failure != null ? failure : new ModelException("the principal of group " + group.getId() + " could not be created");
            }
            if (failure != null) {
                LOG.debugf("Group principal %s was created concurrently: %s", id, failure.getMessage());
            }
        }
        repair(user, group);
        return user;
    }

    private static void create(KeycloakSession session, RealmModel realm, GroupModel group, String id) {
        // Straight into Keycloak's local storage: never into a federated directory (LDAP), no default roles,
        // no default groups, no required actions.
        UserModel user = session.users().addUser(realm, id, USERNAME_PREFIX + group.getId(), false, false);
        user.setEnabled(true);
        user.setSingleAttribute(ATTRIBUTE, group.getId());
        placeholders(user, group);
        user.joinGroup(group);
    }

    private static void placeholders(UserModel user, GroupModel group) {
        user.setFirstName(FIRST_NAME);
        user.setLastName(LAST_NAME);
        user.setEmail(USERNAME_PREFIX + group.getId() + EMAIL_DOMAIN);
        user.setEmailVerified(true);
    }

    /** Membership of exactly its group, no roles of its own, only the placeholder profile: what its tokens rely on. */
    private static void repair(UserModel user, GroupModel group) {
        if (!group.getId().equals(user.getFirstAttribute(ATTRIBUTE))) {
            user.setSingleAttribute(ATTRIBUTE, group.getId());
        }
        if (!user.isEnabled()) {
            user.setEnabled(true);
        }
        List<GroupModel> others = user.getGroupsStream().filter(g -> !g.getId().equals(group.getId())).toList();
        others.forEach(user::leaveGroup);
        if (!user.isMemberOf(group)) {
            user.joinGroup(group);
        }
        List<RoleModel> own = user.getRoleMappingsStream().toList();
        own.forEach(user::deleteRoleMapping);
        if (!FIRST_NAME.equals(user.getFirstName()) || !LAST_NAME.equals(user.getLastName())
                || !(USERNAME_PREFIX + group.getId() + EMAIL_DOMAIN).equals(user.getEmail()) || !user.isEmailVerified()) {
            placeholders(user, group);
        }
    }

    /** Removes a removed group's principal (its acting sessions must have been ended first). */
    public void remove(RealmModel realm, UserModel principal) {
        session.users().removeUser(realm, principal);
    }
}
