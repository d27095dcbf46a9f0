package io.github.actas.keycloak.acting;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.actas.keycloak.audit.EndReason;
import org.keycloak.Config;
import org.keycloak.events.Event;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.events.EventType;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.AuthDetails;
import org.keycloak.events.admin.OperationType;
import org.keycloak.models.GroupModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.models.utils.PostMigrationEvent;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.timer.TimerProvider;

/**
 * Keeps acting sessions' ends recorded, whoever ends them. Records the end of an Act-As session that
 * Keycloak itself ended: the user's or the application's logout
 * (a {@code LOGOUT} event), a sign-in restarted during re-authentication (which logs the browser's session
 * out), and Keycloak's admin API deleting a session or signing a user or the whole realm out (admin events). Keycloak removes those sessions without telling anyone else, so this is where
 * their one end record comes from. Global: it needs no per-realm configuration, and it costs one
 * primary-key lookup per logout. Its housekeeping also purges sessions past their hard end and records
 * service-account keys that expire soon or have expired ({@link ServiceAccountExpiry}).
 */
public final class ActingLifecycleFactory implements EventListenerProviderFactory {

    public static final String PROVIDER_ID = "act-as-sessions";

    static final String PURGE_INTERVAL_SECONDS = "purge-interval-seconds";
    private static final int DEFAULT_PURGE_INTERVAL_SECONDS = 300;
    private static final int PURGE_BATCH = 500;
    private static final String PURGE_TASK = "act-as-session-purge";

    static final String WARNING_DAYS = "service-account-warning-days";
    private static final int DEFAULT_WARNING_DAYS = 14;
    private static final String EXPIRY_TASK = "act-as-service-account-expiry";

    private int purgeIntervalSeconds = DEFAULT_PURGE_INTERVAL_SECONDS;
    private int warningDays = DEFAULT_WARNING_DAYS;

    /** Admin API paths (relative to the realm) whose calls remove user sessions. */
    private static final Pattern SESSION_DELETE = Pattern.compile("sessions/([^/]{1,64})");
    private static final Pattern USER_LOGOUT = Pattern.compile("users/([^/]{1,64})/logout");
    private static final String REALM_LOGOUT = "logout-all";

    @Override
    public EventListenerProvider create(KeycloakSession session) {
        return new EventListenerProvider() {
            @Override
            public void onEvent(Event event) {
                boolean logout = event.getType() == EventType.LOGOUT && event.getSessionId() != null;
                // "Restart login" during a re-authentication logs the browser's session out without a LOGOUT event.
                boolean restart = event.getType() == EventType.RESTART_AUTHENTICATION && event.getUserId() != null;
                RealmModel realm = !(logout || restart) || event.getRealmId() == null ? null
                        : session.realms().getRealm(event.getRealmId());
                if (realm == null) {
                    return;
                }
                SessionEnds sessions = new SessionEnds(session);
                if (logout) {
                    sessions.end(realm, event.getSessionId(), EndReason.LOGGED_OUT, null);
                } else {
                    sessions.endVanished(realm, event.getUserId(), EndReason.REPLACED, null);
                }
            }

            @Override
            public void onEvent(AdminEvent event, boolean includeRepresentation) {
                String path = event.getResourcePath();
                if (path == null || event.getRealmId() == null) {
                    return;
                }
                Matcher sessionDelete = SESSION_DELETE.matcher(path);
                Matcher userLogout = USER_LOGOUT.matcher(path);
                boolean deleted = event.getOperationType() == OperationType.DELETE && sessionDelete.matches();
                boolean action = event.getOperationType() == OperationType.ACTION;
                if (!deleted && !(action && (userLogout.matches() || REALM_LOGOUT.equals(path)))) {
                    return;
                }
                RealmModel realm = session.realms().getRealm(event.getRealmId());
                if (realm == null) {
                    return;
                }
                UserModel admin = admin(event);
                SessionEnds sessions = new SessionEnds(session);
                if (deleted) {
                    sessions.end(realm, sessionDelete.group(1), EndReason.KEYCLOAK_ADMIN, admin);
                } else {
                    sessions.endVanished(realm, userLogout.matches() ? userLogout.group(1) : null, EndReason.KEYCLOAK_ADMIN, admin);
                }
            }

            private UserModel admin(AdminEvent event) {
                AuthDetails auth = event.getAuthDetails();
                RealmModel authRealm = auth == null || auth.getRealmId() == null ? null : session.realms().getRealm(auth.getRealmId());
                return authRealm == null || auth.getUserId() == null ? null : session.users().getUserById(authRealm, auth.getUserId());
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public boolean isGlobal() {
        return true;
    }

    @Override
    public void init(Config.Scope config) {
        purgeIntervalSeconds = Math.max(1, config.getInt(PURGE_INTERVAL_SECONDS, DEFAULT_PURGE_INTERVAL_SECONDS));
        warningDays = Math.max(0, config.getInt(WARNING_DAYS, DEFAULT_WARNING_DAYS));
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return ProviderConfigurationBuilder.create()
                .property().name(PURGE_INTERVAL_SECONDS).type("int")
                .helpText("How often each node ends the Act-As sessions past their hard end (and records their end).")
                .defaultValue(DEFAULT_PURGE_INTERVAL_SECONDS).add()
                .property().name(WARNING_DAYS).type("int")
                .helpText("How many days before a service-account key expires its expiry is recorded"
                        + " (service-account.expiring) and its creator e-mailed, if the realm has SMTP; checked as"
                        + " often as sessions are purged.")
                .defaultValue(DEFAULT_WARNING_DAYS).add()
                .build();
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        factory.register(event -> {
            if (event instanceof UserModel.UserRemovedEvent removed) {
                // Keycloak removes a deleted user's sessions without telling anyone: end the acting ones here.
                new SessionEnds(removed.getKeycloakSession()).userRemoved(removed.getRealm(), removed.getUser());
            } else if (event instanceof GroupModel.GroupRemovedEvent removed) {
                new SessionEnds(removed.getKeycloakSession()).groupRemoved(removed.getRealm(), removed.getGroup());
            } else if (event instanceof PostMigrationEvent) {
                // Not before: on a new database the tables are created after the factories start.
                scheduleTasks(factory);
            }
        });
    }

    private void scheduleTasks(KeycloakSessionFactory factory) {
        KeycloakModelUtils.runJobInTransaction(factory, session -> session.getProvider(TimerProvider.class)
                .scheduleTask(task -> new SessionEnds(task).purgeExpired(PURGE_BATCH), purgeIntervalSeconds * 1000L, PURGE_TASK));
        long warnMillis = TimeUnit.DAYS.toMillis(warningDays);
        KeycloakModelUtils.runJobInTransaction(factory, session -> session.getProvider(TimerProvider.class)
                .scheduleTask(task -> new ServiceAccountExpiry(task).run(warnMillis, PURGE_BATCH), purgeIntervalSeconds * 1000L,
                        EXPIRY_TASK));
    }

    @Override
    public void close() {
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }
}
