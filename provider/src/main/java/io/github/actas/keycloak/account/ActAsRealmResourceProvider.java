package io.github.actas.keycloak.account;

import org.keycloak.models.KeycloakSession;
import org.keycloak.services.resource.RealmResourceProvider;

/** Mounts {@link ActAsRealmResource} at {@code /realms/{realm}/act-as}. */
final class ActAsRealmResourceProvider implements RealmResourceProvider {

    private final KeycloakSession session;

    ActAsRealmResourceProvider(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public Object getResource() {
        return new ActAsRealmResource(session);
    }

    @Override
    public void close() {
    }
}
