package io.github.actas.keycloak.audit;

import io.github.actas.keycloak.policy.Mode;

/**
 * What an audit record and its Keycloak event say about one acting (or an attempt at it): who acted,
 * as whom, how, under which grant, why and through which client. Every door and lifecycle step hands
 * these to the emitter; the emitter adds realm, time, address and the step's own facts.
 *
 * @param actorClientId the client whose service account acts, or null
 * @param targetId      the user acted as; in group mode the group's principal (the user its tokens are about)
 * @param group         the group acted as in group mode (id and path; the id is null while only the name the
 *                      request gave is known), else null
 * @param sessionId     the acting session (user session id), or null when none exists (a refusal)
 * @param expires       the acting session's hard end (epoch seconds), or 0 when there is none
 */
public record ActingFacts(String actorId, String actorUsername, String actorClientId, String targetId,
                          String targetUsername, AuditRecord.Group group, Mode mode, String grant, String reason, String client,
                          String sessionId, long expires) {

    /** What is known about a request to act before the policy has answered: no session, no grant yet. */
    public static ActingFacts request(Mode mode, String actorId, String actorUsername, String actorClientId,
                                      String targetId, String targetUsername, String reason, String client) {
        return new ActingFacts(actorId, actorUsername, actorClientId, targetId, targetUsername, null, mode, null,
                reason, client, null, 0);
    }

    /** The same facts, now that the grant that decides is known. */
    public ActingFacts underGrant(String name) {
        return new ActingFacts(actorId, actorUsername, actorClientId, targetId, targetUsername, group, mode, name,
                reason, client, sessionId, expires);
    }

    /** The same facts, about the resolved target. */
    public ActingFacts target(String id, String username) {
        return new ActingFacts(actorId, actorUsername, actorClientId, id, username, group, mode, grant, reason,
                client, sessionId, expires);
    }

    /** The same facts, about a group (group mode): {@code id} is null while only the requested name is known. */
    public ActingFacts group(String id, String path) {
        return new ActingFacts(actorId, actorUsername, actorClientId, targetId, targetUsername,
                path == null ? null : new AuditRecord.Group(id, path), mode, grant, reason, client, sessionId, expires);
    }

    /** The same facts, about the actor once it is known. */
    public ActingFacts actor(String id, String username, String clientId) {
        return new ActingFacts(id, username, clientId, targetId, targetUsername, group, mode, grant, reason, client,
                sessionId, expires);
    }

    /** The same facts, with the reason the request gives. */
    public ActingFacts withReason(String value) {
        return new ActingFacts(actorId, actorUsername, actorClientId, targetId, targetUsername, group, mode, grant,
                value, client, sessionId, expires);
    }

    /** The same facts, about tokens for {@code clientId} (a running session issuing to another client). */
    public ActingFacts forClient(String clientId) {
        return new ActingFacts(actorId, actorUsername, actorClientId, targetId, targetUsername, group, mode, grant,
                reason, clientId, sessionId, expires);
    }

    /** The same facts, about the user session {@code id}. */
    public ActingFacts inSession(String id) {
        return new ActingFacts(actorId, actorUsername, actorClientId, targetId, targetUsername, group, mode, grant,
                reason, client, id, expires);
    }
}
