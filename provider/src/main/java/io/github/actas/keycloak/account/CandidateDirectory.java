package io.github.actas.keycloak.account;

import io.github.actas.keycloak.policy.Principal;
import io.github.actas.keycloak.store.ForwardingDirectory;
import io.github.actas.keycloak.store.KeycloakDirectory;
import org.keycloak.models.UserModel;

/**
 * The policy's directory for one page of the account console's lists. Every candidate there is a user the list
 * already holds, named by id: it is looked up by id through Keycloak's user cache, never first as a username
 * (that query missed every time, and each query flushed the whole persistence context of the page).
 */
final class CandidateDirectory extends ForwardingDirectory {

    CandidateDirectory(KeycloakDirectory directory) {
        super(directory);
    }

    @Override
    public Principal findUser(String id) {
        UserModel user = directory.findUserModelById(id);
        return user == null ? null : directory.principal(user);
    }
}
