package io.github.actas.keycloak.policy;

/** What grant validation needs to know about the realm a grant belongs to. */
public interface RealmCatalog {

    boolean groupExists(String path);

    boolean clientExists(String clientId);

    /** @param role a realm role name or {@code clientId/role} */
    boolean roleExists(String role);

    /** @return whether {@code acr} is a level this realm knows (a number, or a name in its acr-to-LoA map) */
    boolean acrKnown(String acr);

    /** @return whether another stored grant (not {@code exceptId}) already has this name, ignoring case */
    boolean grantNameTaken(String name, String exceptId);
}
