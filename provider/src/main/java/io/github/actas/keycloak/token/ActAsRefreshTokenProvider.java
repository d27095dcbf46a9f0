package io.github.actas.keycloak.token;

import io.github.actas.keycloak.audit.ActAsAuditProvider;
import io.github.actas.keycloak.audit.AuditRecord;
import io.github.actas.keycloak.audit.AuditTypes;
import io.github.actas.keycloak.session.ActAsSession;
import io.github.actas.keycloak.session.ActAsSessions;
import io.github.actas.keycloak.session.Decided;
import io.github.actas.keycloak.session.EndReason;
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
        ActAsSessions sessions = new ActAsSessions(session);
        ActAsSessions.Recheck recheck = sessions.recheck(realm, client, validation.userSession, notes);
        if (!recheck.allowed()) {
            EndReason reason = recheck.end() != null ? recheck.end() : EndReason.NOT_ALLOWED;
            String why = recheck.end() != null ? "act-as session ended: " + reason.text()
                    : "act-as grant no longer allows this session (" + recheck.decision().denial() + ")";
            event.detail(Details.IMPERSONATOR, notes.actorUsername());
            // This refresh fails and its transaction rolls back: the session ends in a transaction of its own.
            sessions.endNow(realm, validation.userSession.getId(), reason);
            throw new OAuthErrorException(OAuthErrorException.INVALID_GRANT, why, why);
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
            ClientConnection connection = session.getContext().getConnection();
            session.getProvider(ActAsAuditProvider.class).record(ctx.grantContext().getRealm(),
                    ActAsSessions.describe(AuditTypes.TOKEN_ISSUED, AuditRecord.ALLOWED, notes, userSession)
                            .tokenId(builder.getAccessToken().getId())
                            .ipAddress(connection == null ? null : connection.getRemoteAddr()));
        }
        return builder;
    }
}
