package io.github.actas.keycloak.policy;

/**
 * Looks up targets in the realm the decision is about. The policy asks only after it has established
 * that the actor holds a grant, so actors without grants cannot use a door to probe who exists.
 */
public interface Directory {

    /** @return the user with this username or id in this realm, or null */
    Principal findUser(String usernameOrId);

    /** @return the group with this path in this realm, or null */
    GroupPrincipal findGroup(String path);

    /** @return the level of assurance of an acr value (a number or a mapped name), or -1 if unknown */
    int acrLevel(String acr);

    /**
     * @return whether people can choose or change their own username in this realm (registration,
     *         username editing, email as username, identity providers): then a username names nobody
     *         reliably, and grants match actors by id, group, role or client instead
     */
    boolean usernamesChosenByUsers();
}
