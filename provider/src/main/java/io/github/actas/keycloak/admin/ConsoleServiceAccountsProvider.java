package io.github.actas.keycloak.admin;

import java.util.LinkedHashMap;
import java.util.Map;

import io.github.actas.keycloak.acting.SameSite;
import io.github.actas.keycloak.token.ActAsSession;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.keycloak.models.ClientModel;
import org.keycloak.models.Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.managers.AuthenticationManager;
import org.keycloak.services.resource.RealmResourceProvider;
import org.keycloak.services.resources.admin.AdminAuth;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProvider;

/**
 * The account console's "Service accounts" page works on the admin API's {@link ServiceAccountsResource}, as the
 * browser's signed-in person and with exactly the rights they have in the admin console (Keycloak's admin
 * permissions: manage-users, or manage-members of a namespace group where the realm uses permissions v2).
 * Same-origin calls carrying the page's header only, so no other site can use a signed-in browser; never while
 * the browser acts as someone, whose rights these are not.
 */
final class ConsoleServiceAccountsProvider implements RealmResourceProvider {

    /** The header the page sends with every call: a cross-site form or link cannot send it. */
    static final String HEADER = "X-Act-As-Console";

    private final KeycloakSession session;

    ConsoleServiceAccountsProvider(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public Object getResource() {
        RealmModel realm = session.getContext().getRealm();
        if (SameSite.crossSite(session) || !"1".equals(session.getContext().getRequestHeaders().getHeaderString(HEADER))) {
            throw refused(Response.Status.FORBIDDEN, "forbidden",
                    "service accounts are managed from the account console's page (same origin, its header)");
        }
        AuthenticationManager.AuthResult sso = AuthenticationManager.authenticateIdentityCookie(session, realm, true);
        if (sso == null) {
            throw refused(Response.Status.UNAUTHORIZED, "not_signed_in", "sign in to the account console first");
        }
        if (ActAsSession.isActAs(sso.session())) {
            throw refused(Response.Status.FORBIDDEN, "forbidden", "stop acting first: service accounts are managed as yourself");
        }
        // The admin console's client: Keycloak checks admin roles against the scope of the client they came
        // through, and the rights wanted here are exactly those the person has there.
        ClientModel adminConsole = realm.getClientByClientId(Constants.ADMIN_CONSOLE_CLIENT_ID);
        AdminAuth auth = new AdminAuth(realm, sso.token(), sso.user(), adminConsole);
        ActAsAdminResourceProvider admin = (ActAsAdminResourceProvider) session.getProvider(AdminRealmResourceProvider.class,
                ActAsAdminResourceProviderFactory.PROVIDER_ID);
        return admin.serviceAccounts(session, realm, auth);
    }

    private static WebApplicationException refused(Response.Status status, String error, String description) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("error_description", description);
        return new WebApplicationException(Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .cacheControl(CacheControl.valueOf("no-store")).entity(body).build());
    }

    @Override
    public void close() {
    }
}
