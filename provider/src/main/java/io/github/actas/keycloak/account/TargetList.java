package io.github.actas.keycloak.account;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import io.github.actas.keycloak.policy.ActAsRequest;
import io.github.actas.keycloak.policy.Decision;
import io.github.actas.keycloak.policy.Denial;
import io.github.actas.keycloak.policy.Grant;
import io.github.actas.keycloak.policy.Mode;
import io.github.actas.keycloak.policy.Policy;
import io.github.actas.keycloak.policy.Principal;
import io.github.actas.keycloak.store.ActAsPolicyProvider;
import org.keycloak.models.ClientModel;
import org.keycloak.models.Constants;
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
 * as the doors, for the account console client. Work is bounded per page ({@link #SCAN_LIMIT}), so a
 * large realm is never scanned in full.
 */
public final class TargetList {

    /** At most this many candidate users are examined for one page. */
    static final int SCAN_LIMIT = 2000;

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
    public Map<String, Object> page(UserModel person, boolean acting, String search, int first, int max) {
        ActAsPolicyProvider policyProvider = session.getProvider(ActAsPolicyProvider.class);
        ClientModel console = realm.getClientByClientId(Constants.ACCOUNT_CONSOLE_CLIENT_ID);
        Policy policy = policyProvider.policy(realm);
        Principal actor = policyProvider.principal(realm, person);
        List<Grant> grants = new ArrayList<>();
        for (Grant grant : policy.grantsOf(actor, policyProvider.directory(realm, console))) {
            if (grant.modes().contains(Mode.IMPERSONATE)) {
                grants.add(grant);
            }
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("holdsGrants", !grants.isEmpty());
        List<Map<String, Object>> targets = new ArrayList<>();
        boolean more = false;
        if (!grants.isEmpty() && !acting && person.isEnabled()) {
            String term = search == null || search.isBlank() ? null : search.trim().toLowerCase(Locale.ROOT);
            Set<String> seen = new HashSet<>();
            int skipped = 0;
            int scanned = 0;
            Iterator<UserModel> candidates = candidates(grants, term).iterator();
            while (candidates.hasNext() && scanned < SCAN_LIMIT) {
                UserModel user = candidates.next();
                scanned++;
                if (!seen.add(user.getId()) || term != null && !matches(user, term)) {
                    continue;
                }
                Decision decision = policyProvider.decide(policy, realm, console, new ActAsRequest(actor, Mode.IMPERSONATE,
                        user.getId(), null, Constants.ACCOUNT_CONSOLE_CLIENT_ID, null, null), false);
                Grant grant = decision.allowed() ? decision.grant()
                        : decision.denial() == Denial.REASON_REQUIRED || decision.denial() == Denial.STEP_UP_REQUIRED
                        ? decision.pendingGrant() : null;
                if (grant == null) {
                    continue;
                }
                if (skipped < first) {
                    skipped++;
                    continue;
                }
                if (targets.size() == max) {
                    more = true;
                    break;
                }
                targets.add(row(user, grant, decision.durationSeconds()));
            }
        }
        body.put("targets", targets);
        body.put("first", first);
        body.put("max", max);
        body.put("more", more);
        return body;
    }

    private static Map<String, Object> row(UserModel user, Grant grant, int durationSeconds) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", user.getId());
        row.put("username", user.getUsername());
        row.put("firstName", user.getFirstName());
        row.put("lastName", user.getLastName());
        row.put("email", user.getEmail());
        row.put("grant", grant.name());
        row.put("maxDurationSeconds", durationSeconds);
        row.put("requireReason", grant.reasonNeeded());
        row.put("requireAcr", grant.requireAcr());
        return row;
    }

    /** Users the grants could cover, lazily; the policy decides each one. */
    private Stream<UserModel> candidates(List<Grant> grants, String term) {
        if (term != null) {
            return session.users().searchForUserStream(realm, Map.of(UserModel.SEARCH, term), 0, SCAN_LIMIT);
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
                UserModel.INCLUDE_SERVICE_ACCOUNT, "false"), 0, SCAN_LIMIT);
    }

    private Stream<UserModel> groupMembers(String path) {
        GroupModel group = KeycloakModelUtils.findGroupByPath(session, realm, path);
        return group == null ? Stream.empty() : subtree(group);
    }

    private Stream<UserModel> subtree(GroupModel group) {
        return Stream.concat(session.users().getGroupMembersStream(realm, group, 0, SCAN_LIMIT),
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
        return model == null ? Stream.empty() : session.users().getRoleMembersStream(realm, model, 0, SCAN_LIMIT);
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
