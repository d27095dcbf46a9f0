package io.github.actas.keycloak.acting;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.github.actas.keycloak.audit.ActAsAuditProvider;
import io.github.actas.keycloak.audit.ActAsAuditProvider.ServiceAccountChange;
import io.github.actas.keycloak.persistence.ServiceAccountEntity;
import io.github.actas.keycloak.store.ServiceAccounts;
import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.email.EmailException;
import org.keycloak.email.EmailTemplateProvider;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * Housekeeping, on any node: records {@code service-account.expiring} some days before a key expires (and
 * e-mails the account's creator when the realm has SMTP), and {@code service-account.expired} once it has.
 * Each notice is claimed by a conditional update, so every node may run this and each is recorded once.
 */
public final class ServiceAccountExpiry {

    private static final Logger LOG = Logger.getLogger(ServiceAccountExpiry.class);

    static final String TEMPLATE = "act-as-key-expiring.ftl";
    static final String SUBJECT = "actAsKeyExpiringSubject";

    private final KeycloakSession session;

    public ServiceAccountExpiry(KeycloakSession session) {
        this.session = session;
    }

    /**
     * @param warnMillis how long before its expiry a key gets its "expires soon" notice
     * @return how many notices this call recorded
     */
    public int run(long warnMillis, int limit) {
        long now = Time.currentTimeMillis();
        ServiceAccounts accounts = new ServiceAccounts(session);
        int recorded = 0;
        for (ServiceAccountEntity account : accounts.expiryDue(now, now + warnMillis, limit)) {
            RealmModel realm = session.realms().getRealm(account.getRealmId());
            if (realm == null) {
                continue;
            }
            session.getContext().setRealm(realm); // a timer task has no request realm
            boolean expired = account.getExpires() <= now;
            if (!accounts.claimExpiryNotice(account, expired ? ServiceAccountEntity.EXPIRED_NOTICE
                    : ServiceAccountEntity.EXPIRING_NOTICE)) {
                continue; // another node's housekeeping recorded it
            }
            Instant expires = Instant.ofEpochMilli(account.getExpires());
            session.getProvider(ActAsAuditProvider.class).serviceAccountExpiry(realm,
                    expired ? ServiceAccountChange.EXPIRED : ServiceAccountChange.EXPIRING,
                    ServiceAccounts.principalIdOf(account.getId()), account.getName(), expires);
            if (!expired) {
                tellCreatorAfterCommit(realm, account, expires);
            }
            recorded++;
        }
        return recorded;
    }

    private void tellCreatorAfterCommit(RealmModel realm, ServiceAccountEntity account, Instant expires) {
        if (realm.getSmtpConfig() == null || realm.getSmtpConfig().get("host") == null || account.getCreatedById() == null) {
            return; // no SMTP in this realm, or nobody to tell: the audit record is the notice
        }
        String realmId = realm.getId();
        String creatorId = account.getCreatedById();
        String name = account.getName();
        session.getTransactionManager().enlistAfterCompletion(new AbstractKeycloakTransaction() {
            @Override
            protected void commitImpl() {
                // The task's session is closing: send from a session of its own.
                KeycloakModelUtils.runJobInTransaction(session.getKeycloakSessionFactory(),
                        mail -> send(mail, realmId, creatorId, name, expires));
            }

            @Override
            protected void rollbackImpl() {
                // not recorded: the next run tries again
            }
        });
    }

    private static void send(KeycloakSession session, String realmId, String creatorId, String name, Instant expires) {
        RealmModel realm = session.realms().getRealm(realmId);
        if (realm == null) {
            return;
        }
        session.getContext().setRealm(realm); // a timer task has no request realm; user lookups need one
        UserModel creator = session.users().getUserById(realm, creatorId);
        if (creator == null || creator.getEmail() == null || creator.getEmail().isBlank()) {
            return;
        }
        Map<String, Object> attributes = new HashMap<>();
        attributes.put("account", name);
        attributes.put("expires", expires.toString());
        try {
            session.getProvider(EmailTemplateProvider.class).setRealm(realm).setUser(creator)
                    .send(SUBJECT, List.of(name), TEMPLATE, attributes);
        } catch (EmailException | RuntimeException e) {
            // The record is the notice; the e-mail is a courtesy, and its failure must not fail housekeeping.
            LOG.warnf("Act-As could not tell %s in realm %s that the key of service account %s expires at %s: %s",
                    creator.getUsername(), realm.getName(), name, expires, e.getMessage());
        }
    }
}
