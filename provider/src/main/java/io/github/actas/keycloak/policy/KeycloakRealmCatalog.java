package io.github.actas.keycloak.policy;

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
    public boolean grantNameTaken(String name, String exceptId) {
        return realm.getComponentsStream(realm.getId(), GrantProviderFactory.PROVIDER_TYPE)
                .anyMatch(c -> c.getName() != null && c.getName().equalsIgnoreCase(name) && !c.getId().equals(exceptId));
    }
}
