package io.github.actas.keycloak.account;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

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
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * One page of the account console's lists (people, groups): candidates come lazily from the person's own
 * grants, each is decided by the policy, and the work per page is bounded, so a large realm is never
 * scanned in full.
 */
final class CandidatePages {

    /** At most this many candidates are examined for one page. */
    static final int SCAN_LIMIT = 2000;

    private CandidatePages() {
    }

    /**
     * A signed-in person's grants of one mode, and how a candidate is decided for them: by the doors' policy,
     * for the account console client.
     */
    static final class Asker {

        private final ActAsPolicyProvider provider;
        private final Policy policy;
        private final Principal actor;
        private final CandidateDirectory directory;
        private final List<Grant> grants = new ArrayList<>();

        Asker(KeycloakSession session, RealmModel realm, UserModel person, Mode mode) {
            this.provider = session.getProvider(ActAsPolicyProvider.class);
            ClientModel console = realm.getClientByClientId(Constants.ACCOUNT_CONSOLE_CLIENT_ID);
            this.policy = provider.policy(realm);
            this.actor = provider.principal(realm, person);
            // One directory for the page: what it reads about the realm once (acr levels, username rules) holds for all.
            this.directory = new CandidateDirectory(provider.directory(realm, console));
            for (Grant grant : policy.grantsOf(actor, directory)) {
                if (grant.modes().contains(mode)) {
                    grants.add(grant);
                }
            }
        }

        List<Grant> grants() {
            return grants;
        }

        /** The decision about acting as a user ({@code userId}) or a group ({@code groupId}). */
        Decision decide(Mode mode, String userId, String groupId) {
            return provider.decide(policy, directory, new ActAsRequest(actor, mode, userId, groupId,
                    Constants.ACCOUNT_CONSOLE_CLIENT_ID, null, null), false);
        }
    }

    /**
     * @param rowOf the row of a candidate the person may act as (allowed, or allowed once a reason or a step-up is
     *              given), or null
     * @param first rows to skip (each skipped row is decided: deep pages cost more)
     * @param after a cursor from an earlier page's {@code next}: that many candidates are passed over undecided
     * @return {@code {holdsGrants, <name>: [...], first, max, more, next}}: {@code next} (with {@code more}) is the
     *         cursor of the following page
     */
    static <T> Map<String, Object> page(String name, boolean holdsGrants, Iterator<T> candidates, Function<T, String> key,
                                        Function<T, Map<String, Object>> rowOf, int first, int after, int max) {
        List<Map<String, Object>> rows = new ArrayList<>();
        Integer next = null;
        Set<String> seen = new HashSet<>();
        int position = 0;
        int skipped = 0;
        int scanned = 0;
        while (candidates.hasNext() && scanned < SCAN_LIMIT) {
            T candidate = candidates.next();
            position++;
            if (!seen.add(key.apply(candidate)) || position <= after) {
                continue; // listed on an earlier page (or a duplicate): not decided again
            }
            scanned++;
            Map<String, Object> row = rowOf.apply(candidate);
            if (row == null) {
                continue;
            }
            if (skipped < first) {
                skipped++;
                continue;
            }
            if (rows.size() == max) {
                next = position - 1; // this candidate opens the next page
                break;
            }
            rows.add(row);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("holdsGrants", holdsGrants);
        body.put(name, rows);
        body.put("first", first);
        body.put("max", max);
        body.put("more", next != null);
        body.put("next", next);
        return body;
    }

    /** The grant a person may act under: the allowing one, or the one that allows once a reason or step-up is given. */
    static Grant usableGrant(Decision decision) {
        return decision.allowed() ? decision.grant()
                : decision.denial() == Denial.REASON_REQUIRED || decision.denial() == Denial.STEP_UP_REQUIRED
                ? decision.pendingGrant() : null;
    }

    /** The limits a row shows: the grant, the duration, what acting under it asks for. */
    static Map<String, Object> limits(Map<String, Object> row, Grant grant, int durationSeconds) {
        row.put("grant", grant.name());
        row.put("maxDurationSeconds", durationSeconds);
        row.put("requireReason", grant.reasonNeeded());
        row.put("requireAcr", grant.requireAcr());
        return row;
    }
}
