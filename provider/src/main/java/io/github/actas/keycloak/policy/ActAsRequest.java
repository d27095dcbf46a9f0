package io.github.actas.keycloak.policy;

import java.util.List;

/**
 * What every door asks the policy: may {@code actor} act as {@code target} (a username or id) or as
 * {@code group} (a path, for {@link Mode#GROUP}), in {@code mode}, with the tokens going to
 * {@code client} (and to the clients in {@code audience}, when the caller asks for more), giving
 * {@code reason}, authenticated at {@code acr}?
 *
 * @param audience client ids the tokens are also meant for (token exchange's {@code audience}); every one
 *                 must be among the grant's clients
 */
public record ActAsRequest(Principal actor, Mode mode, String target, String group, String client,
                           String reason, String acr, List<String> audience) {

    /** The longest reason any door accepts (the column holding it is wider: it may be trimmed text). */
    public static final int MAX_REASON_LENGTH = 255;

    public ActAsRequest {
        audience = audience == null ? List.of() : List.copyOf(audience);
    }

    /** A request whose tokens go to {@code client} only. */
    public ActAsRequest(Principal actor, Mode mode, String target, String group, String client, String reason, String acr) {
        this(actor, mode, target, group, client, reason, acr, List.of());
    }

    /** The target as the request named it, for messages. */
    public String targetName() {
        return mode == Mode.GROUP ? group : target;
    }
}
