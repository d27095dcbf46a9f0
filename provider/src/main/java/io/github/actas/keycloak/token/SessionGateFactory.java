package io.github.actas.keycloak.token;

import org.keycloak.provider.ProviderFactory;

/** Factory type of {@link SessionGateSpi}. */
public interface SessionGateFactory extends ProviderFactory<SessionGate> {
}
