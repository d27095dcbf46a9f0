package io.github.actas.keycloak.policy;

import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * A realm attribute that changes whenever the realm's grants change. Realm attributes are
 * replicated and cache-invalidated by Keycloak across the cluster, so every node sees a new revision
 * and recompiles; no node-local state decides anything.
 */
public final class GrantsRevision {

    public static final String ATTRIBUTE = "act-as.grants.revision";

    private GrantsRevision() {
    }

    /** @return the current revision, or null for a realm whose grants never changed through Keycloak */
    public static String of(RealmModel realm) {
        return realm.getAttribute(ATTRIBUTE);
    }

    public static void bump(RealmModel realm) {
        realm.setAttribute(ATTRIBUTE, KeycloakModelUtils.generateId());
    }
}
