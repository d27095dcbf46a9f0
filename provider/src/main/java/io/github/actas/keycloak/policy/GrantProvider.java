package io.github.actas.keycloak.policy;

import org.keycloak.provider.Provider;

/**
 * The component type grants are stored as: one Keycloak component per grant, child of its realm.
 * Components are cached and replicated by Keycloak and travel with realm export and import (under
 * {@code components."io.github.actas.keycloak.policy.GrantProvider"}).
 */
@FunctionalInterface
public interface GrantProvider extends Provider {

    Grant grant();

    @Override
    default void close() {
    }
}
