package io.github.actas.keycloak.exchange;

import java.util.List;

import io.github.actas.keycloak.acting.ActingSessions;
import io.github.actas.keycloak.acting.SessionChecks;
import io.github.actas.keycloak.acting.SessionEnds;
import io.github.actas.keycloak.audit.ActAsAuditProvider;
import io.github.actas.keycloak.audit.ActingFacts;
import io.github.actas.keycloak.audit.Door;
import io.github.actas.keycloak.audit.DoorEvent;
import io.github.actas.keycloak.audit.EndReason;
import io.github.actas.keycloak.policy.Decision;
import io.github.actas.keycloak.token.ActAsSession;
import io.github.actas.keycloak.token.ActClaim;
import io.github.actas.keycloak.token.Decided;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.keycloak.OAuth2Constants;
import org.keycloak.common.util.Time;
import org.keycloak.events.Details;
import org.keycloak.models.ClientModel;
import org.keycloak.models.ClientSessionContext;
import org.keycloak.models.Constants;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.protocol.oidc.TokenManager;
import org.keycloak.protocol.oidc.tokenexchange.StandardTokenExchangeProvider;
import org.keycloak.representations.AccessToken;
import org.keycloak.representations.AccessTokenResponse;
import org.keycloak.services.Urls;
import org.keycloak.services.managers.AuthenticationManager;
import org.keycloak.services.managers.AuthenticationSessionManager;
import org.keycloak.services.util.UserSessionUtil;
import org.keycloak.sessions.AuthenticationSessionModel;
import org.keycloak.sessions.RootAuthenticationSessionModel;
import org.keycloak.util.TokenUtil;

/**
 * How the token-exchange door issues tokens once it has decided: from an acting session (started now, or an
 * identical one reused) and from a service-account key's session, with Keycloak's own token machinery. The
 * door ({@link ActAsTokenExchangeProvider}) decides; this class only issues, and takes back what a failed
 * issuance started.
 */
abstract class ActingTokenIssuer extends StandardTokenExchangeProvider {

    /** The door deciding in this request (exchange, or a service-account key acting). */
    protected abstract Door door();

    /**
     * Tokens of the acting session {@code draft} describes, for {@code target}: an identical session started from
     * {@code parent} is reused (its hard end moved earlier if the grant now says so), else one starts. Nothing
     * of a failed issuance stays: not the session, not its audit record.
     *
     * @param expiresBy the latest expiry (epoch seconds) of the access token, or {@link Long#MAX_VALUE}
     */
    protected Response issue(UserModel target, Decision decision, ActAsSession draft, UserSessionModel parent,
                             String requestedTokenType, List<ClientModel> audience, String scope, long expiresBy) {
        ActingSessions sessions = new ActingSessions(session);
        ActingSessions.Reuse reuse = sessions.reusable(realm, parent, target, draft, decision.durationSeconds());
        UserSessionModel userSession = reuse.session();
        boolean relink = reuse.relink();
        long now = Time.currentTime();
        ActAsSession notes = null;
        if (userSession != null) {
            // Decided just now: a grant shortened since the session started shortens it from this token on.
            notes = new SessionChecks(session).shorten(userSession, ActAsSession.of(userSession), decision);
            if (notes.expiredAt(now)) {
                new SessionEnds(session).end(realm, userSession.getId(), EndReason.HARD_END, null);
                userSession = null;
                relink = true;
            }
        }
        boolean started = userSession == null;
        if (started) {
            notes = draft;
            userSession = sessions.start(realm, target, notes, decision);
            if (relink) {
                sessions.link(parent, target, notes, userSession);
            }
        }
        Decided.mark(session, userSession, client);
        try {
            RootAuthenticationSessionModel root = new AuthenticationSessionManager(session).createAuthenticationSession(realm, false);
            AuthenticationSessionModel authSession = createSessionModel(userSession, root, target, client, scope);
            ClientSessionContext clientSessionCtx = TokenManager.attachAuthenticationSession(session, userSession,
                    authSession, context.getRestrictedScopes(), false);
            updateUserSessionFromClientAuth(userSession);
            if (params.getAudience() != null && !audience.isEmpty()) {
                clientSessionCtx.setAttribute(Constants.REQUESTED_AUDIENCE_CLIENTS, audience.toArray(ClientModel[]::new));
            }
            clientSessionCtx.setAttribute(Constants.GRANT_TYPE, OAuth2Constants.TOKEN_EXCHANGE_GRANT_TYPE);

            TokenManager.AccessTokenResponseBuilder builder = tokenManager.responseBuilder(realm, client, event, session,
                    userSession, clientSessionCtx).generateAccessToken();
            Long exp = builder.getAccessToken().getExp();
            if (expiresBy != Long.MAX_VALUE && (exp == null || exp > expiresBy)) {
                builder.getAccessToken().exp(expiresBy);
            }
            checkRequestedAudiences(builder);
            if (OAuth2Constants.REFRESH_TOKEN_TYPE.equals(requestedTokenType)) {
                builder.generateRefreshToken();
            }
            AccessTokenResponse response;
            if (OAuth2Constants.ID_TOKEN_TYPE.equals(requestedTokenType)) {
                builder.generateIDToken();
                ActClaim.stamp(builder.getIdToken(), notes);
                response = builder.build();
                response.setToken(response.getIdToken());
                response.setIdToken(null);
                response.setTokenType(TokenUtil.TOKEN_TYPE_NA);
            } else {
                if (TokenUtil.isOIDCRequest(params.getScope())) {
                    builder.generateIDToken().generateAccessTokenHash();
                    ActClaim.stamp(builder.getIdToken(), notes);
                }
                response = builder.build(); // the token post-processor stamps access and refresh tokens
            }
            response.setOtherClaims(OAuth2Constants.ISSUED_TOKEN_TYPE, requestedTokenType);
            event.detail(Details.AUDIENCE, String.join(" ", audienceOf(builder.getAccessToken())));
            ActingFacts issued = notes.facts(target.getId(), target.getUsername(), userSession.getId());
            if (started) {
                audit().started(realm, issued, builder.getAccessToken().getId(), DoorEvent.sentHere(event), door());
            } else {
                audit().tokenIssued(realm, issued, builder.getAccessToken().getId(), DoorEvent.sentHere(event), door());
            }
            return cors.add(Response.ok(response, MediaType.APPLICATION_JSON_TYPE));
        } catch (RuntimeException e) {
            if (started) {
                sessions.discard(realm, userSession);
            }
            // Nothing of a failed issuance may stay: not the session, not an audit record of it.
            session.getTransactionManager().setRollbackOnly();
            throw e;
        }
    }

    protected String requestedScope(AccessToken token, List<ClientModel> audience, String requestedTokenType) {
        if (!getSupportedOAuthResponseTokenTypes().contains(requestedTokenType)) {
            throw ExchangeException.invalidRequest("requested_token_type " + requestedTokenType + " is not supported by Act-As");
        }
        String scope = getRequestedScope(token, audience);
        if (OAuth2Constants.REFRESH_TOKEN_TYPE.equals(requestedTokenType) && scope != null
                && TokenManager.parseScopeParameter(scope).anyMatch(OAuth2Constants.OFFLINE_ACCESS::equals)) {
            throw ExchangeException.invalidRequest("scope offline_access is not allowed for token exchange");
        }
        return scope;
    }

    protected AuthenticationManager.AuthResult verify(String token, String parameter) {
        return ExchangeTokens.verify(session, realm, clientConnection, headers, token, parameter);
    }

    protected ActAsAuditProvider audit() {
        return session.getProvider(ActAsAuditProvider.class);
    }

    protected String issuer() {
        return Urls.realmIssuer(session.getContext().getUri().getBaseUri(), realm.getName());
    }

    protected static List<String> clientIds(List<ClientModel> audience) {
        return audience.stream().map(ClientModel::getClientId).toList();
    }

    private static List<String> audienceOf(AccessToken token) {
        return token.getAudience() == null ? List.of() : List.of(token.getAudience());
    }

    /**
     * The access token of a service-account key's session (see {@link KeyExchange}), from a transient copy of it:
     * the token names the session (its {@code sid}), so introspection and userinfo stop accepting it when the
     * session ends, yet issuing it writes nothing to the shared session, which all of an account's requests use.
     */
    protected Response issueForKey(KeyExchange.Admitted admitted, UserSessionModel keySession) {
        UserSessionModel userSession = UserSessionUtil.createTransientUserSession(session, keySession);
        RootAuthenticationSessionModel root = new AuthenticationSessionManager(session).createAuthenticationSession(realm, false);
        AuthenticationSessionModel authSession = createSessionModel(userSession, root, admitted.principal(), client,
                params.getScope());
        ClientSessionContext clientSessionCtx = TokenManager.attachAuthenticationSession(session, userSession, authSession);
        clientSessionCtx.setAttribute(Constants.GRANT_TYPE, OAuth2Constants.TOKEN_EXCHANGE_GRANT_TYPE);
        TokenManager.AccessTokenResponseBuilder builder = tokenManager.responseBuilder(realm, client, event, session,
                userSession, clientSessionCtx).generateAccessToken();
        builder.getAccessToken().exp(admitted.tokenExpires());
        AccessTokenResponse response = builder.build();
        response.setOtherClaims(OAuth2Constants.ISSUED_TOKEN_TYPE, OAuth2Constants.ACCESS_TOKEN_TYPE);
        event.user(admitted.principal());
        audit().tokenIssued(realm, admitted.facts().inSession(userSession.getId()), builder.getAccessToken().getId(),
                DoorEvent.sentHere(event), null); // the key admitted, no grant decided
        return cors.add(Response.ok(response, MediaType.APPLICATION_JSON_TYPE));
    }
}
