package io.github.actas.keycloak.login;

import java.util.List;

import io.github.actas.keycloak.acting.ActAsRequestParameters;
import io.github.actas.keycloak.acting.ActingRequests;
import io.github.actas.keycloak.acting.SessionEnds;
import io.github.actas.keycloak.audit.ActAsAuditProvider;
import io.github.actas.keycloak.audit.Door;
import io.github.actas.keycloak.audit.ActingFacts;
import io.github.actas.keycloak.audit.EndReason;
import io.github.actas.keycloak.policy.ActAsRequest;
import io.github.actas.keycloak.policy.Decision;
import io.github.actas.keycloak.policy.Mode;
import io.github.actas.keycloak.store.GroupPrincipals;
import io.github.actas.keycloak.token.ActAsSession;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.keycloak.services.Urls;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.managers.AuthenticationManager;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * What the browser door knows about one authentication: who is signed in (the actor), whether that
 * browser session is itself an Act-As session, and how to ask the policy and record the answer. Used
 * by the authenticator, the running-session guard and the step-up condition, so all decide alike.
 */
final class BrowserActing {

    static final Logger LOG = Logger.getLogger(BrowserActing.class);

    static final String ERROR_TEMPLATE = "act-as-error.ftl";

    /** Auth note: the level of authentication the actor proved in this sign-in through the step-up subflow. */
    static final String VERIFIED_LEVEL = "act-as.step-up.verified";

    private final KeycloakSession session;
    private final RealmModel realm;
    private final AuthenticationSessionModel authSession;
    private final ClientModel client;

    BrowserActing(KeycloakSession session, AuthenticationSessionModel authSession) {
        this.session = session;
        this.realm = authSession.getRealm();
        this.authSession = authSession;
        this.client = authSession.getClient();
    }

    RealmModel realm() {
        return realm;
    }

    ClientModel client() {
        return client;
    }

    /** The browser's current SSO session (from the identity cookie), or null. */
    AuthenticationManager.AuthResult ssoSession() {
        return AuthenticationManager.authenticateIdentityCookie(session, realm, true);
    }

    /**
     * The level of authentication the actor proved in this sign-in, or null. Only the Act-As step-up subflow
     * proves one ({@link StepUpCondition}), and only after its authenticators really succeeded: a level
     * remembered from an earlier sign-in, or a second factor that was skipped or only "set up", does not count.
     */
    String currentAcr() {
        return authSession.getAuthNote(VERIFIED_LEVEL);
    }

    /** The requests of this sign-in, for its client. */
    ActingRequests requests() {
        return new ActingRequests(session, realm, client);
    }

    /**
     * What the authorization request asks to act as: {@code act_as} (a user) or {@code act_as_group} (a group).
     *
     * @return null when it asks for neither
     */
    static Asked asked(AuthenticationSessionModel authSession) {
        String group = ActAsRequestParameters.get(authSession, ActAsRequestParameters.ACT_AS_GROUP);
        String user = ActAsRequestParameters.get(authSession, ActAsRequestParameters.ACT_AS);
        if (group == null && user == null) {
            return null;
        }
        return new Asked(group != null ? Mode.GROUP : Mode.IMPERSONATE, group != null ? group : user, group != null && user != null);
    }

    /**
     * @param name      the username or id asked for, or in group mode the group's path or id
     * @param ambiguous both {@code act_as} and {@code act_as_group} were given (refused)
     */
    record Asked(Mode mode, String name, boolean ambiguous) {
    }

    /**
     * The request of {@code actorUser} to act as {@code target} (a user, or in {@link Mode#GROUP} a group) in this
     * sign-in. Acting from a browser session that already acts (an Act-As session, Keycloak's impersonation) is a
     * chain, which the policy refuses.
     */
    ActAsRequest request(UserModel actorUser, Mode mode, String target, String reason) {
        AuthenticationManager.AuthResult sso = ssoSession();
        boolean alreadyActing = sso != null && sso.user().getId().equals(actorUser.getId())
                && ActingRequests.alreadyActing(sso.session(), null);
        ActingRequests requests = requests();
        return requests.request(requests.actor(actorUser, alreadyActing), mode, target, reason, currentAcr(), List.of());
    }

    /** The user an allowed (or pending) decision acts as: the target, or a group's principal (made on first use). */
    UserModel targetOf(Decision decision) {
        return requests().targetOf(decision);
    }

    /** The same for a refusal's record, without making anything: a group's principal only if it exists. */
    UserModel knownTargetOf(Decision decision) {
        if (decision.group() != null) {
            return new GroupPrincipals(session).find(realm, decision.group().id());
        }
        return decision.target() == null ? null : session.users().getUserById(realm, decision.target().id());
    }

    Decision decide(ActAsRequest request) {
        return requests().decide(request);
    }

    /** The level of assurance a grant's requireAcr means for this client (number or mapped name), or -1. */
    int acrLevel(String acr) {
        return requests().acrLevel(acr);
    }

    /**
     * Records a refusal (in its own transaction: the authentication is about to fail) and its event.
     *
     * @param targetName the user, or in group mode the group, as asked for
     * @param target     the user acted as (a group's principal in group mode) when known, else null
     */
    void auditDenied(UserModel actorUser, Mode mode, String targetName, UserModel target, String grant, String reason,
                     String why) {
        ActingFacts facts = ActingFacts.request(mode, actorUser.getId(), actorUser.getUsername(), null,
                target == null ? null : target.getId(), target == null ? targetName : target.getUsername(), reason,
                client.getClientId()).underGrant(grant);
        if (mode == Mode.GROUP) {
            facts = facts.group(GroupPrincipals.groupIdOf(target), targetName);
        }
        session.getProvider(ActAsAuditProvider.class).denied(realm, facts, why, null, null, Door.BROWSER);
    }

    /** How pages name what a session acts as: the target's username, or {@code group /path}. */
    static String actingAs(UserModel target, ActAsSession notes) {
        return notes != null && notes.group() != null ? "group " + notes.group().path() : target.getUsername();
    }

    /**
     * Ends the browser's acting session (audited, once) when this sign-in replaces it: it ends as someone else,
     * or not through single sign-on. Keycloak removes the browser's previous session at the end of such a
     * sign-in without telling anyone.
     */
    void endReplacedSession(UserModel signingInAs) {
        AuthenticationManager.AuthResult sso = ssoSession();
        if (sso == null || !ActAsSession.isActAs(sso.session())) {
            return;
        }
        boolean continues = authSession.getAuthNote(AuthenticationManager.SSO_AUTH) != null
                && sso.user().getId().equals(signingInAs.getId());
        if (!continues) {
            new SessionEnds(session).end(realm, sso.session().getId(), EndReason.REPLACED, null);
        }
    }

    /**
     * The refusal page: Keycloak's error page, except that the message is shown as text. Keycloak's own
     * page runs messages through a sanitizer that decodes entities and keeps links, and these messages
     * carry values a request supplied (the name asked for, a client id).
     */
    static Response errorPage(AuthenticationFlowContext context, String messageKey, Object... parameters) {
        // A way back that always exists: the realm's account console (the application's, too, when it has a base URL).
        String account = Urls.accountBase(context.getUriInfo().getBaseUri()).build(context.getRealm().getName()).toString();
        return context.form().setError(messageKey, parameters).setAttribute("actAsAccountUrl", account)
                .setStatus(Response.Status.FORBIDDEN).createForm(ERROR_TEMPLATE);
    }
}
