package io.github.actas.keycloak.exchange;

import java.util.Map;

import io.github.actas.keycloak.token.ActClaim;
import jakarta.ws.rs.core.HttpHeaders;
import org.keycloak.OAuthErrorException;
import org.keycloak.common.ClientConnection;
import org.keycloak.events.Errors;
import org.keycloak.jose.jws.JWSInput;
import org.keycloak.jose.jws.JWSInputException;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.protocol.oidc.OIDCAdvancedConfigWrapper;
import org.keycloak.representations.JsonWebToken;
import org.keycloak.services.managers.AuthenticationManager;

/** The checks of the exchange door on the tokens and the client of a request, before anything is decided. */
final class ExchangeTokens {

    private ExchangeTokens() {
    }

    /** The session and user behind an access token of this realm: active, not revoked, not sender-constrained. */
    static AuthenticationManager.AuthResult verify(KeycloakSession session, RealmModel realm, ClientConnection connection,
                                                   HttpHeaders headers, String token, String parameter) {
        AuthenticationManager.AuthResult result = AuthenticationManager.verifyIdentityToken(session, realm,
                session.getContext().getUri(), connection, true, true, null, false, token, headers, verifier -> { });
        if (result == null) {
            throw new ExchangeException(OAuthErrorException.INVALID_REQUEST,
                    parameter + " is not a valid, active access token of this realm", 400, Errors.INVALID_TOKEN);
        }
        if (result.token().getConfirmation() != null) {
            throw ExchangeException.invalidRequest(parameter + " is sender-constrained, which Act-As does not accept");
        }
        return result;
    }

    /** Public clients never act; others need Keycloak's own per-client token exchange switch. */
    static void requireConfidentialClient(ClientModel client) {
        if (client.isPublicClient()) {
            throw new ExchangeException(OAuthErrorException.UNAUTHORIZED_CLIENT,
                    "public clients cannot act as others; use a confidential client", 400, Errors.NOT_ALLOWED);
        }
        if (!OIDCAdvancedConfigWrapper.fromClientModel(client).isStandardTokenExchangeEnabled()) {
            throw new ExchangeException(OAuthErrorException.UNAUTHORIZED_CLIENT,
                    "token exchange is not enabled for this client (Standard token exchange in its settings)",
                    400, Errors.NOT_ALLOWED);
        }
    }

    /** Reads a JWT's claims without verifying it, only to route the request; verification comes later. */
    static boolean carriesAct(String token) {
        if (token == null || token.length() > ExchangeParameters.MAX_TOKEN_LENGTH || token.indexOf('.') < 0) {
            return false; // not a JWT (a service-account key, say): no parse, no exception
        }
        try {
            Map<String, Object> claims = new JWSInput(token).readJsonContent(JsonWebToken.class).getOtherClaims();
            return claims.containsKey(ActClaim.CLAIM);
        } catch (JWSInputException | RuntimeException e) {
            return false;
        }
    }
}
