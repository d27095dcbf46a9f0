package io.github.actas.keycloak.admin;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.github.actas.keycloak.acting.ActingSessions;
import io.github.actas.keycloak.acting.SessionEnds;
import io.github.actas.keycloak.audit.EndReason;
import io.github.actas.keycloak.persistence.ActAsSessionEntity;
import io.github.actas.keycloak.store.ActAsPolicyProvider;
import io.github.actas.keycloak.store.GroupPrincipals;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.GroupModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.resources.admin.AdminEventBuilder;

/**
 * {@code /admin/realms/{realm}/act-as/sessions}: the realm's running Act-As sessions, and ending them.
 * An ended session is logged out by Keycloak: its tokens stop introspecting as active and cannot be
 * refreshed.
 */
public final class SessionsResource {

    private static final int DEFAULT_MAX = 100;
    private static final int MAX_MAX = 1000;

    private final KeycloakSession session;
    private final RealmModel realm;
    private final AdminAccess access;
    private final AdminEventBuilder adminEvent;
    private final ActingSessions sessions;
    private final SessionEnds ends;

    SessionsResource(KeycloakSession session, RealmModel realm, AdminAccess access, AdminEventBuilder adminEvent) {
        this.session = session;
        this.realm = realm;
        this.access = access;
        this.adminEvent = adminEvent;
        this.sessions = new ActingSessions(session);
        this.ends = new SessionEnds(session);
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response list(@QueryParam("actor") String actor, @QueryParam("target") String target,
                         @QueryParam("group") String group, @QueryParam("first") Integer first,
                         @QueryParam("after") String after, @QueryParam("max") Integer max) {
        if (!access.canRead()) {
            return AdminErrors.forbidden("reading act-as sessions needs view-users or view-realm");
        }
        if (first != null && first < 0) {
            return AdminErrors.badRequest("first", "first: must not be negative");
        }
        if (max != null && (max < 0 || max > MAX_MAX)) {
            return AdminErrors.badRequest("max", "max: must be between 0 and " + MAX_MAX);
        }
        ActingSessions.Position position = after == null ? null : ActingSessions.Position.parse(after);
        if (after != null && position == null) {
            return AdminErrors.badRequest("after", "after: not a cursor of this API (take the Link header's next page)");
        }
        if (position != null && first != null && first > 0) {
            return AdminErrors.badRequest("after", "after: page by first or by after, not both");
        }
        String actorId = null;
        String targetId = null;
        if (actor != null) {
            UserModel user = user(actor);
            if (user == null) {
                return ok(List.of());
            }
            actorId = user.getId();
        }
        if (target != null && group != null) {
            return AdminErrors.badRequest("group", "group: give target or group, not both");
        }
        if (target != null) {
            UserModel user = user(target);
            if (user == null) {
                return ok(List.of());
            }
            targetId = user.getId();
        }
        if (group != null) {
            // A group's sessions are its principal's: the principal's id is derived from the group's.
            GroupModel model = session.getProvider(ActAsPolicyProvider.class).directory(realm, null).findGroupModel(group);
            if (model == null) {
                return ok(List.of());
            }
            targetId = GroupPrincipals.idOf(model.getId());
        }
        int size = max == null ? DEFAULT_MAX : max;
        List<ActAsSessionEntity> rows = sessions.active(realm, actorId, targetId, position, first == null ? 0 : first, size);
        List<SessionRepresentation> result = new ArrayList<>();
        for (ActAsSessionEntity row : rows) {
            if (sessions.live(realm, row) != null) {
                result.add(SessionRepresentation.of(row));
            }
        }
        Response.ResponseBuilder ok = Response.ok(StrictJson.write(result), MediaType.APPLICATION_JSON_TYPE);
        if (size > 0 && rows.size() == size) {
            // RFC 8288: where the next page starts (keyset: the last row's start and id)
            URI next = session.getContext().getUri().getRequestUriBuilder().replaceQueryParam("first")
                    .replaceQueryParam("after", ActingSessions.Position.of(rows.get(rows.size() - 1))).build();
            ok.link(next, "next");
        }
        return ok.build();
    }

    @GET
    @Path("{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response get(@PathParam("id") String id) {
        if (!access.canRead()) {
            return AdminErrors.forbidden("reading act-as sessions needs view-users or view-realm");
        }
        ActAsSessionEntity row = sessions.find(realm, id);
        return row == null || sessions.live(realm, row) == null ? AdminErrors.notFound("act-as session not found")
                : ok(SessionRepresentation.of(row));
    }

    @DELETE
    @Path("{id}")
    public Response end(@PathParam("id") String id) {
        if (!access.canWrite()) {
            return AdminErrors.forbidden("ending act-as sessions needs manage-users or manage-realm");
        }
        ActAsSessionEntity row = sessions.find(realm, id);
        if (row == null) {
            return AdminErrors.notFound("act-as session not found");
        }
        if (sessions.live(realm, row) == null) {
            // Keycloak had already removed it: record that end (once), and say it is not running
            ends.end(realm, row.getId(), EndReason.GONE, null);
            return AdminErrors.notFound("act-as session not found");
        }
        revoke(row);
        return Response.noContent().build();
    }

    @DELETE
    @Produces(MediaType.APPLICATION_JSON)
    public Response endAllOfActor(@QueryParam("actor") String actor) {
        if (!access.canWrite()) {
            return AdminErrors.forbidden("ending act-as sessions needs manage-users or manage-realm");
        }
        if (actor == null || actor.isBlank()) {
            return AdminErrors.badRequest("actor", "actor: give the username or id whose sessions to end");
        }
        UserModel user = user(actor);
        int ended = user == null ? 0 : ends.endAllOfActor(realm, user.getId(), EndReason.REVOKED, access.admin(), this::audit);
        return ok(Map.of("ended", ended));
    }

    private UserModel user(String usernameOrId) {
        if (usernameOrId.length() > 255) {
            return null;
        }
        UserModel user = session.users().getUserByUsername(realm, usernameOrId);
        return user != null ? user : session.users().getUserById(realm, usernameOrId);
    }

    private void revoke(ActAsSessionEntity row) {
        if (ends.end(realm, row.getId(), EndReason.REVOKED, access.admin())) {
            audit(row);
        }
    }

    private void audit(ActAsSessionEntity row) {
        adminEvent.operation(OperationType.DELETE)
                .resource(ResourceType.CUSTOM)
                .resourcePath("act-as", "sessions", row.getId())
                .representation(SessionRepresentation.of(row))
                .success();
    }

    private static Response ok(Object entity) {
        return Response.ok(StrictJson.write(entity), MediaType.APPLICATION_JSON_TYPE).build();
    }
}
