package io.github.actas.keycloak.admin;

import java.util.List;

/**
 * What {@code POST /service-accounts} accepts.
 *
 * @param namespace a group path: the account acts only inside that group's subtree (null: the whole realm)
 * @param actsAs    whom the account acts as ({@code {"user": …}} or {@code {"group": …}}), or null: as itself
 * @param clients   the clients that may use the key
 * @param expiresAt an ISO-8601 instant in the future (null: the server's default lifetime)
 */
public record ServiceAccountRequest(String name, String description, String namespace, ActsAs actsAs,
                                    List<String> clients, String expiresAt) {

    /** One of the two. */
    public record ActsAs(String user, String group) {
    }
}
