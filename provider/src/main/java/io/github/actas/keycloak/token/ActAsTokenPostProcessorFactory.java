package io.github.actas.keycloak.token;

import org.keycloak.models.KeycloakSession;
import org.keycloak.protocol.oidc.token.TokenPostProcessor;
import org.keycloak.protocol.oidc.token.TokenPostProcessorFactory;

/** Registers {@link ActAsTokenPostProcessor} (Keycloak SPI {@code token-interceptor}). */
public final class ActAsTokenPostProcessorFactory implements TokenPostProcessorFactory {

    public static final String PROVIDER_ID = "act-as-token";

    @Override
    public TokenPostProcessor create(KeycloakSession session) {
        return new ActAsTokenPostProcessor(session);
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }
}
