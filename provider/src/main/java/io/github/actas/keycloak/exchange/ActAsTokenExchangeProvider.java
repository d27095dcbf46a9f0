package io.github.actas.keycloak.exchange;

import java.util.List;

import io.github.actas.keycloak.acting.ActingRequests;
import io.github.actas.keycloak.acting.Refusals;
import io.github.actas.keycloak.acting.SessionChecks;
import io.github.actas.keycloak.acting.SessionEnds;
import io.github.actas.keycloak.audit.ActingFacts;
import io.github.actas.keycloak.audit.Door;
import io.github.actas.keycloak.audit.DoorEvent;
import io.github.actas.keycloak.policy.ActAsRequest;
import io.github.actas.keycloak.policy.Decision;
import io.github.actas.keycloak.policy.Denial;
import io.github.actas.keycloak.policy.Mode;
import io.github.actas.keycloak.policy.Principal;
import io.github.actas.keycloak.token.ActAsSession;
import io.github.actas.keycloak.token.ActClaim;
import io.github.actas.keycloak.token.Decided;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import org.keycloak.OAuth2Constants;
import org.keycloak.common.util.Time;
import org.keycloak.events.Details;
import org.keycloak.events.EventType;
import org.keycloak.models.ClientModel;
import org.keycloak.models.UserModel;
import org.keycloak.protocol.oidc.TokenExchangeContext;
import org.keycloak.representations.AccessToken;
import org.keycloak.services.CorsErrorResponseException;
import org.keycloak.services.managers.AuthenticationManager;

/**
 * The OIDC door: impersonation and delegation through RFC 8693 token exchange, on Keycloak's stock
 * {@code token-exchange-standard:v2} grant. It asks the acting core like every other door, and it checks
 * everything before it creates anything, so a refusal leaves no session behind; {@link ActingTokenIssuer}
 * issues the tokens.
 *
 * <ul>
 *   <li>impersonate: {@code subject_token} is the actor's token, {@code requested_subject} the target;</li>
 *   <li>group: the same with {@code requested_group}; the tokens are about the group's principal;</li>
 *   <li>delegate: {@code subject_token} is the user's own token; the actor is {@code actor_token}'s user or,
 *       with {@code act_as_mode=delegate}, the requesting client's service account;</li>
 *   <li>service-account key: {@code subject_token} is an Act-As key ({@link KeyExchange}); an account with
 *       {@code actsAs} acts as its user or group, decided like the rest;</li>
 *   <li>continuation: a standard exchange of an Act-As token is re-decided for the new client first.</li>
 * </ul>
 *
 * Scope, requested token type and consent follow Keycloak's standard exchange (inherited); the audience
 * is also decided by the grant.
 */
final class ActAsTokenExchangeProvider extends ActingTokenIssuer {

    private final int keyTokenSeconds;

    /** @param keyTokenSeconds how long an access token obtained with a service-account key lives */
    ActAsTokenExchangeProvider(int keyTokenSeconds) {
        this.keyTokenSeconds = keyTokenSeconds;
    }

    /** What {@link #supports} found; Keycloak creates the provider per request and asks supports first. */
    private ExchangeParameters.Kind kind;
    private String malformed;

    /** What this request is known to be about so far: what a refusal's audit record can say. */
    private ActingFacts facts;

    @Override
    public boolean supports(TokenExchangeContext context) {
        MultivaluedMap<String, String> raw = context.getSession().getContext().getHttpRequest().getDecodedFormParameters();
        ExchangeParameters.Detection detection = ExchangeParameters.detect(context.getFormParams(),
                raw == null ? context.getFormParams() : raw,
                ExchangeTokens.carriesAct(context.getFormParams().getFirst(ExchangeParameters.SUBJECT_TOKEN)));
        kind = detection.kind();
        malformed = detection.problem();
        return kind != null;
    }

    @Override
    protected Response tokenExchange() {
        if (kind == ExchangeParameters.Kind.IMPERSONATE || kind == ExchangeParameters.Kind.GROUP) {
            event.event(EventType.IMPERSONATE);
        }
        if (kind != ExchangeParameters.Kind.CONTINUATION && kind != ExchangeParameters.Kind.SERVICE_ACCOUNT_KEY) {
            // A malformed request is recorded as the impersonation it most likely tried to be.
            Mode mode = kind.mode() != null ? kind.mode() : Mode.IMPERSONATE;
            facts = ActingFacts.request(mode, null, null, null, null, null, null, client.getClientId());
        }
        try {
            if (kind == ExchangeParameters.Kind.MALFORMED) {
                throw ExchangeException.invalidRequest(malformed);
            }
            ExchangeParameters parameters = ExchangeParameters.parse(kind, formParams);
            switch (kind) {
                case IMPERSONATE:
                case GROUP:
                    return impersonate(parameters);
                case DELEGATE:
                    return delegate(parameters);
                case SERVICE_ACCOUNT_KEY:
                    return serviceAccountKey(parameters);
                default:
                    return continuation(parameters);
            }
        } catch (ExchangeException e) {
            event.detail(Details.REASON, e.getMessage());
            if (facts != null) {
                audit().denied(realm, facts, e.audit(), DoorEvent.sentHere(event), e.eventError(), door());
            } else {
                event.error(e.eventError());
            }
            throw new CorsErrorResponseException(cors, e.error(), e.getMessage(), Response.Status.fromStatusCode(e.status()));
        } catch (CorsErrorResponseException e) {
            // Refused by a check inherited from Keycloak's standard exchange (scope, token type, consent...),
            // which has sent the request's error event.
            if (facts != null) {
                audit().denied(realm, facts, e.getMessage() + ": " + e.getErrorDescription(),
                        DoorEvent.sentByKeycloak(event), null, door());
            }
            throw e;
        }
    }

    @Override
    protected Door door() {
        return kind == ExchangeParameters.Kind.SERVICE_ACCOUNT_KEY ? Door.SERVICE_ACCOUNT : Door.EXCHANGE;
    }

    /** Impersonation of a user ({@code requested_subject}) or of a group's principal ({@code requested_group}). */
    private Response impersonate(ExchangeParameters parameters) {
        Mode mode = kind.mode();
        String requested = mode == Mode.GROUP ? parameters.requestedGroup : parameters.requestedSubject;
        facts = (mode == Mode.GROUP ? facts.group(null, requested) : facts.target(null, requested)).withReason(parameters.reason);
        ExchangeTokens.requireConfidentialClient(client);
        AuthenticationManager.AuthResult actorAuth = verify(parameters.subjectToken, ExchangeParameters.SUBJECT_TOKEN);
        AccessToken actorToken = actorAuth.token();
        ActingRequests requests = new ActingRequests(session, realm, client);
        Principal actor = requests.actor(actorAuth.user(), ActingRequests.alreadyActing(actorAuth.session(), actorToken));
        facts = facts.actor(actor.id(), actor.username(), actor.serviceAccountClientId());

        String requestedTokenType = getRequestedTokenType();
        List<ClientModel> audience = getTargetAudienceClients();
        validateAudience(actorToken, true, audience);
        String scope = requestedScope(actorToken, audience, requestedTokenType);

        ActAsRequest request = requests.request(actor, mode, requested, parameters.reason, actorToken.getAcr(),
                clientIds(audience));
        Decision decision = decide(requests, request);
        UserModel target = targetOf(requests, request, decision);
        validateConsents(target, scope);

        ActAsSession notes = ActAsSession.starting(decision, mode, actor, issuer(), client.getClientId(),
                parameters.reason, actorToken.getAcr(), null, null, null, Time.currentTime());
        return issue(target, decision, notes, actorAuth.session(), requestedTokenType, audience, scope, Long.MAX_VALUE);
    }

    private Response delegate(ExchangeParameters parameters) {
        facts = facts.withReason(parameters.reason);
        ExchangeTokens.requireConfidentialClient(client);
        AuthenticationManager.AuthResult subject = verify(parameters.subjectToken, ExchangeParameters.SUBJECT_TOKEN);
        UserModel target = subject.user();
        AccessToken subjectToken = subject.token();
        facts = facts.target(target.getId(), target.getUsername());

        String requestedTokenType = getRequestedTokenType();
        List<ClientModel> audience = getTargetAudienceClients();
        validateAudience(subjectToken, true, audience);
        String scope = requestedScope(subjectToken, audience, requestedTokenType);

        ActingRequests requests = new ActingRequests(session, realm, client);
        Principal actor;
        String actorAcr = null;
        if (parameters.actorToken != null) {
            AuthenticationManager.AuthResult actorAuth = verify(parameters.actorToken, ExchangeParameters.ACTOR_TOKEN);
            AccessToken actorToken = actorAuth.token();
            if (!client.getClientId().equals(actorToken.getIssuedFor()) && !actorToken.hasAudience(client.getClientId())) {
                throw ExchangeException.invalidRequest("actor_token was not issued to the requesting client");
            }
            actorAcr = actorToken.getAcr();
            actor = requests.actor(actorAuth.user(), ActingRequests.alreadyActing(actorAuth.session(), actorToken));
        } else {
            UserModel serviceAccount = client.isServiceAccountsEnabled() ? session.users().getServiceAccount(client) : null;
            if (serviceAccount == null) {
                throw ExchangeException.invalidRequest(
                        "send actor_token, or enable the client's service account so that the client itself acts");
            }
            actor = requests.actor(serviceAccount, false);
        }
        facts = facts.actor(actor.id(), actor.username(), actor.serviceAccountClientId());

        Decision decision = decide(requests, requests.request(actor, Mode.DELEGATE, target.getId(), parameters.reason,
                actorAcr, clientIds(audience)));
        validateConsents(target, scope);

        Object subjectAct = subjectToken.getOtherClaims().get(ActClaim.CLAIM);
        // The user's token may itself come from an acting session: what is delegated from it never outlives
        // that session, and ends with it.
        ActAsSession subjectActing = ActAsSession.of(subject.session());
        if (subjectAct != null && subjectActing == null) {
            throw ExchangeException.invalidRequest("subject_token claims to act for someone, but its session is no acting session");
        }
        ActAsSession notes = ActAsSession.starting(decision, Mode.DELEGATE, actor, issuer(), client.getClientId(),
                parameters.reason, actorAcr, subjectAct == null ? null : ActClaim.toJson(subjectAct), subjectActing,
                subject.session().getId(), Time.currentTime());
        return issue(target, decision, notes, subject.session(), requestedTokenType, audience, scope, Long.MAX_VALUE);
    }

    /** A service-account key for an access token: no refresh token, never past the key's expiry. */
    private Response serviceAccountKey(ExchangeParameters parameters) {
        KeyExchange keys = new KeyExchange(session, realm, client);
        KeyExchange.Admitted admitted = keys.admit(parameters.subjectToken, keyTokenSeconds, known -> facts = known);
        if (!OAuth2Constants.ACCESS_TOKEN_TYPE.equals(getRequestedTokenType())) {
            throw ExchangeException.invalidRequest("a service-account key is exchanged for an access token only");
        }
        if (params.getAudience() != null) {
            throw ExchangeException.invalidRequest("audience cannot be used with a service-account key: its tokens are"
                    + " for the client using it (that client's audience mappers apply)");
        }
        Mode mode = admitted.actsAs();
        return mode == null ? issueForKey(admitted, keys.session(admitted))
                : serviceAccountActing(keys, admitted, mode, parameters.reason);
    }

    /**
     * A key of an account with {@code actsAs}: a decision like any other, the account's principal the actor (grants
     * name it by {@code actors.serviceAccounts}, and it never reaches past its namespace). The acting session
     * starts from the key's session and never outlives the key.
     */
    private Response serviceAccountActing(KeyExchange keys, KeyExchange.Admitted admitted, Mode mode, String reason) {
        event.event(EventType.IMPERSONATE);
        facts = facts.withReason(reason);
        ActingRequests requests = new ActingRequests(session, realm, client);
        Principal actor = requests.actor(admitted.principal(), false);
        ActAsRequest request = requests.request(actor, mode, admitted.account().getActsAsId(), reason, null, List.of());
        Decision decision = decide(requests, request);
        UserModel target = targetOf(requests, request, decision);
        String scope = params.getScope();
        validateConsents(target, scope);
        ActAsSession starting = ActAsSession.starting(decision, mode, actor, issuer(), client.getClientId(), reason,
                null, null, null, null, Time.currentTime());
        ActAsSession notes = starting.endingAt(Math.min(starting.expires(), admitted.keyExpires()));
        // The key's session is the acting session's parent: asked for only now that acting is allowed.
        return issue(target, decision, notes, keys.session(admitted), OAuth2Constants.ACCESS_TOKEN_TYPE, List.of(),
                scope, admitted.tokenExpires());
    }

    /**
     * A standard exchange whose subject token belongs to an Act-As session: the session's grant must
     * also allow the requesting client. Tokens then come from Keycloak's standard exchange and carry the
     * session's {@code act} and hard end (see the token post-processor).
     */
    private Response continuation(ExchangeParameters parameters) {
        AuthenticationManager.AuthResult subject = verify(parameters.subjectToken, ExchangeParameters.SUBJECT_TOKEN);
        ActAsSession notes = ActAsSession.of(subject.session());
        if (notes == null) {
            return super.tokenExchange();
        }
        facts = notes.facts(subject.session()).forClient(client.getClientId());
        SessionChecks.Recheck recheck = new SessionChecks(session).recheck(realm, client, subject.session(), notes);
        if (recheck.end() != null) {
            new SessionEnds(session).endNow(realm, subject.session().getId(), recheck.end()); // this request fails
            throw ExchangeException.refused(Refusals.ended(recheck.end()).asAccessDenied());
        }
        if (!recheck.allowed()) {
            throw ExchangeException.refused(Refusals.notForClient(client.getClientId(), recheck.denial()).asAccessDenied());
        }
        Decided.mark(session, subject.session(), client);
        // Keycloak's standard exchange issues the tokens and sends the event; a failure rolls the record back.
        audit().tokenIssued(realm, recheck.notes().facts(subject.session()).forClient(client.getClientId()), null,
                DoorEvent.sentByKeycloak(event), door());
        try {
            return super.tokenExchange();
        } catch (RuntimeException e) {
            session.getTransactionManager().setRollbackOnly();
            throw e;
        }
    }

    /** The user the tokens of an allowed decision are about, now named in the refusal's or the record's facts. */
    private UserModel targetOf(ActingRequests requests, ActAsRequest request, Decision decision) {
        UserModel target = requests.targetOf(decision);
        if (target == null) {
            // Allowed a moment ago, removed since: as if it had never existed.
            throw ExchangeException.refused(Refusals.of(Denial.TARGET_NOT_FOUND, request));
        }
        facts = facts.target(target.getId(), target.getUsername());
        if (decision.group() != null) {
            facts = facts.group(decision.group().id(), decision.group().path());
        }
        return target;
    }

    private Decision decide(ActingRequests requests, ActAsRequest request) {
        Decision decision = requests.decide(request);
        if (!decision.allowed()) {
            throw ExchangeException.refused(Refusals.of(decision.denial(), request));
        }
        facts = facts.underGrant(decision.grant().name());
        return decision;
    }

}
