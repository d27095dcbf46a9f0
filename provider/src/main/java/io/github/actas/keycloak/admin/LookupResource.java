package io.github.actas.keycloak.admin;

import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * {@code /act-as/lookup/{roles|groups|clients}?search=}: the names a grant may use, for the grants page's
 * pickers (at most {@value #MAX} each, by Keycloak's own searches, never a scan). Readers of grants only, and a
 * group only when the caller may see it.
 */
public final class LookupResource {

    static final int MAX = 20;

    private final KeycloakSession session;
    private final RealmModel realm;
    private final AdminAccess access;

    LookupResource(KeycloakSession session, RealmModel realm, AdminAccess access) {
        this.session = session;
        this.realm = realm;
        this.access = access;
    }

    /** Realm roles by name; {@code clientId/prefix} lists that client's roles. */
    @GET
    @Path("roles")
    @Produces(MediaType.APPLICATION_JSON)
    public Response roles(@QueryParam("search") String search) {
        if (!access.canRead()) {
            return AdminErrors.forbidden("looking up roles needs view-realm or view-users");
        }
        String text = search == null ? "" : search.trim();
        int slash = text.indexOf('/');
        Stream<String> names;
        if (slash > 0) {
            ClientModel client = realm.getClientByClientId(text.substring(0, slash));
            names = client == null ? Stream.empty() : client.searchForRolesStream(text.substring(slash + 1), 0, MAX)
                    .map(role -> client.getClientId() + "/" + role.getName());
        } else {
            names = realm.searchForRolesStream(text, 0, MAX).map(RoleModel::getName);
        }
        return ok(names.sorted().toList());
    }

    /** Groups by name, answered as paths. */
    @GET
    @Path("groups")
    @Produces(MediaType.APPLICATION_JSON)
    public Response groups(@QueryParam("search") String search) {
        if (!access.canRead()) {
            return AdminErrors.forbidden("looking up groups needs view-realm or view-users");
        }
        String text = search == null ? "" : search.trim();
        String name = text.substring(text.lastIndexOf('/') + 1);
        return ok(session.groups().searchForGroupByNameStream(realm, name, false, 0, MAX)
                .filter(access::canView)
                .map(KeycloakModelUtils::buildGroupPath)
                .filter(path -> path.toLowerCase(Locale.ROOT).contains(text.toLowerCase(Locale.ROOT)))
                .sorted().toList());
    }

    /** Clients by client id. */
    @GET
    @Path("clients")
    @Produces(MediaType.APPLICATION_JSON)
    public Response clients(@QueryParam("search") String search) {
        if (!access.canRead()) {
            return AdminErrors.forbidden("looking up clients needs view-realm or view-users");
        }
        return ok(realm.searchClientByClientIdStream(search == null ? "" : search.trim(), 0, MAX)
                .map(ClientModel::getClientId).sorted().toList());
    }

    private static Response ok(List<String> names) {
        return Response.ok(StrictJson.write(names), MediaType.APPLICATION_JSON_TYPE)
                .cacheControl(CacheControl.valueOf("no-store")).build();
    }
}
