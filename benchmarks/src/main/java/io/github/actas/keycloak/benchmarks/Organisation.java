package io.github.actas.keycloak.benchmarks;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.github.actas.keycloak.policy.Directory;
import io.github.actas.keycloak.policy.Grant;
import io.github.actas.keycloak.policy.GroupPrincipal;
import io.github.actas.keycloak.policy.Mode;
import io.github.actas.keycloak.policy.Principal;
import io.github.actas.keycloak.policy.Selector;

/**
 * A synthetic but realistic organisation: teams whose leads may act as the customers of their segment
 * (group subtrees, with exclusions and a ticket-id reason), operators with username globs, auditors by
 * role, services acting by client id, a few exact-name grants, and realm-wide support grants.
 */
final class Organisation {

    static final int SEGMENTS = 50;

    final List<Grant> grants = new ArrayList<>();
    final Principal lead;
    final Principal stranger;
    final Principal customer;
    final Directory directory;

    Organisation(int grantCount) {
        int global = Math.min(3, grantCount);
        for (int g = 0; g < global; g++) {
            grants.add(grant("support-" + g, new Selector(List.of(), List.of("/support/tier-" + g), List.of(), List.of()),
                    new Selector(List.of(), List.of("/customers"), List.of(), List.of()), EnumSet.of(Mode.IMPERSONATE)));
        }
        for (int i = 0; grants.size() < grantCount; i++) {
            int kind = i % 20;
            if (kind < 14) { // 70%: team leads act for their segment's customers
                grants.add(grant("team-" + i,
                        new Selector(List.of(), List.of("/teams/team-" + i + "/leads"), List.of(), List.of()),
                        new Selector(List.of(), List.of("/customers/segment-" + (i % SEGMENTS)), List.of(), List.of()),
                        EnumSet.of(Mode.IMPERSONATE)));
            } else if (kind < 16) { // 10%: operators by username glob
                grants.add(grant("ops-" + i, new Selector(List.of("ops-" + i + "-*"), List.of(), List.of(), List.of()),
                        new Selector(List.of("cust-" + i + "-*"), List.of(), List.of(), List.of()), EnumSet.of(Mode.IMPERSONATE)));
            } else if (kind < 18) { // 10%: auditors by role
                grants.add(grant("audit-" + i, new Selector(List.of(), List.of(), List.of("auditor-" + i), List.of()),
                        new Selector(List.of(), List.of(), List.of("customer"), List.of()), EnumSet.of(Mode.IMPERSONATE, Mode.DELEGATE)));
            } else if (kind < 19) { // 5%: services delegate
                grants.add(grant("svc-" + i, new Selector(List.of(), List.of(), List.of(), List.of("svc-" + i)),
                        new Selector(List.of(), List.of("/customers"), List.of(), List.of()), EnumSet.of(Mode.DELEGATE)));
            } else { // 5%: exact names
                grants.add(grant("pair-" + i, new Selector(List.of("lead-" + i + "-0"), List.of(), List.of(), List.of()),
                        new Selector(List.of("cust-" + i + "-0"), List.of(), List.of(), List.of()), EnumSet.of(Mode.IMPERSONATE)));
            }
        }

        // The actor leads a team that exists at every size (team-0 is the first team grant).
        int team = 0;
        Set<String> commonRoles = Set.of("default-roles-acme", "offline_access", "uma_authorization",
                "account/manage-account", "account/view-profile", "account/manage-account-links", "employee");
        lead = Principal.builder("id-lead", "lead-" + team + "-1")
                .groupPaths(Set.of("/teams", "/teams/team-" + team, "/teams/team-" + team + "/leads", "/staff"))
                .roles(union(commonRoles, Set.of("team-lead", "crm/reader", "crm/writer", "wiki/editor")))
                .build();
        stranger = Principal.builder("id-stranger", "stranger-1")
                .groupPaths(Set.of("/teams", "/teams/team-x", "/teams/team-x/members", "/staff"))
                .roles(union(commonRoles, Set.of("crm/reader", "wiki/editor")))
                .build();
        customer = Principal.builder("id-cust", "cust-" + team + "-7")
                .groupPaths(Set.of("/customers", "/customers/segment-" + (team % SEGMENTS)))
                .roles(union(commonRoles, Set.of("customer")))
                .build();

        Map<String, Principal> users = new HashMap<>();
        for (Principal p : List.of(lead, stranger, customer)) {
            users.put(p.username(), p);
            users.put(p.id(), p);
        }
        directory = new Directory() {
            @Override
            public Principal findUser(String usernameOrId) {
                return users.get(usernameOrId);
            }

            @Override
            public GroupPrincipal findGroup(String path) {
                return null;
            }

            @Override
            public int acrLevel(String acr) {
                return -1;
            }

            @Override
            public boolean usernamesChosenByUsers() {
                return false;
            }
        };
    }

    private static Grant grant(String name, Selector actors, Selector targets, Set<Mode> modes) {
        return new Grant("id-" + name, name, null, true, actors, targets,
                new Selector(List.of("vip-*"), List.of("/customers/vip"), List.of("vip"), List.of()),
                modes, List.of("portal", "crm"), 1800, true, "[A-Z]+-[0-9]+", "T-1234", null, false, false, null, null, false);
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> out = new HashSet<>(a);
        out.addAll(b);
        return out;
    }
}
