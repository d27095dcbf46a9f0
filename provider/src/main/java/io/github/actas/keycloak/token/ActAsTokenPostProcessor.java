package io.github.actas.keycloak.token;

import java.util.Map;

import io.github.actas.keycloak.session.ActAsSession;
import org.keycloak.models.UserSessionModel;
import org.keycloak.protocol.oidc.token.TokenPostProcessor;
import org.keycloak.protocol.oidc.token.TokenPostProcessorContext;
import org.keycloak.representations.AccessToken;
import org.keycloak.representations.RefreshToken;

/**
 * Runs when Keycloak builds any token response, after every protocol mapper and before signing. For
 * tokens of an Act-As session it sets the {@code act} claim (replacing anything a mapper put there, so
 * a mapper cannot forge or hide the actor) and caps {@code exp} at the session's hard end. Whichever
 * grant issues the token (token exchange, refresh, authorization code), the same rule applies.
 */
final class ActAsTokenPostProcessor implements TokenPostProcessor {

    @Override
    public void process(TokenPostProcessorContext context) {
        if (context.clientSessionCtx() == null || context.clientSessionCtx().getClientSession() == null) {
            return;
        }
        UserSessionModel userSession = context.clientSessionCtx().getClientSession().getUserSession();
        if (!ActAsSession.isActAs(userSession)) {
            return;
        }
        ActAsSession session = ActAsSession.of(userSession);
        Map<String, Object> act = ActClaim.of(session);
        AccessToken accessToken = context.accessToken();
        if (accessToken != null) {
            ActClaim.stamp(accessToken, act, session.expires());
        }
        RefreshToken refreshToken = context.refreshToken();
        if (refreshToken != null) {
            // The claim also marks the refresh token, so refreshing it goes through ActAsRefreshTokenProvider.
            ActClaim.stamp(refreshToken, act, session.expires());
        }
    }
}
