package io.github.actas.keycloak.store;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

import io.github.actas.keycloak.persistence.ServiceAccountEntity;
import jakarta.persistence.EntityManager;
import jakarta.persistence.FlushModeType;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * A realm's Act-As service accounts, in Keycloak's database (shared by every node): creating one (its key
 * shown once), finding one by its key (one unique-index probe on the key's hash), rotating and revoking.
 *
 * <p>Each account has a principal: a Keycloak user of the realm whose id is derived from the account's id
 * (the same on every node), named {@code act-as-sa-<name>} and marked with the attribute {@value #ATTRIBUTE}.
 * Administrators give it roles as to any user; its tokens come only from its key.
 */
public final class ServiceAccounts {

    /** The user-session note naming the account whose key the session's tokens come from. */
    public static final String SESSION_NOTE = "act-as.service-account";

    /** The user attribute naming the account (for operators). */
    public static final String ATTRIBUTE = "act-as.service-account";
    /** The principal's username is this followed by the account's name. */
    public static final String USERNAME_PREFIX = "act-as-sa-";

    /** {@code actsAsType} of an account acting as a user (then {@code actsAsId} is the user's id). */
    public static final String ACTS_AS_USER = "user";
    /** {@code actsAsType} of an account acting as a group (then {@code actsAsId} is the group's id). */
    public static final String ACTS_AS_GROUP = "group";

    private final KeycloakSession session;

    public ServiceAccounts(KeycloakSession session) {
        this.session = session;
    }

    /** A new account and its key, which exists only in this answer. */
    public record Created(ServiceAccountEntity account, String key) {
    }

    /** What an account is created with (validated by the admin door). */
    public record Spec(String name, String description, String namespaceId, String actsAsType, String actsAsId,
                       List<String> clients, long expires) {
    }

    /** The id of the principal of the account {@code accountId}. */
    public static String principalIdOf(String accountId) {
        return UUID.nameUUIDFromBytes(("act-as-service-account:" + accountId).getBytes(StandardCharsets.UTF_8)).toString();
    }

    /**
     * @return whether {@code user} is a service account's principal. Like a group's principal, its id is a
     *         name-based (version 3) UUID; ordinary users cost one character comparison.
     */
    public static boolean isPrincipal(UserModel user) {
        String id = user == null ? null : user.getId();
        if (!GroupPrincipals.nameBased(id)) {
            return false;
        }
        String accountId = user.getFirstAttribute(ATTRIBUTE);
        return accountId != null && id.equals(principalIdOf(accountId));
    }

    public Created create(RealmModel realm, Spec spec, UserModel by, long now) {
        String id = KeycloakModelUtils.generateId();
        String key = ServiceAccountKeys.generate();
        ServiceAccountEntity account = new ServiceAccountEntity(id, realm.getId(), spec.name(), spec.description(),
                spec.namespaceId(), spec.actsAsType(), spec.actsAsId(), String.join(",", spec.clients()),
                ServiceAccountKeys.hash(key), now, by == null ? null : by.getId(), by == null ? null : by.getUsername(),
                spec.expires());
        em().persist(account);
        // Straight into Keycloak's local storage, with no default roles, groups or required actions.
        UserModel principal = session.users().addUser(realm, principalIdOf(id), USERNAME_PREFIX + spec.name(), false, false);
        principal.setEnabled(true);
        principal.setSingleAttribute(ATTRIBUTE, id);
        return new Created(account, key);
    }

    /** @return the realm's accounts, by name */
    public List<ServiceAccountEntity> list(RealmModel realm, int first, int max) {
        return em().createNamedQuery("actAsServiceAccounts.ofRealm", ServiceAccountEntity.class)
                .setParameter("realmId", realm.getId()).setFirstResult(first).setMaxResults(max).getResultList();
    }

    /** @return the account with this id (or name) in this realm, or null */
    public ServiceAccountEntity find(RealmModel realm, String idOrName) {
        if (idOrName == null || idOrName.length() > 64) {
            return null;
        }
        ServiceAccountEntity byId = em().find(ServiceAccountEntity.class, idOrName);
        if (byId != null) {
            return byId.getRealmId().equals(realm.getId()) ? byId : null;
        }
        return em().createNamedQuery("actAsServiceAccounts.byName", ServiceAccountEntity.class)
                .setParameter("realmId", realm.getId()).setParameter("name", idOrName)
                .getResultStream().findFirst().orElse(null);
    }

    /** @return whether an account of this name exists in the realm */
    public boolean nameTaken(RealmModel realm, String name) {
        return !em().createNamedQuery("actAsServiceAccounts.byName", ServiceAccountEntity.class)
                .setParameter("realmId", realm.getId()).setParameter("name", name).setMaxResults(1)
                .getResultList().isEmpty();
    }

    /**
     * @return the account a well-formed key belongs to in this realm, or null (unknown, rotated away, or of
     *         another realm: the caller answers all of them alike)
     */
    public ServiceAccountEntity byKey(RealmModel realm, String key) {
        // Nothing of this request is pending yet: no flush before the probe.
        ServiceAccountEntity account = em().createNamedQuery("actAsServiceAccounts.byKeyHash", ServiceAccountEntity.class)
                .setParameter("keyHash", ServiceAccountKeys.hash(key)).setFlushMode(FlushModeType.COMMIT)
                .getResultStream().findFirst().orElse(null);
        return account != null && account.getRealmId().equals(realm.getId()) ? account : null;
    }

    /** @return the new key (shown once); the old one is refused from this transaction's commit on */
    public String rotate(ServiceAccountEntity account, long now) {
        String key = ServiceAccountKeys.generate();
        account.rotate(ServiceAccountKeys.hash(key), now);
        return key;
    }

    /**
     * Revokes an account: its key fails from now on, and the sessions its tokens came from end (on every node:
     * Keycloak's session store is shared), so those tokens stop introspecting as active.
     */
    public void revoke(RealmModel realm, ServiceAccountEntity account, long now) {
        account.revoke(now);
        account.setSessionId(null);
        UserModel principal = principal(realm, account);
        if (principal != null) {
            session.sessions().getUserSessionsStream(realm, principal).toList()
                    .forEach(userSession -> session.sessions().removeUserSession(realm, userSession));
        }
    }

    /**
     * @return the account a key session belongs to if it may still have tokens for {@code clientId} at
     *         {@code nowMillis} (not revoked, not expired, the client among its clients), else null
     */
    public ServiceAccountEntity admitting(RealmModel realm, String accountId, String clientId, long nowMillis) {
        ServiceAccountEntity account = find(realm, accountId);
        if (account == null || account.getRevoked() > 0 || account.getExpires() <= nowMillis) {
            return null;
        }
        return account.clientIds().contains(clientId) ? account : null;
    }

    /**
     * Accounts of every realm that are due an expiry notice: expiring before {@code warnFromMillis} without a
     * notice yet, or expired without the "expired" one. Never revoked ones (a revoked key is over already).
     */
    public List<ServiceAccountEntity> expiryDue(long nowMillis, long warnFromMillis, int limit) {
        return em().createNamedQuery("actAsServiceAccounts.expiryDue", ServiceAccountEntity.class)
                .setParameter("now", nowMillis).setParameter("warnFrom", warnFromMillis)
                .setMaxResults(limit).getResultList();
    }

    /**
     * Claims an expiry notice for the account: true for exactly one caller on every node (a conditional
     * update), which then records it.
     */
    public boolean claimExpiryNotice(ServiceAccountEntity account, int notice) {
        return em().createNamedQuery("actAsServiceAccounts.claimExpiryNotice")
                .setParameter("notice", notice).setParameter("id", account.getId()).executeUpdate() == 1;
    }

    /** The account's principal, or null if an administrator deleted it. */
    public UserModel principal(RealmModel realm, ServiceAccountEntity account) {
        UserModel user = session.users().getUserById(realm, principalIdOf(account.getId()));
        return isPrincipal(user) ? user : null;
    }

    private EntityManager em() {
        return session.getProvider(JpaConnectionProvider.class).getEntityManager();
    }
}
