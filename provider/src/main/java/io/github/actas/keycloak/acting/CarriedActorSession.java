package io.github.actas.keycloak.acting;

import java.util.concurrent.TimeUnit;

import io.github.actas.keycloak.token.ActAsSession;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.models.utils.SessionExpirationUtils;
import org.keycloak.services.managers.AuthenticationManager;
import org.keycloak.services.managers.UserSessionManager;

/**
 * The actor's own browser session, carried over while the browser acts. Keycloak removes the browser's
 * previous SSO session when it switches to the target's, so the actor's session is copied into a new one
 * (same notes: authentication time, levels of authentication) that Stop returns to. A Keycloak session
 * always starts "now", so the copy carries the original's end ({@link ActAsSession#CARRIED_END}): Stop returns to it only
 * before then, and the copy itself ends then too (tokens, refreshes and single sign-on all stop at it), so
 * acting never lengthens the actor's own sign-in.
 */
public final class CarriedActorSession {

    /** Note on the Act-As user session: the actor's carried-over session, for Stop. */
    public static final String ACTOR_SESSION_NOTE = "act-as.actor.session";

    private CarriedActorSession() {
    }

    /**
     * @param original the browser's SSO session when it is the actor's own, else null (the actor signed in
     *                 in this flow)
     */
    public static UserSessionModel carry(KeycloakSession session, RealmModel realm, UserModel actor, UserSessionModel original,
                                  String protocol) {
        boolean rememberMe = original != null && original.isRememberMe();
        UserSessionModel carried = new UserSessionManager(session).createUserSession(KeycloakModelUtils.generateId(),
                realm, actor, actor.getUsername(), session.getContext().getConnection().getRemoteHost(), protocol,
                rememberMe, null, null, UserSessionModel.SessionPersistenceState.PERSISTENT);
        if (original != null) {
            original.getNotes().forEach(carried::setNote);
        }
        long started = original != null ? original.getStarted() : Time.currentTime();
        long end = SessionExpirationUtils.calculateUserSessionMaxLifespanTimestamp(false, rememberMe,
                TimeUnit.SECONDS.toMillis(started), realm);
        long endSeconds = end <= 0 ? Long.MAX_VALUE : TimeUnit.MILLISECONDS.toSeconds(end);
        // Carried over again (the actor acted twice without a new sign-in): the first original's end stays.
        carried.setNote(ActAsSession.CARRIED_END, Long.toString(Math.min(endSeconds, ActAsSession.carriedEnd(original))));
        return carried;
    }

    /** Whether {@code userSession} is a carried-over session whose original sign-in has ended by now. */
    public static boolean ended(UserSessionModel userSession) {
        return Time.currentTime() >= ActAsSession.carriedEnd(userSession);
    }

    /** Whether Stop may return the browser to this session of the actor. */
    public static boolean returnable(RealmModel realm, UserSessionModel carried, String actorId) {
        return carried != null && carried.getUser() != null && carried.getUser().getId().equals(actorId)
                && AuthenticationManager.isSessionValid(realm, carried) && !ended(carried);
    }
}
