package io.github.actas.keycloak.store;

import io.github.actas.keycloak.policy.AcrLevels;
import io.github.actas.keycloak.policy.RealmCatalog;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.protocol.oidc.utils.AcrUtils;

/** {@link RealmCatalog} over a Keycloak realm. */
final class KeycloakRealmCatalog implements RealmCatalog {

    private final KeycloakSession session;
    private final RealmModel realm;

    KeycloakRealmCatalog(KeycloakSession session, RealmModel realm) {
        this.session = session;
        this.realm = realm;
    }

    @Override
    public boolean groupExists(String path) {
        return KeycloakModelUtils.findGroupByPath(session, realm, path) != null;
    }

    @Override
    public boolean clientExists(String clientId) {
        return realm.getClientByClientId(clientId) != null;
    }

    @Override
    public boolean roleExists(String role) {
        if (realm.getRole(role) != null) {
            return true;
        }
        // clientId/role; client ids may themselves contain '/', so try every split.
        for (int slash = role.indexOf('/'); slash > 0; slash = role.indexOf('/', slash + 1)) {
            ClientModel client = realm.getClientByClientId(role.substring(0, slash));
            if (client != null && client.getRole(role.substring(slash + 1)) != null) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean acrKnown(String acr) {
        return AcrLevels.parseNumber(acr) >= 0 || AcrUtils.getAcrLoaMap(realm).containsKey(acr);
    }

    @Override
    public String selfChosenUsernames() {
        if (realm.isRegistrationAllowed()) {
            return "user registration is on";
        }
        if (realm.isEditUsernameAllowed()) {
            return "users may edit their username";
        }
        if (realm.isRegistrationEmailAsUsername()) {
            return "the email address is the username";
        }
        if (session.identityProviders().isIdentityFederationEnabled()) {
            return "identity providers create users with usernames of their own";
        }
        return null;
    }

    @Override
    public boolean userIdExists(String id) {
        return id.length() <= 36 && session.users().getUserById(realm, id) != null;
    }

    @Override
    public boolean grantNameTaken(String name, String exceptId) {
        return realm.getComponentsStream(realm.getId(), GrantProviderFactory.PROVIDER_TYPE)
                .anyMatch(c -> c.getName() != null && c.getName().equalsIgnoreCase(name) && !c.getId().equals(exceptId));
    }
}
