package io.github.actas.keycloak.token;

import java.util.Map;
import java.util.Set;

import io.github.actas.keycloak.audit.ActAsAuditProvider;
import io.github.actas.keycloak.persistence.ServiceAccountEntity;
import io.github.actas.keycloak.store.GroupPrincipals;
import io.github.actas.keycloak.store.ServiceAccounts;
import jakarta.ws.rs.core.Response;
import org.keycloak.OAuthErrorException;
import org.keycloak.common.util.Time;
import org.keycloak.models.AccountRoles;
import org.keycloak.models.AuthenticatedClientSessionModel;
import org.keycloak.models.ClientModel;
import org.keycloak.models.Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserSessionModel;
import org.keycloak.protocol.oidc.token.TokenPostProcessor;
import org.keycloak.protocol.oidc.token.TokenPostProcessorContext;
import org.keycloak.representations.AccessToken;
import org.keycloak.representations.JsonWebToken;
import org.keycloak.representations.RefreshToken;
import org.keycloak.services.ErrorResponseException;

/**
 * Runs when Keycloak builds any token response, after every protocol mapper and before signing, whatever
 * grant or flow issues it (token exchange, refresh, authorization code, a flow a client overrides to).
 * For tokens of an Act-As session it
 * <ul>
 *   <li>re-decides the session for the receiving client unless a door just did in this request (so a
 *       client outside the grant's {@code clients} gets nothing, and a shortened grant shortens the session);</li>
 *   <li>sets the {@code act} claim (replacing anything a mapper put there, so a mapper cannot forge or hide
 *       the actor) and caps {@code exp} at the session's hard end;</li>
 *   <li>leaves out the account console's managing roles: acting never changes the target's account;</li>
 *   <li>names the group in tokens of a group session ({@link GroupClaim}).</li>
 * </ul>
 * Tokens of an actor's session carried over while acting stop at the end of the actor's original sign-in.
 * A group's principal gets no token except from an Act-As group session, whichever flow asks.
 */
final class ActAsTokenPostProcessor implements TokenPostProcessor {

    /** The {@code account} client's roles that change an account (profile, credentials, links, consents). */
    private static final Set<String> ACCOUNT_MANAGING_ROLES = Set.of("manage-account", "manage-account-links",
            "manage-consent", "delete-account");

    /** Client session note: this application's first token while acting is recorded. */
    private static final String SSO_RECORDED = "act-as.sso-recorded";

    private final KeycloakSession session;

    ActAsTokenPostProcessor(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public void process(TokenPostProcessorContext context) {
        if (context.clientSessionCtx() == null || context.clientSessionCtx().getClientSession() == null) {
            return;
        }
        AuthenticatedClientSessionModel clientSession = context.clientSessionCtx().getClientSession();
        UserSessionModel userSession = clientSession.getUserSession();
        if (userSession == null) {
            return;
        }
        long carriedEnd = ActAsSession.carriedEnd(userSession);
        if (carriedEnd != Long.MAX_VALUE) {
            if (Time.currentTime() >= carriedEnd) {
                throw refused("the sign-in this session continues has ended; sign in again");
            }
            cap(context.accessToken(), carriedEnd);
            cap(context.refreshToken(), carriedEnd);
            return;
        }
        String keyAccount = userSession.getNote(ServiceAccounts.SESSION_NOTE);
        if (keyAccount != null) {
            // A service-account key's session: whatever flow asks, only the key's clients, only while the key is good.
            ServiceAccountEntity account = new ServiceAccounts(session).admitting(clientSession.getRealm(), keyAccount,
                    clientSession.getClient().getClientId(), Time.currentTimeMillis());
            if (account == null) {
                throw refused("the service-account key does not (or no longer) allow tokens for this client");
            }
            cap(context.accessToken(), account.getExpires() / 1000);
            cap(context.refreshToken(), account.getExpires() / 1000);
            return;
        }
        ActAsSession notes = ActAsSession.of(userSession);
        if ((notes == null || notes.group() == null) && GroupPrincipals.is(userSession.getUser())
                || notes == null && ServiceAccounts.isPrincipal(userSession.getUser())) {
            // Whatever credential or link an administrator gave it: a group's principal has tokens only as its group,
            // a service account's only through its key.
            throw refused("an Act-As principal (of a group or a service account) cannot sign in");
        }
        if (notes == null) {
            return;
        }
        ClientModel client = clientSession.getClient();
        if (!Decided.marked(session, userSession, client)) {
            SessionGate.Admission admission = session.getProvider(SessionGate.class)
                    .admit(clientSession.getRealm(), client, userSession, notes, false);
            if (!admission.admitted()) {
                throw refused(admission.refusal());
            }
            notes = admission.notes();
            Decided.mark(session, userSession, client);
        }
        if (context.code() != null && !client.getClientId().equals(notes.clientId())
                && clientSession.getNote(SSO_RECORDED) == null) {
            // An application signed in by SSO while the browser acts: recorded once per client session (the
            // client acting started for has its "started" record; refreshes are recorded by the refresh door).
            clientSession.setNote(SSO_RECORDED, "true");
            session.getProvider(ActAsAuditProvider.class).tokenIssued(clientSession.getRealm(),
                    notes.facts(userSession).forClient(client.getClientId()),
                    context.accessToken() == null ? null : context.accessToken().getId(), null, null);
        }
        Map<String, Object> act = ActClaim.of(notes);
        AccessToken accessToken = context.accessToken();
        if (accessToken != null) {
            ActClaim.stamp(accessToken, act, notes.expires());
            GroupClaim.stamp(accessToken, notes);
            withoutAccountManagement(accessToken);
            if (notes.group() != null && Constants.ACCOUNT_CONSOLE_CLIENT_ID.equals(client.getClientId())) {
                // The account console cannot even start without reading its user: a group's principal holds no
                // account roles, so the console's own token (and no other) may read the placeholder profile.
                accessToken.addAccess(Constants.ACCOUNT_MANAGEMENT_CLIENT_ID).addRole(AccountRoles.VIEW_PROFILE);
                if (!accessToken.hasAudience(Constants.ACCOUNT_MANAGEMENT_CLIENT_ID)) {
                    accessToken.addAudience(Constants.ACCOUNT_MANAGEMENT_CLIENT_ID); // the account API wants to be named
                }
            }
        }
        RefreshToken refreshToken = context.refreshToken();
        if (refreshToken != null) {
            // The claim also marks the refresh token, so refreshing it goes through ActAsRefreshTokenProvider.
            ActClaim.stamp(refreshToken, act, notes.expires());
        }
    }

    private static void cap(JsonWebToken token, long end) {
        if (token != null && (token.getExp() == null || token.getExp() == 0 || token.getExp() > end)) {
            token.exp(end);
        }
    }

    private static void withoutAccountManagement(AccessToken token) {
        Map<String, AccessToken.Access> resourceAccess = token.getResourceAccess();
        AccessToken.Access account = resourceAccess == null ? null : resourceAccess.get(Constants.ACCOUNT_MANAGEMENT_CLIENT_ID);
        if (account == null || account.getRoles() == null) {
            return;
        }
        account.getRoles().removeAll(ACCOUNT_MANAGING_ROLES);
        if (account.getRoles().isEmpty()) {
            resourceAccess.remove(Constants.ACCOUNT_MANAGEMENT_CLIENT_ID);
        }
    }

    private static ErrorResponseException refused(String description) {
        return new ErrorResponseException(OAuthErrorException.INVALID_GRANT, description, Response.Status.BAD_REQUEST);
    }
}
