package io.github.actas.keycloak.store;

import io.github.actas.keycloak.policy.Directory;
import io.github.actas.keycloak.policy.GroupPrincipal;
import io.github.actas.keycloak.policy.Principal;

/** A {@link Directory} that answers as a {@link KeycloakDirectory} does, for doors that narrow one or two look-ups. */
public abstract class ForwardingDirectory implements Directory {

    protected final KeycloakDirectory directory;

    protected ForwardingDirectory(KeycloakDirectory directory) {
        this.directory = directory;
    }

    @Override
    public Principal findUser(String usernameOrId) {
        return directory.findUser(usernameOrId);
    }

    @Override
    public GroupPrincipal findGroup(String path) {
        return directory.findGroup(path);
    }

    @Override
    public int acrLevel(String acr) {
        return directory.acrLevel(acr);
    }

    @Override
    public boolean usernamesChosenByUsers() {
        return directory.usernamesChosenByUsers();
    }
}
