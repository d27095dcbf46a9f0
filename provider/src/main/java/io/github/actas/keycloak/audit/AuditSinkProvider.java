package io.github.actas.keycloak.audit;

import org.keycloak.provider.Provider;

/**
 * The component type audit sinks are stored as: one Keycloak component per sink, child of its realm
 * (realm export key {@code "io.github.actas.keycloak.audit.AuditSinkProvider"}). Keycloak stores this
 * interface's name with every sink, so it keeps its name and package; sinks are read from the
 * components ({@code audit.delivery}), never through it.
 */
public interface AuditSinkProvider extends Provider {

    @Override
    default void close() {
    }
}
