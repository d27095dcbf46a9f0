package io.github.actas.keycloak.admin;

import jakarta.ws.rs.Path;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resources.admin.AdminEventBuilder;

/** Root of {@code /admin/realms/{realm}/act-as}. Keycloak has authenticated the admin before we get here. */
public final class ActAsAdminResource {

    private final KeycloakSession session;
    private final RealmModel realm;
    private final AdminAccess access;
    private final AdminEventBuilder adminEvent;

    private final ServiceAccountSettings settings;

    ActAsAdminResource(KeycloakSession session, RealmModel realm, AdminAccess access, AdminEventBuilder adminEvent,
                       ServiceAccountSettings settings) {
        this.settings = settings;
        this.session = session;
        this.realm = realm;
        this.access = access;
        this.adminEvent = adminEvent;
    }

    @Path("grants")
    public GrantsResource grants() {
        return new GrantsResource(session, realm, access, adminEvent);
    }

    @Path("sessions")
    public SessionsResource sessions() {
        return new SessionsResource(session, realm, access, adminEvent);
    }

    @Path("audit")
    public AuditResource audit() {
        return new AuditResource(session, realm, access, adminEvent);
    }

    @Path("service-accounts")
    public ServiceAccountsResource serviceAccounts() {
        return new ServiceAccountsResource(session, realm, access, adminEvent, settings);
    }

    @Path("explain")
    public ExplainResource explain() {
        return new ExplainResource(session, realm, access);
    }
}
