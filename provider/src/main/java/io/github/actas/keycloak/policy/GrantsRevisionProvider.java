package io.github.actas.keycloak.policy;

import org.keycloak.provider.Provider;

/**
 * The component type that holds a realm's grants revision. A component, not a realm attribute: saving a
 * stale realm representation writes every attribute back, components not. Keycloak stores this
 * interface's name with the component, so it keeps its name and package, like {@link GrantProvider}.
 */
public interface GrantsRevisionProvider extends Provider {

    @Override
    default void close() {
    }
}
