package io.github.actas.keycloak.policy;

/** What grant validation needs to know about the realm a grant belongs to. */
public interface RealmCatalog {

    boolean groupExists(String path);

    boolean clientExists(String clientId);

    /** @param role a realm role name or {@code clientId/role} */
    boolean roleExists(String role);

    /** @return whether {@code acr} is a level this realm knows (a number, or a name in its acr-to-LoA map) */
    boolean acrKnown(String acr);

    /**
     * @return why people choose or change their own username in this realm ("registration is on", ...), or
     *         null when only administrators set usernames
     */
    String selfChosenUsernames();

    /** @return whether a user with this id exists in the realm */
    boolean userIdExists(String id);

    /** @return whether another stored grant (not {@code exceptId}) already has this name, ignoring case */
    boolean grantNameTaken(String name, String exceptId);
}
