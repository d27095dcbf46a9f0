package io.github.actas.keycloak.exchange;

import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.github.actas.keycloak.audit.ActingFacts;
import io.github.actas.keycloak.persistence.ServiceAccountEntity;
import io.github.actas.keycloak.policy.Mode;
import io.github.actas.keycloak.policy.Principal;
import io.github.actas.keycloak.store.ServiceAccountKeys;
import io.github.actas.keycloak.store.ServiceAccounts;
import org.keycloak.OAuthErrorException;
import org.keycloak.common.ClientConnection;
import org.keycloak.common.util.Time;
import org.keycloak.events.Errors;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.models.utils.SessionExpirationUtils;
import org.keycloak.services.managers.AuthenticationManager;
import org.keycloak.services.managers.UserSessionManager;

/**
 * An Act-As service-account key exchanged for a short-lived access token of its account (token exchange with
 * {@code subject_token_type=urn:io.github.actas:token-type:service-account-key}). The key is the credential,
 * so a public client among the key's clients may use it. A key that is unknown, rotated away, revoked, expired,
 * of another realm or not for this client gets one and the same answer; a malformed one is refused before any
 * look-up.
 */
final class KeyExchange {

    static final String AUTH_METHOD = "act-as-key";

    private static final long LAST_USED_GRANULARITY_MILLIS = 60_000;

    /**
     * What a valid key gets: its account's principal, the session its tokens come from (with {@code actsAs}: the
     * session its acting sessions start from), and when they end.
     */
    record Admitted(ServiceAccountEntity account, UserModel principal, long tokenExpires, ActingFacts facts) {

        /** @return how the account acts ({@code actsAs} a user: impersonate; a group: group), or null: as itself */
        Mode actsAs() {
            return actsAsMode(account);
        }

        /** @return the key's expiry, in epoch seconds: nothing it starts outlives it */
        long keyExpires() {
            return account.getExpires() / 1000;
        }
    }

    private final KeycloakSession session;
    private final RealmModel realm;
    private final ClientModel client;
    private final ServiceAccounts accounts;

    KeyExchange(KeycloakSession session, RealmModel realm, ClientModel client) {
        this.session = session;
        this.realm = realm;
        this.client = client;
        this.accounts = new ServiceAccounts(session);
    }

    /**
     * Checks a key: well formed, held by an account of this realm that is neither revoked nor expired, for this
     * client, with its principal. Its tokens then come from the account's one stored session ({@link #session}),
     * so that revoking the account ends every token of it on every node; they are issued from a transient copy
     * of it (as Keycloak's own exchange does), so issuing one writes nothing to it.
     *
     * @param tokenSeconds how long the access token may live (it never outlives the key)
     * @param known        told what a refusal's audit record may say, once the account is known (a key nobody
     *                     holds leaves no record: a flood of wrong keys must not fill the audit trail)
     */
    Admitted admit(String key, int tokenSeconds, Consumer<ActingFacts> known) {
        if (!ServiceAccountKeys.wellFormed(key)) {
            throw ExchangeException.invalidRequest("subject_token is not a well-formed Act-As service-account key");
        }
        ServiceAccountEntity account = accounts.byKey(realm, key);
        long now = Time.currentTimeMillis();
        if (account == null) {
            throw invalidKey();
        }
        String name = Principal.serviceAccountName(account.getName());
        String principalId = ServiceAccounts.principalIdOf(account.getId());
        Mode mode = actsAsMode(account);
        // Acting as someone, the target is named once the policy has answered; else the account is its own subject.
        ActingFacts facts = mode == null
                ? ActingFacts.request(null, principalId, name, null, principalId, name, null, client.getClientId())
                : ActingFacts.request(mode, principalId, name, null, null, null, null, client.getClientId());
        known.accept(facts);
        if (account.getRevoked() > 0 || account.getExpires() <= now
                || !account.clientIds().contains(client.getClientId())) {
            throw invalidKey();
        }
        UserModel principal = accounts.principal(realm, account);
        if (principal == null || !principal.isEnabled()) {
            throw invalidKey();
        }
        if (now - account.getLastUsed() >= LAST_USED_GRANULARITY_MILLIS) {
            account.used(now); // at most one write a minute per account, not one per token
        }
        long tokenExpires = Math.min(Time.currentTime() + (long) tokenSeconds, account.getExpires() / 1000);
        return new Admitted(account, principal, tokenExpires, facts);
    }

    /**
     * The stored session an admitted key's tokens name (with {@code actsAs}: the one its acting sessions start
     * from), reused while it can carry them, else started. Asked for only once everything else about the
     * request has been checked, since a started session is stored at once.
     */
    UserSessionModel session(Admitted admitted) {
        UserSessionModel existing = reusable(admitted.account(), admitted.tokenExpires());
        UserSessionModel userSession = existing != null ? existing : start(admitted.account(), admitted.principal());
        if (userSession == null) {
            throw invalidKey(); // the principal went away in the meantime
        }
        return userSession;
    }

    private static Mode actsAsMode(ServiceAccountEntity account) {
        String type = account.getActsAsType();
        return type == null ? null : ServiceAccounts.ACTS_AS_GROUP.equals(type) ? Mode.GROUP : Mode.IMPERSONATE;
    }

    /** The account's session, if it can carry a token expiring at {@code tokenExpires}; else null. */
    private UserSessionModel reusable(ServiceAccountEntity account, long tokenExpires) {
        String id = account.getSessionId();
        UserSessionModel existing = id == null ? null : session.sessions().getUserSession(realm, id);
        if (existing == null || !account.getId().equals(existing.getNote(ServiceAccounts.SESSION_NOTE))
                || !lastsUntil(existing, tokenExpires)) {
            return null;
        }
        int now = Time.currentTime();
        if (now - existing.getLastSessionRefresh() >= LAST_USED_GRANULARITY_MILLIS / 1000) {
            existing.setLastSessionRefresh(now); // kept from idling out: one write a minute, not one per token
        }
        return existing;
    }

    /**
     * Starts the account's session in a transaction of its own, so that it is stored before its first token is
     * issued from a transient copy of it, like every later one: the stored session never gets a client session,
     * so issuing a token never writes to it. (Two first requests at once may each start one; both stay valid
     * and end with the account.)
     */
    private UserSessionModel start(ServiceAccountEntity account, UserModel principal) {
        ClientConnection connection = session.getContext().getConnection();
        String ip = connection == null ? null : connection.getRemoteHost();
        String realmId = realm.getId();
        String id = KeycloakModelUtils.runJobInTransactionWithResult(session.getKeycloakSessionFactory(), own -> {
            RealmModel ownRealm = own.realms().getRealm(realmId);
            own.getContext().setRealm(ownRealm);
            UserModel user = own.users().getUserById(ownRealm, principal.getId());
            if (user == null) {
                return null;
            }
            UserSessionModel started = new UserSessionManager(own).createUserSession(ownRealm, user, user.getUsername(), ip,
                    AUTH_METHOD, false, null, null);
            started.setNote(ServiceAccounts.SESSION_NOTE, account.getId());
            return started.getId();
        });
        if (id == null) {
            return null;
        }
        account.setSessionId(id);
        return session.sessions().getUserSession(realm, id);
    }

    /**
     * Whether a token expiring at {@code tokenExpires} (epoch seconds) stays valid with this session: a session
     * near the realm's maximum session lifespan is succeeded by a new one, so that no token ends before its exp.
     */
    private boolean lastsUntil(UserSessionModel userSession, long tokenExpires) {
        long maxLifespan = SessionExpirationUtils.calculateUserSessionMaxLifespanTimestamp(false, false,
                TimeUnit.SECONDS.toMillis(userSession.getStarted()), realm);
        return AuthenticationManager.isSessionValid(realm, userSession)
                && (maxLifespan == -1L || maxLifespan > TimeUnit.SECONDS.toMillis(tokenExpires));
    }

    private static ExchangeException invalidKey() {
        return new ExchangeException(OAuthErrorException.INVALID_GRANT,
                "the service-account key is not valid for this client", 400, Errors.INVALID_TOKEN);
    }
}
