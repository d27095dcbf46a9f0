package io.github.actas.keycloak.exchange;

import java.util.List;
import java.util.Map;

import io.github.actas.keycloak.audit.ActAsAuditProvider;
import io.github.actas.keycloak.audit.ActAsEventDetails;
import io.github.actas.keycloak.audit.AuditRecord;
import io.github.actas.keycloak.audit.AuditTypes;
import io.github.actas.keycloak.policy.ActAsPolicyProvider;
import io.github.actas.keycloak.policy.ActAsRequest;
import io.github.actas.keycloak.policy.Decision;
import io.github.actas.keycloak.policy.Grant;
import io.github.actas.keycloak.policy.Mode;
import io.github.actas.keycloak.policy.Principal;
import io.github.actas.keycloak.session.ActAsSession;
import io.github.actas.keycloak.session.ActAsSessions;
import io.github.actas.keycloak.session.Decided;
import io.github.actas.keycloak.session.EndReason;
import io.github.actas.keycloak.session.TargetNotification;
import io.github.actas.keycloak.token.ActClaim;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import org.keycloak.OAuth2Constants;
import org.keycloak.OAuthErrorException;
import org.keycloak.common.util.Time;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.events.EventType;
import org.keycloak.jose.jws.JWSInput;
import org.keycloak.jose.jws.JWSInputException;
import org.keycloak.models.ClientModel;
import org.keycloak.models.ClientSessionContext;
import org.keycloak.models.Constants;
import org.keycloak.models.ImpersonationSessionNote;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.protocol.oidc.OIDCAdvancedConfigWrapper;
import org.keycloak.protocol.oidc.TokenExchangeContext;
import org.keycloak.protocol.oidc.TokenManager;
import org.keycloak.protocol.oidc.tokenexchange.StandardTokenExchangeProvider;
import org.keycloak.representations.AccessToken;
import org.keycloak.representations.AccessTokenResponse;
import org.keycloak.representations.JsonWebToken;
import org.keycloak.services.CorsErrorResponseException;
import org.keycloak.services.Urls;
import org.keycloak.services.managers.AuthenticationManager;
import org.keycloak.services.managers.AuthenticationSessionManager;
import org.keycloak.sessions.AuthenticationSessionModel;
import org.keycloak.sessions.RootAuthenticationSessionModel;
import org.keycloak.util.TokenUtil;

/**
 * The OIDC door: impersonation and delegation through RFC 8693 token exchange, on Keycloak's stock
 * {@code token-exchange-standard:v2} grant. It asks the same policy as every other door, and it checks
 * everything before it creates anything, so a refusal leaves no session behind.
 *
 * <ul>
 *   <li>impersonate: {@code subject_token} is the actor's token, {@code requested_subject} the target;</li>
 *   <li>delegate: {@code subject_token} is the user's own token; the actor is {@code actor_token}'s user or,
 *       with {@code act_as_mode=delegate}, the requesting client's service account;</li>
 *   <li>continuation: a standard exchange of an Act-As token is re-decided for the new client first.</li>
 * </ul>
 *
 * Audience, scope, requested token type and consent follow Keycloak's standard exchange (inherited).
 */
final class ActAsTokenExchangeProvider extends StandardTokenExchangeProvider {

    /** What {@link #supports} found; Keycloak creates the provider per request and asks supports first. */
    private ExchangeParameters.Kind kind;
    private String malformed;

    /** What this request is known to be about so far: what a refusal's audit record can say. */
    private final Attempt attempt = new Attempt();

    private static final class Attempt {
        Mode mode;
        String actorId;
        String actorUsername;
        String targetId;
        String targetUsername;
        String grant;
        String reason;
    }

    @Override
    public boolean supports(TokenExchangeContext context) {
        MultivaluedMap<String, String> raw = context.getSession().getContext().getHttpRequest().getDecodedFormParameters();
        ExchangeParameters.Detection detection = ExchangeParameters.detect(context.getFormParams(),
                raw == null ? context.getFormParams() : raw,
                carriesAct(context.getFormParams().getFirst(ExchangeParameters.SUBJECT_TOKEN)));
        kind = detection.kind();
        malformed = detection.problem();
        return kind != null;
    }

    @Override
    protected Response tokenExchange() {
        if (kind == ExchangeParameters.Kind.IMPERSONATE) {
            event.event(EventType.IMPERSONATE);
        }
        if (kind != ExchangeParameters.Kind.CONTINUATION) {
            attempt.mode = kind == ExchangeParameters.Kind.DELEGATE ? Mode.DELEGATE
                    : kind == ExchangeParameters.Kind.GROUP ? Mode.GROUP : Mode.IMPERSONATE;
        }
        try {
            if (kind == ExchangeParameters.Kind.MALFORMED) {
                throw ExchangeException.invalidRequest(malformed);
            }
            ExchangeParameters parameters = ExchangeParameters.parse(kind, formParams);
            event.detail(ActAsEventDetails.MODE, parameters.mode().wireName());
            attempt.reason = parameters.reason;
            switch (kind) {
                case IMPERSONATE:
                    return impersonate(parameters);
                case DELEGATE:
                    return delegate(parameters);
                default:
                    return continuation(parameters);
            }
        } catch (ExchangeException e) {
            event.detail(Details.REASON, e.getMessage());
            event.error(e.eventError());
            auditRefusal(e.error(), e.getMessage());
            throw new CorsErrorResponseException(cors, e.error(), e.getMessage(), Response.Status.fromStatusCode(e.status()));
        } catch (CorsErrorResponseException e) {
            // Refused by a check inherited from Keycloak's standard exchange (audience, scope, token type...).
            auditRefusal(e.getMessage(), e.getErrorDescription());
            throw e;
        }
    }

    /** Records a refusal of an Act-As request, in its own transaction: this request is about to fail. */
    private void auditRefusal(String error, String description) {
        if (attempt.mode == null) {
            return; // not an Act-As request after all (a standard exchange Keycloak refused)
        }
        session.getProvider(ActAsAuditProvider.class).recordNow(realm,
                facts(AuditRecord.builder(AuditTypes.DENIED, AuditRecord.DENIED))
                        .error(error + ": " + description));
    }

    private AuditRecord.Builder facts(AuditRecord.Builder builder) {
        return builder.initiatingUser(attempt.actorId, attempt.actorUsername)
                .effectiveUser(attempt.targetId, attempt.targetUsername)
                .mode(attempt.mode)
                .grant(attempt.grant)
                .reason(attempt.reason)
                .client(client.getClientId())
                .ipAddress(clientConnection == null ? null : clientConnection.getRemoteAddr());
    }

    private Response impersonate(ExchangeParameters parameters) {
        event.detail(ActAsEventDetails.TARGET, parameters.requestedSubject);
        attempt.targetUsername = parameters.requestedSubject;
        requireConfidentialClient();
        AuthenticationManager.AuthResult actorAuth = verify(parameters.subjectToken, ExchangeParameters.SUBJECT_TOKEN);
        UserModel actorUser = actorAuth.user();
        AccessToken actorToken = actorAuth.token();
        describeActor(actorUser);

        String requestedTokenType = getRequestedTokenType();
        List<ClientModel> audience = getTargetAudienceClients();
        validateAudience(actorToken, true, audience);
        String scope = requestedScope(actorToken, audience, requestedTokenType);

        Principal actor = principal(actorUser, acting(actorAuth));
        Decision decision = decide(actor, Mode.IMPERSONATE, parameters.requestedSubject, parameters.reason,
                actorToken.getAcr(), audience);
        UserModel target = session.users().getUserById(realm, decision.target().id());
        attempt.targetId = target.getId();
        attempt.targetUsername = target.getUsername();
        validateConsents(target, scope);

        return issue(target, decision, new ActAsSession(Mode.IMPERSONATE, actorUser.getId(), actorUser.getUsername(),
                null, issuer(), decision.grant().id(), decision.grant().name(), client.getClientId(), parameters.reason,
                actorToken.getAcr(), 0, 0, null, null), actorAuth.session(), Long.MAX_VALUE, requestedTokenType, audience, scope);
    }

    private Response delegate(ExchangeParameters parameters) {
        requireConfidentialClient();
        AuthenticationManager.AuthResult subject = verify(parameters.subjectToken, ExchangeParameters.SUBJECT_TOKEN);
        UserModel target = subject.user();
        AccessToken subjectToken = subject.token();
        event.detail(ActAsEventDetails.TARGET, target.getUsername()).detail(ActAsEventDetails.TARGET_ID, target.getId());
        attempt.targetId = target.getId();
        attempt.targetUsername = target.getUsername();

        String requestedTokenType = getRequestedTokenType();
        List<ClientModel> audience = getTargetAudienceClients();
        validateAudience(subjectToken, true, audience);
        String scope = requestedScope(subjectToken, audience, requestedTokenType);

        UserModel actorUser;
        String actorAcr = null;
        boolean acting = false;
        if (parameters.actorToken != null) {
            AuthenticationManager.AuthResult actorAuth = verify(parameters.actorToken, ExchangeParameters.ACTOR_TOKEN);
            AccessToken actorToken = actorAuth.token();
            if (!client.getClientId().equals(actorToken.getIssuedFor()) && !actorToken.hasAudience(client.getClientId())) {
                throw ExchangeException.invalidRequest("actor_token was not issued to the requesting client");
            }
            actorUser = actorAuth.user();
            actorAcr = actorToken.getAcr();
            acting = acting(actorAuth);
        } else {
            actorUser = client.isServiceAccountsEnabled() ? session.users().getServiceAccount(client) : null;
            if (actorUser == null) {
                throw ExchangeException.invalidRequest(
                        "send actor_token, or enable the client's service account so that the client itself acts");
            }
        }
        describeActor(actorUser);

        Principal actor = principal(actorUser, acting);
        Decision decision = decide(actor, Mode.DELEGATE, target.getId(), parameters.reason, actorAcr, audience);
        validateConsents(target, scope);

        Object subjectAct = subjectToken.getOtherClaims().get(ActClaim.CLAIM);
        // The user's token may itself come from an acting session: what is delegated from it never outlives
        // that session, and ends with it.
        ActAsSession subjectActing = ActAsSession.of(subject.session());
        if (subjectAct != null && subjectActing == null) {
            throw ExchangeException.invalidRequest("subject_token claims to act for someone, but its session is no acting session");
        }
        return issue(target, decision, new ActAsSession(Mode.DELEGATE, actorUser.getId(), actorUser.getUsername(),
                actor.serviceAccountClientId(), issuer(), decision.grant().id(), decision.grant().name(),
                client.getClientId(), parameters.reason, actorAcr, 0, 0,
                subjectAct == null ? null : ActClaim.toJson(subjectAct), subjectActing == null ? null : subject.session().getId()),
                subject.session(), subjectActing == null ? Long.MAX_VALUE : subjectActing.expires(), requestedTokenType, audience, scope);
    }

    /**
     * A standard exchange whose subject token belongs to an Act-As session: the session's grant must
     * also allow the requesting client. Tokens then come from Keycloak's standard exchange and carry the
     * session's {@code act} and hard end (see the token post-processor).
     */
    private Response continuation(ExchangeParameters parameters) {
        AuthenticationManager.AuthResult subject = verify(parameters.subjectToken, ExchangeParameters.SUBJECT_TOKEN);
        ActAsSession notes = ActAsSession.of(subject.session());
        if (notes != null) {
            event.detail(ActAsEventDetails.MODE, notes.mode().wireName())
                    .detail(Details.IMPERSONATOR, notes.actorUsername())
                    .detail(ActAsEventDetails.ACTOR_ID, notes.actorId())
                    .detail(ActAsEventDetails.GRANT, notes.grantName());
            attempt.mode = notes.mode();
            attempt.actorId = notes.actorId();
            attempt.actorUsername = notes.actorUsername();
            attempt.targetId = subject.user().getId();
            attempt.targetUsername = subject.user().getUsername();
            attempt.grant = notes.grantName();
            attempt.reason = notes.reason();
            ActAsSessions sessions = new ActAsSessions(session);
            ActAsSessions.Recheck recheck = sessions.recheck(realm, client, subject.session(), notes);
            if (recheck.end() != null) {
                event.detail(ActAsEventDetails.DENIAL, "SESSION_ENDED");
                sessions.endNow(realm, subject.session().getId(), recheck.end()); // this request fails: its own transaction
                throw new ExchangeException(OAuthErrorException.ACCESS_DENIED,
                        "the acting session of the subject token has ended (" + recheck.end().text() + ")", 403, Errors.NOT_ALLOWED);
            }
            if (!recheck.allowed()) {
                event.detail(ActAsEventDetails.DENIAL, recheck.decision().denial().name());
                throw new ExchangeException(OAuthErrorException.ACCESS_DENIED,
                        "the act-as grant of the subject token does not allow this client", 403, Errors.NOT_ALLOWED);
            }
            Decided.mark(session, subject.session(), client);
        }
        Response response = super.tokenExchange();
        if (notes != null) {
            session.getProvider(ActAsAuditProvider.class).record(realm,
                    facts(AuditRecord.builder(AuditTypes.TOKEN_ISSUED, AuditRecord.ALLOWED))
                            .sessionId(subject.session().getId()));
        }
        return response;
    }

    private Decision decide(Principal actor, Mode mode, String target, String reason, String acr, List<ClientModel> audience) {
        ActAsPolicyProvider policy = session.getProvider(ActAsPolicyProvider.class);
        Decision decision = policy.decide(realm, client,
                new ActAsRequest(actor, mode, target, null, client.getClientId(), reason, acr));
        if (!decision.allowed()) {
            event.detail(ActAsEventDetails.DENIAL, decision.denial().name());
            throw new ExchangeException(OAuthErrorException.ACCESS_DENIED, DenialMessages.describe(decision.denial()),
                    403, Errors.NOT_ALLOWED);
        }
        Grant grant = decision.grant();
        event.detail(ActAsEventDetails.GRANT, grant.name());
        attempt.grant = grant.name();
        for (ClientModel receiver : audience) {
            if (!grant.clients().contains(Grant.ANY_CLIENT) && !grant.clients().contains(receiver.getClientId())) {
                event.detail(ActAsEventDetails.DENIAL, "AUDIENCE");
                throw new ExchangeException(OAuthErrorException.ACCESS_DENIED,
                        "the grant does not allow tokens for audience '" + receiver.getClientId() + "'", 403, Errors.NOT_ALLOWED);
            }
        }
        return decision;
    }

    /**
     * Issues the tokens from the Act-As session for this request: the one an identical earlier request
     * started from the same parent session, or a new one. A session started here is removed again if
     * issuing fails.
     *
     * @param parent    the session the subject token belongs to (actor's or user's), or null
     * @param latestEnd the hard end the new session may not pass (that of the acting session it is delegated
     *                  from), or {@link Long#MAX_VALUE}
     */
    private Response issue(UserModel target, Decision decision, ActAsSession draft, UserSessionModel parent,
                           long latestEnd, String requestedTokenType, List<ClientModel> audience, String scope) {
        ActAsSessions sessions = new ActAsSessions(session);
        ActAsSessions.Reuse reuse = sessions.reusable(realm, parent, target, draft, decision.durationSeconds());
        UserSessionModel userSession = reuse.session();
        boolean relink = reuse.relink();
        long now = Time.currentTime();
        ActAsSession notes = null;
        if (userSession != null) {
            // Decided just now: a grant shortened since the session started shortens it from this token on.
            notes = sessions.shorten(userSession, ActAsSession.of(userSession), decision);
            if (notes.expiredAt(now)) {
                sessions.end(realm, userSession.getId(), EndReason.HARD_END, null);
                userSession = null;
                relink = true;
            }
        }
        boolean started = userSession == null;
        if (started) {
            notes = draft.startingAt(now, decision.durationSeconds(), latestEnd);
            userSession = sessions.start(realm, target, notes);
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
            if (started && decision.grant().notifyTarget()) {
                TargetNotification.sendAfterCommit(session, realm, target, notes);
            }
            session.getProvider(ActAsAuditProvider.class).record(realm,
                    facts(AuditRecord.builder(started ? AuditTypes.STARTED : AuditTypes.TOKEN_ISSUED, AuditRecord.ALLOWED))
                            .sessionId(userSession.getId())
                            .tokenId(builder.getAccessToken().getId()));

            event.user(target).session(userSession)
                    .detail(ActAsEventDetails.TARGET, target.getUsername())
                    .detail(ActAsEventDetails.TARGET_ID, target.getId())
                    .detail(ActAsEventDetails.REASON, notes.reason())
                    .detail(ActAsEventDetails.EXPIRES, Long.toString(notes.expires()))
                    .detail(ActAsEventDetails.SESSION_STARTED, Boolean.toString(started))
                    .detail(Details.AUDIENCE, String.join(" ", audienceOf(builder.getAccessToken())));
            event.success();
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

    private String requestedScope(AccessToken token, List<ClientModel> audience, String requestedTokenType) {
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

    /** Public clients never act; others need Keycloak's own per-client token exchange switch. */
    private void requireConfidentialClient() {
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

    private AuthenticationManager.AuthResult verify(String token, String parameter) {
        AuthenticationManager.AuthResult result = AuthenticationManager.verifyIdentityToken(session, realm,
                session.getContext().getUri(), clientConnection, true, true, null, false, token, headers, verifier -> { });
        if (result == null) {
            throw new ExchangeException(OAuthErrorException.INVALID_REQUEST,
                    parameter + " is not a valid, active access token of this realm", 400, Errors.INVALID_TOKEN);
        }
        if (result.token().getConfirmation() != null) {
            throw ExchangeException.invalidRequest(parameter + " is sender-constrained, which Act-As does not accept");
        }
        return result;
    }

    /** Refusals from here on are attributed to the actor; a success is then re-attributed to the target. */
    private void describeActor(UserModel actorUser) {
        attempt.actorId = actorUser.getId();
        attempt.actorUsername = actorUser.getUsername();
        event.user(actorUser)
                .detail(Details.IMPERSONATOR, actorUser.getUsername())
                .detail(ActAsEventDetails.ACTOR, actorUser.getUsername())
                .detail(ActAsEventDetails.ACTOR_ID, actorUser.getId());
    }

    private Principal principal(UserModel user, boolean acting) {
        Principal principal = session.getProvider(ActAsPolicyProvider.class).principal(realm, user);
        if (principal.serviceAccountClientId() != null) {
            event.detail(ActAsEventDetails.ACTOR_CLIENT, principal.serviceAccountClientId());
        }
        return acting ? principal.asActing() : principal;
    }

    /** Whether a verified token already acts for someone: its own {@code act}, or an impersonation session. */
    private static boolean acting(AuthenticationManager.AuthResult auth) {
        return auth.token().getOtherClaims().containsKey(ActClaim.CLAIM)
                || (auth.session() != null
                && auth.session().getNote(ImpersonationSessionNote.IMPERSONATOR_ID.toString()) != null);
    }

    private String issuer() {
        return Urls.realmIssuer(session.getContext().getUri().getBaseUri(), realm.getName());
    }

    private static List<String> audienceOf(AccessToken token) {
        return token.getAudience() == null ? List.of() : List.of(token.getAudience());
    }

    /** Reads a JWT's claims without verifying it, only to route the request; verification comes later. */
    private static boolean carriesAct(String token) {
        if (token == null || token.length() > ExchangeParameters.MAX_TOKEN_LENGTH) {
            return false;
        }
        try {
            Map<String, Object> claims = new JWSInput(token).readJsonContent(JsonWebToken.class).getOtherClaims();
            return claims.containsKey(ActClaim.CLAIM);
        } catch (JWSInputException | RuntimeException e) {
            return false;
        }
    }
}
