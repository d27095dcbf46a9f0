package io.github.actas.keycloak.acting;

import java.util.List;

import io.github.actas.keycloak.policy.ActAsRequest;
import io.github.actas.keycloak.policy.Decision;
import io.github.actas.keycloak.policy.Mode;
import io.github.actas.keycloak.policy.Principal;
import io.github.actas.keycloak.store.ActAsPolicyProvider;
import io.github.actas.keycloak.store.GroupPrincipals;
import io.github.actas.keycloak.token.ActAsSession;
import io.github.actas.keycloak.token.ActClaim;
import org.keycloak.models.ClientModel;
import org.keycloak.models.GroupModel;
import org.keycloak.models.ImpersonationSessionNote;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.representations.JsonWebToken;

/**
 * Builds the {@link ActAsRequest} every door asks the policy, for the client the tokens go to, and asks
 * it. The doors differ only in where the actor, target, reason and level of authentication come from;
 * what counts as "already acting" and how the actor looks to the policy is decided here, once.
 */
public final class ActingRequests {

    private final KeycloakSession session;
    private final RealmModel realm;
    private final ClientModel client;
    private final ActAsPolicyProvider policy;

    public ActingRequests(KeycloakSession session, RealmModel realm, ClientModel client) {
        this.session = session;
        this.realm = realm;
        this.client = client;
        this.policy = session.getProvider(ActAsPolicyProvider.class);
    }

    /**
     * Whether a session (and the token presented from it, if any) already acts for someone: an Act-As
     * session, Keycloak's own impersonation, or a token carrying {@code act}. Acting from there again is a
     * chain, which the policy refuses.
     */
    public static boolean alreadyActing(UserSessionModel userSession, JsonWebToken token) {
        return token != null && token.getOtherClaims().containsKey(ActClaim.CLAIM)
                || userSession != null && (ActAsSession.isActAs(userSession)
                || userSession.getNote(ImpersonationSessionNote.IMPERSONATOR_ID.toString()) != null);
    }

    /** The actor as the policy sees it. */
    public Principal actor(UserModel user, boolean alreadyActing) {
        Principal actor = policy.principal(realm, user);
        return alreadyActing ? actor.asActing() : actor;
    }

    /**
     * The request to act as {@code target}: a username or id, or in {@link Mode#GROUP} a group's path or id.
     *
     * @param acr      the actor's level of authentication, as the door verified it (or null)
     * @param audience further clients the tokens are for (token exchange's {@code audience}), or empty
     */
    public ActAsRequest request(Principal actor, Mode mode, String target, String reason, String acr,
                                List<String> audience) {
        return mode == Mode.GROUP
                ? new ActAsRequest(actor, mode, null, target, client.getClientId(), reason, acr, audience)
                : new ActAsRequest(actor, mode, target, null, client.getClientId(), reason, acr, audience);
    }

    /** The request a running acting session stands for: re-decided whenever it issues a token to this client. */
    public ActAsRequest running(Principal actor, ActAsSession notes, UserModel target) {
        return request(actor, notes.mode(), notes.group() != null ? notes.group().id() : target.getId(), notes.reason(),
                notes.acr(), List.of());
    }

    public Decision decide(ActAsRequest request) {
        return policy.decide(realm, client, request);
    }

    /** The level of assurance a grant's requireAcr means for this client (number or mapped name), or -1. */
    public int acrLevel(String acr) {
        return policy.directory(realm, client).acrLevel(acr);
    }

    /**
     * The user the tokens of an allowed decision are about: the target user, or in group mode the group's
     * principal (created on first use).
     */
    public UserModel targetOf(Decision decision) {
        if (decision.group() != null) {
            GroupModel group = session.groups().getGroupById(realm, decision.group().id());
            return group == null ? null : new GroupPrincipals(session).ensure(realm, group);
        }
        return decision.target() == null ? null : session.users().getUserById(realm, decision.target().id());
    }
}
