package io.github.actas.keycloak.account;

import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import io.github.actas.keycloak.policy.Decision;
import io.github.actas.keycloak.policy.Grant;
import io.github.actas.keycloak.policy.Mode;
import org.keycloak.models.ClientModel;
import org.keycloak.models.GroupModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * The people a signed-in person may act as from the account console, one page at a time. Candidates
 * come only from the person's own grants (named users, username patterns, group members, role holders)
 * or, with a search, from Keycloak's user search; every candidate is then decided by the same policy
 * as the doors, for the account console client. Work is bounded per page ({@link CandidatePages}), so a
 * large realm is never scanned in full.
 */
public final class TargetList {

    private final KeycloakSession session;
    private final RealmModel realm;

    public TargetList(KeycloakSession session, RealmModel realm) {
        this.session = session;
        this.realm = realm;
    }

    /**
     * @param acting whether the person is already acting (then nobody is listed: no chains)
     * @return {@code {holdsGrants, targets: [...], first, max, more}}
     */
    public Map<String, Object> page(UserModel person, boolean acting, String search, int first, int after, int max) {
        CandidatePages.Asker asker = new CandidatePages.Asker(session, realm, person, Mode.IMPERSONATE);
        String term = search == null || search.isBlank() ? null : search.trim().toLowerCase(Locale.ROOT);
        Iterator<UserModel> candidates = asker.grants().isEmpty() || acting || !person.isEnabled() ? Collections.emptyIterator()
                : candidates(asker.grants(), term).filter(user -> term == null || matches(user, term)).iterator();
        return CandidatePages.page("targets", !asker.grants().isEmpty(), candidates, UserModel::getId, user -> {
            Decision decision = asker.decide(Mode.IMPERSONATE, user.getId(), null);
            Grant grant = CandidatePages.usableGrant(decision);
            return grant == null ? null : row(user, grant, decision.durationSeconds());
        }, first, after, max);
    }

    private static Map<String, Object> row(UserModel user, Grant grant, int durationSeconds) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", user.getId());
        row.put("username", user.getUsername());
        row.put("firstName", user.getFirstName());
        row.put("lastName", user.getLastName());
        row.put("email", user.getEmail());
        return CandidatePages.limits(row, grant, durationSeconds);
    }

    /** Users the grants could cover, lazily; the policy decides each one. */
    private Stream<UserModel> candidates(List<Grant> grants, String term) {
        if (term != null) {
            return session.users().searchForUserStream(realm, Map.of(UserModel.SEARCH, term), 0, CandidatePages.SCAN_LIMIT);
        }
        Stream<UserModel> out = Stream.empty();
        for (Grant grant : grants) {
            for (String pattern : grant.targets().users()) {
                out = Stream.concat(out, Stream.of(pattern).flatMap(this::usersMatching));
            }
            for (String path : grant.targets().groups()) {
                out = Stream.concat(out, Stream.of(path).flatMap(this::groupMembers));
            }
            for (String role : grant.targets().roles()) {
                out = Stream.concat(out, Stream.of(role).flatMap(this::roleMembers));
            }
        }
        return out;
    }

    private Stream<UserModel> usersMatching(String pattern) {
        int wildcard = indexOfWildcard(pattern);
        if (wildcard < 0) {
            UserModel user = session.users().getUserByUsername(realm, pattern);
            return user == null ? Stream.empty() : Stream.of(user);
        }
        // The literal start of the pattern narrows Keycloak's username search; the policy checks the rest.
        String prefix = pattern.substring(0, wildcard);
        return session.users().searchForUserStream(realm, Map.of(UserModel.USERNAME, prefix,
                UserModel.INCLUDE_SERVICE_ACCOUNT, "false"), 0, CandidatePages.SCAN_LIMIT);
    }

    private Stream<UserModel> groupMembers(String path) {
        GroupModel group = KeycloakModelUtils.findGroupByPath(session, realm, path);
        return group == null ? Stream.empty() : subtree(group);
    }

    private Stream<UserModel> subtree(GroupModel group) {
        return Stream.concat(session.users().getGroupMembersStream(realm, group, 0, CandidatePages.SCAN_LIMIT),
                group.getSubGroupsStream().flatMap(this::subtree));
    }

    private Stream<UserModel> roleMembers(String role) {
        int slash = role.indexOf('/');
        RoleModel model;
        if (slash > 0) {
            ClientModel client = realm.getClientByClientId(role.substring(0, slash));
            model = client == null ? null : client.getRole(role.substring(slash + 1));
        } else {
            model = realm.getRole(role);
        }
        return model == null ? Stream.empty() : session.users().getRoleMembersStream(realm, model, 0, CandidatePages.SCAN_LIMIT);
    }

    private static int indexOfWildcard(String pattern) {
        for (int i = 0; i < pattern.length(); i++) {
            if (pattern.charAt(i) == '*' || pattern.charAt(i) == '?') {
                return i;
            }
        }
        return -1;
    }

    private static boolean matches(UserModel user, String term) {
        return contains(user.getUsername(), term) || contains(user.getEmail(), term)
                || contains(user.getFirstName(), term) || contains(user.getLastName(), term);
    }

    private static boolean contains(String value, String term) {
        return value != null && value.toLowerCase(Locale.ROOT).contains(term);
    }
}
