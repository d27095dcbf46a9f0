package io.github.actas.keycloak.login;

import io.github.actas.keycloak.audit.ActAsAuditProvider;
import io.github.actas.keycloak.audit.ActAsEventDetails;
import io.github.actas.keycloak.audit.AuditRecord;
import io.github.actas.keycloak.audit.AuditTypes;
import io.github.actas.keycloak.policy.ActAsPolicyProvider;
import io.github.actas.keycloak.policy.ActAsRequest;
import io.github.actas.keycloak.policy.Decision;
import io.github.actas.keycloak.policy.Mode;
import io.github.actas.keycloak.policy.Principal;
import io.github.actas.keycloak.session.ActAsSession;
import io.github.actas.keycloak.session.ActAsSessions;
import io.github.actas.keycloak.session.EndReason;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.common.ClientConnection;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.ClientModel;
import org.keycloak.models.ImpersonationSessionNote;
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

    /**
     * Asks the policy whether {@code actorUser} may act as {@code target} for this client.
     *
     * @param acting whether the actor's own browser session already acts for someone (no chains)
     */
    Decision decide(UserModel actorUser, boolean acting, String target, String reason) {
        ActAsPolicyProvider policy = session.getProvider(ActAsPolicyProvider.class);
        Principal actor = policy.principal(realm, actorUser);
        if (acting) {
            actor = actor.asActing();
        }
        return policy.decide(realm, client, new ActAsRequest(actor, Mode.IMPERSONATE, target, null,
                client.getClientId(), reason, currentAcr()));
    }

    /** The level of assurance a grant's requireAcr means for this client (number or mapped name), or -1. */
    int acrLevel(String acr) {
        return session.getProvider(ActAsPolicyProvider.class).directory(realm, client).acrLevel(acr);
    }

    /** Whether the signed-in browser session of {@code user} is an Act-As (or Keycloak impersonation) session. */
    static boolean isActing(AuthenticationManager.AuthResult sso, UserModel user) {
        return sso != null && sso.user().getId().equals(user.getId())
                && (ActAsSession.isActAs(sso.session())
                || sso.session().getNote(ImpersonationSessionNote.IMPERSONATOR_ID.toString()) != null);
    }

    /** Records a refusal in its own transaction: the authentication is about to fail. */
    void auditDenied(UserModel actorUser, String targetName, UserModel target, String grant, String reason, String why) {
        session.getProvider(ActAsAuditProvider.class).recordNow(realm,
                AuditRecord.builder(AuditTypes.DENIED, AuditRecord.DENIED)
                        .initiatingUser(actorUser.getId(), actorUser.getUsername())
                        .effectiveUser(target == null ? null : target.getId(), target == null ? targetName : target.getUsername())
                        .mode(Mode.IMPERSONATE)
                        .grant(grant)
                        .reason(reason)
                        .client(client.getClientId())
                        .ipAddress(remoteAddress())
                        .error(why));
        event(EventType.IMPERSONATE_ERROR, actorUser)
                .detail(ActAsEventDetails.TARGET, target == null ? targetName : target.getUsername())
                .detail(ActAsEventDetails.GRANT, grant)
                .detail(ActAsEventDetails.REASON, reason)
                .detail(ActAsEventDetails.DENIAL, why)
                .error("act_as_denied");
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
            new ActAsSessions(session).end(realm, sso.session().getId(), EndReason.REPLACED, null);
        }
    }

    /**
     * The refusal page: Keycloak's error page, except that the message is shown as text. Keycloak's own
     * page runs messages through a sanitizer that decodes entities and keeps links, and these messages
     * carry values a request supplied (the name asked for, a client id).
     */
    static Response errorPage(AuthenticationFlowContext context, String messageKey, Object... parameters) {
        return context.form().setError(messageKey, parameters).setStatus(Response.Status.FORBIDDEN).createForm(ERROR_TEMPLATE);
    }

    /** An event about the act-as step, alongside the LOGIN event of the flow itself. */
    EventBuilder event(EventType type, UserModel actorUser) {
        return new EventBuilder(realm, session, session.getContext().getConnection())
                .event(type)
                .client(client)
                .user(actorUser)
                .detail(ActAsEventDetails.MODE, Mode.IMPERSONATE.wireName())
                .detail(ActAsEventDetails.ACTOR, actorUser.getUsername())
                .detail(ActAsEventDetails.ACTOR_ID, actorUser.getId());
    }

    String remoteAddress() {
        ClientConnection connection = session.getContext().getConnection();
        return connection == null ? null : connection.getRemoteAddr();
    }
}
