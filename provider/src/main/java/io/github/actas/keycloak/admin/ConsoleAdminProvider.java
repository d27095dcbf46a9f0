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
 * The account console's Act-As pages for administrators (grants, sessions, audit, sinks, service accounts, the
 * browser set-up) work on the admin API's resources, as the browser's signed-in person and with exactly the
 * rights they have in the admin console (Keycloak's admin permissions: the realm-management roles, or
 * fine-grained ones where the realm uses permissions v2). Same-origin calls carrying the pages' header only, so
 * no other site can use a signed-in browser; never while the browser acts as someone, whose rights these are not.
 */
final class ConsoleAdminProvider implements RealmResourceProvider {

    /** The header the page sends with every call: a cross-site form or link cannot send it. */
    static final String HEADER = "X-Act-As-Console";

    private final KeycloakSession session;

    ConsoleAdminProvider(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public Object getResource() {
        RealmModel realm = session.getContext().getRealm();
        if (SameSite.crossSite(session) || !"1".equals(session.getContext().getRequestHeaders().getHeaderString(HEADER))) {
            throw refused(Response.Status.FORBIDDEN, "forbidden",
                    "the Act-As console pages call this (same origin, their header)");
        }
        AuthenticationManager.AuthResult sso = AuthenticationManager.authenticateIdentityCookie(session, realm, true);
        if (sso == null) {
            throw refused(Response.Status.UNAUTHORIZED, "not_signed_in", "sign in to the account console first");
        }
        if (ActAsSession.isActAs(sso.session())) {
            throw refused(Response.Status.FORBIDDEN, "forbidden", "stop acting first: administration happens as yourself");
        }
        // The admin console's client: Keycloak checks admin roles against the scope of the client they came
        // through, and the rights wanted here are exactly those the person has there.
        ClientModel adminConsole = realm.getClientByClientId(Constants.ADMIN_CONSOLE_CLIENT_ID);
        AdminAuth auth = new AdminAuth(realm, sso.token(), sso.user(), adminConsole);
        ActAsAdminResourceProvider admin = (ActAsAdminResourceProvider) session.getProvider(AdminRealmResourceProvider.class,
                ActAsAdminResourceProviderFactory.PROVIDER_ID);
        return admin.console(session, realm, auth);
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
