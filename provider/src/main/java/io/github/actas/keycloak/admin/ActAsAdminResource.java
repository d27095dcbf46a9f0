package io.github.actas.keycloak.admin;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
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

    @Path("lookup")
    public LookupResource lookup() {
        return new LookupResource(session, realm, access);
    }

    @Path("setup")
    public SetupResource setup() {
        return new SetupResource(session, realm, access, adminEvent);
    }

    /** What the caller may do here: which of the Act-As admin pages the account console shows them. */
    @GET
    @Path("access")
    @Produces(MediaType.APPLICATION_JSON)
    public Response access() {
        Map<String, Boolean> body = new LinkedHashMap<>();
        body.put("grants", access.canRead());
        body.put("manageGrants", access.canWrite());
        body.put("sessions", access.canRead());
        body.put("audit", access.canReadAudit());
        body.put("sinks", access.canReadSinks());
        body.put("setUpSignIn", access.canChangeSignIn());
        body.put("serviceAccounts", access.canViewAccounts(null) || realm.isAdminPermissionsEnabled());
        return Response.ok(StrictJson.write(body), MediaType.APPLICATION_JSON_TYPE)
                .cacheControl(CacheControl.valueOf("no-store")).build();
    }

    @Path("explain")
    public ExplainResource explain() {
        return new ExplainResource(session, realm, access);
    }
}
