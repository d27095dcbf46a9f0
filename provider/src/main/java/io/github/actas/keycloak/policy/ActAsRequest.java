package io.github.actas.keycloak.policy;

/**
 * What every door asks the policy: may {@code actor} act as {@code target} (a username or id) or as
 * {@code group} (a path, for {@link Mode#GROUP}), in {@code mode}, with the tokens going to
 * {@code client}, giving {@code reason}, authenticated at {@code acr}?
 */
public record ActAsRequest(Principal actor, Mode mode, String target, String group, String client,
                           String reason, String acr) {

    /** The target as the request named it, for messages. */
    public String targetName() {
        return mode == Mode.GROUP ? group : target;
    }
}
