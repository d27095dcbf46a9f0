package io.github.actas.keycloak.policy;

import java.util.List;

/**
 * Who a grant names: username globs, group paths (a group covers its subgroups), effective roles
 * ({@code role} or {@code clientId/role}) and, for actors only, client ids whose service account may act and
 * Act-As service accounts by name glob. Lists are never null.
 */
public record Selector(List<String> users, List<String> groups, List<String> roles, List<String> clients,
                       List<String> serviceAccounts) {

    public static final Selector EMPTY = new Selector(List.of(), List.of(), List.of(), List.of(), List.of());

    public Selector {
        users = users == null ? List.of() : List.copyOf(users);
        groups = groups == null ? List.of() : List.copyOf(groups);
        roles = roles == null ? List.of() : List.copyOf(roles);
        clients = clients == null ? List.of() : List.copyOf(clients);
        serviceAccounts = serviceAccounts == null ? List.of() : List.copyOf(serviceAccounts);
    }

    /** A selector naming no Act-As service account (every target selector, most actor selectors). */
    public Selector(List<String> users, List<String> groups, List<String> roles, List<String> clients) {
        this(users, groups, roles, clients, List.of());
    }

    public boolean isEmpty() {
        return users.isEmpty() && groups.isEmpty() && roles.isEmpty() && clients.isEmpty() && serviceAccounts.isEmpty();
    }
}
