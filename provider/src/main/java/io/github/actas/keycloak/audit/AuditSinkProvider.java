package io.github.actas.keycloak.audit;

import org.keycloak.provider.Provider;

/**
 * The component type audit sinks are stored as: one Keycloak component per sink, child of its realm
 * (realm export key {@code "io.github.actas.keycloak.audit.AuditSinkProvider"}).
 */
@FunctionalInterface
public interface AuditSinkProvider extends Provider {

    AuditSinkConfig config();

    @Override
    default void close() {
    }
}
