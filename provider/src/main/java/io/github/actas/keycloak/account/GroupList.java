package io.github.actas.keycloak.account;

import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import io.github.actas.keycloak.policy.Decision;
import io.github.actas.keycloak.policy.Grant;
import io.github.actas.keycloak.policy.Mode;
import org.keycloak.models.GroupModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * The groups a signed-in person may act as from the account console, one page at a time. Candidates come
 * only from the person's own group-mode grants (each group a grant's {@code targets.groups} names, then its
 * subgroups, lazily); every candidate is decided by the same policy as the doors, for the account console
 * client, and work is bounded per page ({@link CandidatePages}).
 */
public final class GroupList {

    private final KeycloakSession session;
    private final RealmModel realm;

    public GroupList(KeycloakSession session, RealmModel realm) {
        this.session = session;
        this.realm = realm;
    }

    /**
     * @param acting whether the person is already acting (then nothing is listed: no chains)
     * @param search part of a group's path, or null
     * @return {@code {holdsGrants, groups: [{id, path, name, grant, maxDurationSeconds, requireReason, requireAcr}],
     *         first, max, more}}
     */
    public Map<String, Object> page(UserModel person, boolean acting, String search, int first, int after, int max) {
        CandidatePages.Asker asker = new CandidatePages.Asker(session, realm, person, Mode.GROUP);
        String term = search == null || search.isBlank() ? null : search.trim().toLowerCase(Locale.ROOT);
        Iterator<GroupModel> candidates = asker.grants().isEmpty() || acting || !person.isEnabled() ? Collections.emptyIterator()
                : asker.grants().stream().flatMap(grant -> grant.targets().groups().stream())
                        .flatMap(this::subtree)
                        .filter(group -> term == null || KeycloakModelUtils.buildGroupPath(group).toLowerCase(Locale.ROOT).contains(term))
                        .iterator();
        return CandidatePages.page("groups", !asker.grants().isEmpty(), candidates, GroupModel::getId, group -> {
            Decision decision = asker.decide(Mode.GROUP, null, group.getId());
            Grant grant = CandidatePages.usableGrant(decision);
            return grant == null ? null : row(group, grant, decision.durationSeconds());
        }, first, after, max);
    }

    private Stream<GroupModel> subtree(String path) {
        GroupModel group = KeycloakModelUtils.findGroupByPath(session, realm, path);
        return group == null ? Stream.empty() : subtree(group);
    }

    private Stream<GroupModel> subtree(GroupModel group) {
        return Stream.concat(Stream.of(group), group.getSubGroupsStream().flatMap(this::subtree));
    }

    private static Map<String, Object> row(GroupModel group, Grant grant, int durationSeconds) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", group.getId());
        row.put("path", KeycloakModelUtils.buildGroupPath(group));
        row.put("name", group.getName());
        return CandidatePages.limits(row, grant, durationSeconds);
    }
}
