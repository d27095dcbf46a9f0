package io.github.actas.keycloak.acting;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.github.actas.keycloak.audit.ActAsAuditProvider;
import io.github.actas.keycloak.token.ActAsSession;
import org.jboss.logging.Logger;
import org.keycloak.email.EmailException;
import org.keycloak.email.EmailTemplateProvider;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * Tells the target, by email, that someone acted as them (grants with {@code notifyTarget}), from any
 * door. Sent
 * after the impersonation has committed, through Keycloak's email sender and the realm's SMTP
 * settings; a failure is audited as {@code notification.failed} and never blocks or undoes the acting.
 */
public final class TargetNotification {

    private static final Logger LOG = Logger.getLogger(TargetNotification.class);

    static final String TEMPLATE = "act-as-notification.ftl";
    static final String SUBJECT = "actAsNotificationSubject";

    private TargetNotification() {
    }

    public static void sendAfterCommit(KeycloakSession session, RealmModel realm, UserModel target, ActAsSession notes) {
        session.getTransactionManager().enlistAfterCompletion(new AbstractKeycloakTransaction() {
            @Override
            protected void commitImpl() {
                send(session, realm, target, notes);
            }

            @Override
            protected void rollbackImpl() {
                // the acting did not happen: nothing to tell
            }
        });
    }

    private static void send(KeycloakSession session, RealmModel realm, UserModel target, ActAsSession notes) {
        String problem;
        if (target.getEmail() == null || target.getEmail().isBlank()) {
            problem = "the target has no email address";
        } else {
            try {
                Map<String, Object> attributes = new HashMap<>();
                attributes.put("actor", notes.actorUsername());
                attributes.put("target", target.getUsername());
                attributes.put("started", Instant.ofEpochSecond(notes.started()).toString());
                attributes.put("expires", Instant.ofEpochSecond(notes.expires()).toString());
                attributes.put("duration", Durations.describe(notes.expires() - notes.started()));
                attributes.put("reason", notes.reason() == null ? "" : notes.reason());
                attributes.put("grant", notes.grantName());
                attributes.put("client", notes.clientId());
                session.getProvider(EmailTemplateProvider.class)
                        .setRealm(realm)
                        .setUser(target)
                        .send(SUBJECT, List.of(notes.actorUsername()), TEMPLATE, attributes);
                return;
            } catch (EmailException | RuntimeException e) {
                problem = "email could not be sent: " + rootMessage(e);
            }
        }
        LOG.warnf("Act-As could not notify %s in realm %s that %s acted as them: %s",
                target.getUsername(), realm.getName(), notes.actorUsername(), problem);
        session.getProvider(ActAsAuditProvider.class).notificationFailed(realm,
                notes.facts(target.getId(), target.getUsername(), null), problem);
    }

    private static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }
}
