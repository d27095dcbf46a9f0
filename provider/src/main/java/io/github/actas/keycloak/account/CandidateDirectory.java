package io.github.actas.keycloak.account;

import io.github.actas.keycloak.policy.Directory;
import io.github.actas.keycloak.policy.GroupPrincipal;
import io.github.actas.keycloak.policy.Principal;
import io.github.actas.keycloak.store.KeycloakDirectory;
import org.keycloak.models.UserModel;

/**
 * The policy's directory for one page of the account console's lists. Every candidate there is a user the list
 * already holds, named by id: it is looked up by id through Keycloak's user cache, never first as a username
 * (that query missed every time, and each query flushes the whole persistence context of the page).
 */
final class CandidateDirectory implements Directory {

    private final KeycloakDirectory directory;

    CandidateDirectory(KeycloakDirectory directory) {
        this.directory = directory;
    }

    @Override
    public Principal findUser(String id) {
        UserModel user = directory.findUserModelById(id);
        return user == null ? null : directory.principal(user);
    }

    @Override
    public GroupPrincipal findGroup(String pathOrId) {
        return directory.findGroup(pathOrId);
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
