package io.github.actas.keycloak.store;

import java.util.List;

import org.keycloak.component.ComponentModel;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * A value that changes whenever the realm's grants change, held by a component of the realm
 * ({@link GrantsRevisionProviderFactory}). Components are replicated and cache-invalidated by Keycloak
 * across the cluster, so every node sees a new revision and recompiles; and unlike a realm attribute,
 * saving a stale realm representation cannot put an old revision back (which would let a node keep
 * deciding with grants that no longer exist).
 */
public final class GrantsRevision {

    /** Where revisions lived before 0.2; removed on the next change. */
    static final String LEGACY_ATTRIBUTE = "act-as.grants.revision";
    private static final String NAME = "act-as grants revision";

    private GrantsRevision() {
    }

    /** @return the current revision, or null for a realm whose grants never changed through Keycloak */
    public static String of(RealmModel realm) {
        List<ComponentModel> holders = holders(realm);
        if (holders.isEmpty()) {
            return null;
        }
        if (holders.size() == 1) {
            return holders.get(0).get(GrantsRevisionProviderFactory.REVISION);
        }
        // Two nodes created the holder at once: both values together are the revision until the next bump.
        StringBuilder combined = new StringBuilder();
        holders.stream().sorted((a, b) -> a.getId().compareTo(b.getId()))
                .forEach(c -> combined.append(c.getId()).append('=').append(c.get(GrantsRevisionProviderFactory.REVISION)).append(';'));
        return combined.toString();
    }

    /** Gives the realm a new revision, in the caller's transaction. */
    public static void bump(RealmModel realm) {
        List<ComponentModel> holders = holders(realm);
        String revision = KeycloakModelUtils.generateId();
        if (holders.isEmpty()) {
            ComponentModel holder = new ComponentModel();
            holder.setName(NAME);
            holder.setParentId(realm.getId());
            holder.setProviderId(GrantsRevisionProviderFactory.PROVIDER_ID);
            holder.setProviderType(GrantsRevisionProviderFactory.PROVIDER_TYPE);
            holder.put(GrantsRevisionProviderFactory.REVISION, revision);
            realm.addComponentModel(holder);
        } else {
            ComponentModel holder = new ComponentModel(holders.get(0)); // never change the cached instance
            holder.put(GrantsRevisionProviderFactory.REVISION, revision);
            realm.updateComponent(holder);
            for (ComponentModel extra : holders.subList(1, holders.size())) {
                realm.removeComponent(extra);
            }
        }
        if (realm.getAttribute(LEGACY_ATTRIBUTE) != null) {
            realm.removeAttribute(LEGACY_ATTRIBUTE);
        }
    }

    private static List<ComponentModel> holders(RealmModel realm) {
        return realm.getComponentsStream(realm.getId(), GrantsRevisionProviderFactory.PROVIDER_TYPE).toList();
    }
}
