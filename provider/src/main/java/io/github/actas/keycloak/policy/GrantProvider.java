package io.github.actas.keycloak.policy;

import org.keycloak.provider.Provider;

/**
 * The component type grants are stored as: one Keycloak component per grant, child of its realm.
 * Components are cached and replicated by Keycloak and travel with realm export and import, under this
 * interface's name ({@code components."io.github.actas.keycloak.policy.GrantProvider"}). Keycloak stores
 * that name with every grant, so this marker keeps its name and package; it is the policy core's one
 * Keycloak type. Grants are read from the components ({@code store}), never through it.
 */
public interface GrantProvider extends Provider {

    @Override
    default void close() {
    }
}
