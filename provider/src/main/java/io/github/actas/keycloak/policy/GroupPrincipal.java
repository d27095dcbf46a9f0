package io.github.actas.keycloak.policy;

import java.util.Set;

/**
 * A group as a target of {@link Mode#GROUP}: its path, the paths of the group and its ancestors
 * (for subtree matching) and the administrative roles the group (or a parent) grants.
 */
public record GroupPrincipal(String id, String path, Set<String> paths, Set<String> adminRoles) {

    public GroupPrincipal {
        paths = Set.copyOf(paths);
        adminRoles = Set.copyOf(adminRoles);
    }
}
