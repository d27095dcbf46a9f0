package io.github.actas.keycloak.policy;

import org.keycloak.provider.Provider;

/**
 * The component type that holds a realm's grants revision ({@link GrantsRevision}). A component, not
 * a realm attribute: saving a stale realm representation writes every attribute back, components not.
 */
public interface GrantsRevisionProvider extends Provider {

    @Override
    default void close() {
    }
}
