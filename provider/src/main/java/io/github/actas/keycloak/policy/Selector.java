package io.github.actas.keycloak.policy;

import java.util.List;

/**
 * Who a grant names: username globs, group paths (a group covers its subgroups), effective roles
 * ({@code role} or {@code clientId/role}) and, for actors, client ids whose service account may act.
 * Lists are never null.
 */
public record Selector(List<String> users, List<String> groups, List<String> roles, List<String> clients) {

    public static final Selector EMPTY = new Selector(List.of(), List.of(), List.of(), List.of());

    public Selector {
        users = users == null ? List.of() : List.copyOf(users);
        groups = groups == null ? List.of() : List.copyOf(groups);
        roles = roles == null ? List.of() : List.copyOf(roles);
        clients = clients == null ? List.of() : List.copyOf(clients);
    }

    public boolean isEmpty() {
        return users.isEmpty() && groups.isEmpty() && roles.isEmpty() && clients.isEmpty();
    }
}
