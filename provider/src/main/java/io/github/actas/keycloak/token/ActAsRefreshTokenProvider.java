package io.github.actas.keycloak.token;

import io.github.actas.keycloak.audit.ActAsAuditProvider;
import io.github.actas.keycloak.audit.ActingFacts;
import io.github.actas.keycloak.audit.DoorEvent;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.UriInfo;
import org.keycloak.OAuthErrorException;
import org.keycloak.common.ClientConnection;
import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.protocol.oidc.TokenManager;
import org.keycloak.protocol.oidc.refresh.DefaultRefreshTokenProvider;
import org.keycloak.protocol.oidc.refresh.InitialRefreshTokenContext;
import org.keycloak.protocol.oidc.refresh.RefreshTokenContext;
import org.keycloak.representations.IDToken;
import org.keycloak.representations.RefreshToken;

/**
 * Refreshes tokens of Act-As sessions (recognised by the {@code act} claim Act-As puts in their refresh
 * tokens). Keycloak's usual checks run first; then the decision is taken again with today's grants and
 * users. When it no longer holds (grant disabled, deleted or expired; actor disabled, deleted or no
 * longer matching; the hard end reached) the session is ended and the refresh fails with
 * {@code invalid_grant}. Lifetimes are capped by {@link ActAsTokenPostProcessor}.
 */
final class ActAsRefreshTokenProvider extends DefaultRefreshTokenProvider {

    ActAsRefreshTokenProvider(KeycloakSession session) {
        super(session);
    }

    @Override
    public boolean supports(InitialRefreshTokenContext initialRefreshTokenCtx) {
        return false; // Keycloak's default generates refresh tokens; the post-processor stamps them
    }

    @Override
    public boolean supports(RefreshTokenContext ctx) {
        RefreshToken token = ctx.oldRefreshToken();
        return token.getOtherClaims().containsKey(ActClaim.CLAIM) && super.supports(ctx);
    }

    @Override
    protected TokenManager.TokenValidation validateToken(KeycloakSession session, UriInfo uriInfo, ClientConnection connection,
                                                         RealmModel realm, RefreshToken oldToken, HttpHeaders headers,
                                                         String scope, ClientModel client, TokenManager tokenManager,
                                                         EventBuilder event) throws OAuthErrorException {
        TokenManager.TokenValidation validation = super.validateToken(session, uriInfo, connection, realm, oldToken,
                headers, scope, client, tokenManager, event);
        ActAsSession notes = ActAsSession.of(validation.userSession);
        if (notes == null) {
            return validation;
        }
        // A refused refresh fails and its transaction rolls back: the gate ends the session in one of its own.
        SessionGate.Admission admission = session.getProvider(SessionGate.class)
                .admit(realm, client, validation.userSession, notes, true);
        if (!admission.admitted()) {
            event.detail(Details.IMPERSONATOR, notes.actorUsername());
            throw new OAuthErrorException(OAuthErrorException.INVALID_GRANT, admission.refusal(), admission.refusal());
        }
        Decided.mark(session, validation.userSession, client);
        return validation;
    }

    @Override
    public TokenManager.AccessTokenResponseBuilder refreshAccessToken(RefreshTokenContext ctx) throws OAuthErrorException {
        TokenManager.AccessTokenResponseBuilder builder = super.refreshAccessToken(ctx);
        IDToken idToken = builder.getIdToken();
        UserSessionModel userSession = builder.getClientSessionCtx().getClientSession().getUserSession();
        ActAsSession notes = ActAsSession.of(userSession);
        if (notes != null) {
            if (idToken != null) {
                // The post-processor sees access and refresh tokens only; the ID token is stamped here.
                ActClaim.stamp(idToken, notes);
            }
            // Keycloak sends the REFRESH_TOKEN event once this returns; it carries the record's facts.
            ActingFacts facts = notes.facts(userSession).forClient(ctx.grantContext().getClient().getClientId());
            session.getProvider(ActAsAuditProvider.class).tokenIssued(ctx.grantContext().getRealm(), facts,
                    builder.getAccessToken().getId(), DoorEvent.sentByKeycloak(ctx.grantContext().getEvent()), null);
        }
        return builder;
    }
}
