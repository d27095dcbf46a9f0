package io.github.actas.keycloak.account;

import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.StreamSupport;

import io.github.actas.keycloak.policy.Decision;
import io.github.actas.keycloak.policy.Grant;
import io.github.actas.keycloak.policy.Mode;
import jakarta.persistence.EntityManager;
import jakarta.persistence.FlushModeType;
import org.keycloak.connections.jpa.JpaConnectionProvider;
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
                : filtered(candidates(asker.grants(), term).passingOver(after), term);
        // A page only reads, but it loads hundreds of users into the request's persistence context, and in the
        // default flush mode every later query (each chunk, each user the cache loads) first dirty-checks all of
        // them. Nothing this request changed needs flushing before these reads; the commit still flushes.
        EntityManager em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
        FlushModeType mode = em.getFlushMode();
        em.setFlushMode(FlushModeType.COMMIT);
        try {
            return CandidatePages.page("targets", !asker.grants().isEmpty(), candidates, UserModel::getId, user -> {
                Decision decision = asker.decide(Mode.IMPERSONATE, user.getId(), null);
                Grant grant = CandidatePages.usableGrant(decision);
                return grant == null ? null : row(user, grant, decision.durationSeconds());
            }, first, after, max);
        } finally {
            em.setFlushMode(mode);
        }
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
    private UserCandidates candidates(List<Grant> grants, String term) {
        UserCandidates out = new UserCandidates();
        int limit = CandidatePages.SCAN_LIMIT;
        if (term != null) {
            return out.search((first, max) -> session.users().searchForUserStream(realm, Map.of(UserModel.SEARCH, term), first, max), limit);
        }
        for (Grant grant : grants) {
            for (String pattern : grant.targets().users()) {
                int wildcard = indexOfWildcard(pattern);
                if (wildcard < 0) {
                    out.user(() -> session.users().getUserByUsername(realm, pattern));
                } else {
                    // The literal start of the pattern narrows Keycloak's username search; the policy checks the rest.
                    Map<String, String> prefix = Map.of(UserModel.USERNAME, pattern.substring(0, wildcard),
                            UserModel.INCLUDE_SERVICE_ACCOUNT, "false");
                    out.query((first, max) -> session.users().searchForUserStream(realm, prefix, first, max), limit);
                }
            }
            for (String path : grant.targets().groups()) {
                GroupModel group = KeycloakModelUtils.findGroupByPath(session, realm, path);
                if (group != null) {
                    out.subtree(session, realm, group, limit);
                }
            }
            for (String role : grant.targets().roles()) {
                RoleModel model = role(role);
                if (model != null) {
                    out.query((first, max) -> session.users().getRoleMembersStream(realm, model, first, max), limit);
                }
            }
        }
        return out;
    }

    private RoleModel role(String role) {
        int slash = role.indexOf('/');
        if (slash > 0) {
            ClientModel client = realm.getClientByClientId(role.substring(0, slash));
            return client == null ? null : client.getRole(role.substring(slash + 1));
        }
        return realm.getRole(role);
    }

    private static int indexOfWildcard(String pattern) {
        for (int i = 0; i < pattern.length(); i++) {
            if (pattern.charAt(i) == '*' || pattern.charAt(i) == '?') {
                return i;
            }
        }
        return -1;
    }

    /** Listed users hold the term in their username, email or name, whatever Keycloak's search syntax made of it. */
    private static Iterator<UserModel> filtered(Iterator<UserModel> users, String term) {
        if (term == null) {
            return users;
        }
        Iterable<UserModel> all = () -> users;
        return StreamSupport.stream(all.spliterator(), false).filter(user -> matches(user, term)).iterator();
    }

    private static boolean matches(UserModel user, String term) {
        return contains(user.getUsername(), term) || contains(user.getEmail(), term)
                || contains(user.getFirstName(), term) || contains(user.getLastName(), term);
    }

    private static boolean contains(String value, String term) {
        return value != null && value.toLowerCase(Locale.ROOT).contains(term);
    }
}
