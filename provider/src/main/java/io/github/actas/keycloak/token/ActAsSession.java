package io.github.actas.keycloak.token;

import io.github.actas.keycloak.audit.ActingFacts;
import io.github.actas.keycloak.audit.AuditRecord;
import io.github.actas.keycloak.policy.Decision;
import io.github.actas.keycloak.policy.Mode;
import io.github.actas.keycloak.policy.Principal;
import org.keycloak.models.ImpersonationSessionNote;
import org.keycloak.models.UserSessionModel;

/**
 * What makes a Keycloak user session an Act-As session: notes written when it starts, read whenever a
 * token is issued or refreshed from it. Notes live with the session, so every cluster node sees them.
 *
 * @param actorClientId  client id when the actor is a service account, else null
 * @param nestedAct      the subject token's own {@code act} (JSON) for delegation chains, else null
 * @param started        epoch seconds
 * @param expires        epoch seconds; nothing issued from the session outlives it
 * @param parentId       the Act-As session this one was delegated from (its subject token acted), else null:
 *                       this session never outlives it and ends with it
 * @param group          in group mode, the group acted as (its id and its path when acting started), else null
 */
public record ActAsSession(Mode mode, String actorId, String actorUsername, String actorClientId, String issuer,
                           String grantId, String grantName, String clientId, String reason, String acr,
                           long started, long expires, String nestedAct, String parentId, AuditRecord.Group group) {


    /** Every Act-As note starts with this. */
    public static final String PREFIX = "act-as.";
    static final String MODE = PREFIX + "mode";
    static final String ACTOR_ID = PREFIX + "actor.id";
    static final String ACTOR_USERNAME = PREFIX + "actor.username";
    static final String ACTOR_CLIENT = PREFIX + "actor.client";
    static final String ISSUER = PREFIX + "issuer";
    static final String GRANT_ID = PREFIX + "grant.id";
    static final String GRANT_NAME = PREFIX + "grant.name";
    static final String CLIENT = PREFIX + "client";
    static final String REASON = PREFIX + "reason";
    static final String ACR = PREFIX + "acr";
    static final String STARTED = PREFIX + "started";
    static final String EXPIRES = PREFIX + "expires";
    static final String NESTED_ACT = PREFIX + "act";
    static final String PARENT = PREFIX + "parent";
    static final String GROUP_ID = PREFIX + "group.id";
    static final String GROUP_PATH = PREFIX + "group.path";
    /**
     * Browser sessions: the secret the banner's Stop must present. Random per session and kept on the
     * server, so nothing an application or a token sees (session ids are in tokens) can be used to forge it.
     */
    public static final String STOP_SECRET = PREFIX + "stop";
    /**
     * On the actor's own session carried over while the browser acts: the epoch second its original sign-in
     * ends. Keycloak starts every session "now", so this note is what keeps acting from lengthening the
     * actor's sign-in: tokens, refreshes and single sign-on from that session stop at it.
     */
    public static final String CARRIED_END = PREFIX + "actor.session.limit";

    /** @return the Act-As view of the session, or null when it is not an Act-As session */
    public static ActAsSession of(UserSessionModel userSession) {
        if (userSession == null) {
            return null;
        }
        String mode = userSession.getNote(MODE);
        if (mode == null) {
            return null;
        }
        return new ActAsSession(Mode.fromWireName(mode),
                userSession.getNote(ACTOR_ID),
                userSession.getNote(ACTOR_USERNAME),
                userSession.getNote(ACTOR_CLIENT),
                userSession.getNote(ISSUER),
                userSession.getNote(GRANT_ID),
                userSession.getNote(GRANT_NAME),
                userSession.getNote(CLIENT),
                userSession.getNote(REASON),
                userSession.getNote(ACR),
                parseLong(userSession.getNote(STARTED)),
                parseLong(userSession.getNote(EXPIRES)),
                userSession.getNote(NESTED_ACT),
                userSession.getNote(PARENT),
                group(userSession.getNote(GROUP_ID), userSession.getNote(GROUP_PATH)));
    }

    private static AuditRecord.Group group(String id, String path) {
        return id == null ? null : new AuditRecord.Group(id, path);
    }

    /** @return the epoch second a carried-over actor session ends, or {@link Long#MAX_VALUE} for any other session */
    public static long carriedEnd(UserSessionModel userSession) {
        String end = userSession == null ? null : userSession.getNote(CARRIED_END);
        return end == null ? Long.MAX_VALUE : parseLong(end);
    }

    /** Cheap check, without reading all notes. */
    public static boolean isActAs(UserSessionModel userSession) {
        return userSession != null && userSession.getNote(MODE) != null;
    }

    /** Writes the notes on a session that starts now. */
    public void writeTo(UserSessionModel userSession) {
        set(userSession, MODE, mode.wireName());
        set(userSession, ACTOR_ID, actorId);
        set(userSession, ACTOR_USERNAME, actorUsername);
        set(userSession, ACTOR_CLIENT, actorClientId);
        set(userSession, ISSUER, issuer);
        set(userSession, GRANT_ID, grantId);
        set(userSession, GRANT_NAME, grantName);
        set(userSession, CLIENT, clientId);
        set(userSession, REASON, reason);
        set(userSession, ACR, acr);
        set(userSession, STARTED, Long.toString(started));
        set(userSession, EXPIRES, Long.toString(expires));
        set(userSession, NESTED_ACT, nestedAct);
        set(userSession, PARENT, parentId);
        if (group != null) {
            set(userSession, GROUP_ID, group.id());
            set(userSession, GROUP_PATH, group.path());
        }
        // Keycloak's own notes: its "Impersonator" protocol mappers and admin console understand them.
        set(userSession, ImpersonationSessionNote.IMPERSONATOR_ID.toString(), actorId);
        set(userSession, ImpersonationSessionNote.IMPERSONATOR_USERNAME.toString(), actorUsername);
    }

    /**
     * The notes of an acting session starting {@code now} under an allowed decision: the decision names the
     * grant and the duration (never past {@code latestEnd}, the end of the acting session it is delegated
     * from, or {@link Long#MAX_VALUE}).
     */
    public static ActAsSession starting(Decision decision, Mode mode, Principal actor, String issuer, String client,
                                        String reason, String acr, String nestedAct, ActAsSession parent,
                                        String parentId, long now) {
        long latestEnd = parent == null ? Long.MAX_VALUE : parent.expires();
        AuditRecord.Group group = mode == Mode.GROUP ? new AuditRecord.Group(decision.group().id(), decision.group().path()) : null;
        return new ActAsSession(mode, actor.id(), actor.username(), actor.serviceAccountClientId(), issuer,
                decision.grant().id(), decision.grant().name(), client, reason, acr, now,
                Math.min(now + decision.durationSeconds(), latestEnd), nestedAct, parent == null ? null : parentId, group);
    }

    /**
     * What the audit record of a step of this session says, about {@code target} (the user the session belongs
     * to; in group mode the group's principal, and the record names the group) and the session
     * {@code sessionId}.
     */
    public ActingFacts facts(String targetId, String targetUsername, String sessionId) {
        return new ActingFacts(actorId, actorUsername, actorClientId, targetId, targetUsername, group, mode, grantName,
                reason, clientId, sessionId, expires);
    }

    /** The same, for the user session holding these notes. */
    public ActingFacts facts(UserSessionModel userSession) {
        return facts(userSession.getUser().getId(), userSession.getUser().getUsername(), userSession.getId());
    }

    /** The same session with an earlier hard end (a grant was shortened, or a parent session ends sooner). */
    public ActAsSession endingAt(long newExpires) {
        return new ActAsSession(mode, actorId, actorUsername, actorClientId, issuer, grantId, grantName, clientId,
                reason, acr, started, newExpires, nestedAct, parentId, group);
    }

    /** Moves the hard end of a running session earlier; the tokens issued from now on carry it. */
    public void writeExpires(UserSessionModel userSession) {
        userSession.setNote(EXPIRES, Long.toString(expires));
    }

    /** @return whether the session has passed its hard end at {@code nowSeconds} */
    public boolean expiredAt(long nowSeconds) {
        return nowSeconds >= expires;
    }

    private static void set(UserSessionModel userSession, String key, String value) {
        if (value != null) {
            userSession.setNote(key, value);
        }
    }

    private static long parseLong(String value) {
        try {
            return value == null ? 0 : Long.parseLong(value);
        } catch (NumberFormatException e) {
            return 0; // treated as already expired: fail closed
        }
    }
}
