package io.github.actas.keycloak.admin;

import java.net.URI;
import java.util.List;
import java.util.function.Supplier;

import io.github.actas.keycloak.policy.Grant;
import io.github.actas.keycloak.policy.GrantConfig;
import io.github.actas.keycloak.policy.GrantValidationException;
import io.github.actas.keycloak.policy.GrantValidator;
import io.github.actas.keycloak.store.ActAsPolicyProvider;
import io.github.actas.keycloak.store.GrantProviderFactory;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.keycloak.common.util.MultivaluedHashMap;
import org.keycloak.component.ComponentModel;
import org.keycloak.component.ComponentValidationException;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resources.admin.AdminEventBuilder;

/**
 * {@code /admin/realms/{realm}/act-as/grants}: list, create, get, replace, delete. Each change is
 * validated (400 naming the field), stored as a realm component, and recorded as an admin event
 * (resource type {@code CUSTOM}, path {@code act-as/grants/{id}}).
 */
public final class GrantsResource {

    private final KeycloakSession session;
    private final RealmModel realm;
    private final AdminAccess access;
    private final AdminEventBuilder adminEvent;
    private final ActAsPolicyProvider policy;

    GrantsResource(KeycloakSession session, RealmModel realm, AdminAccess access, AdminEventBuilder adminEvent) {
        this.session = session;
        this.realm = realm;
        this.access = access;
        this.adminEvent = adminEvent;
        this.policy = session.getProvider(ActAsPolicyProvider.class);
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response list(@QueryParam("first") Integer first, @QueryParam("max") Integer max) {
        if (!access.canRead()) {
            return AdminErrors.forbidden("reading grants needs view-realm or view-users");
        }
        if (first != null && first < 0) {
            return AdminErrors.badRequest("first", "first: must not be negative");
        }
        if (max != null && max < 0) {
            return AdminErrors.badRequest("max", "max: must not be negative");
        }
        List<GrantRepresentation> all = policy.storedGrants(realm).stream().map(GrantRepresentation::of).toList();
        int from = Math.min(first == null ? 0 : first, all.size());
        int to = max == null ? all.size() : (int) Math.min((long) from + max, all.size());
        return ok(all.subList(from, to));
    }

    @GET
    @Path("{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response get(@PathParam("id") String id) {
        if (!access.canRead()) {
            return AdminErrors.forbidden("reading grants needs view-realm or view-users");
        }
        Grant grant = policy.storedGrant(realm, id);
        return grant == null ? AdminErrors.notFound("grant not found") : ok(GrantRepresentation.of(grant));
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response create(String body) {
        if (!access.canWrite()) {
            return AdminErrors.forbidden("changing grants needs manage-realm or manage-users");
        }
        return refusingInvalid(() -> {
            // A client-supplied id is ignored: ids are assigned by the server, so copying a grant from
            // one realm to another with its JSON just works.
            Grant grant = parseValid(body, null);
            ComponentModel model = new ComponentModel();
            model.setName(grant.name());
            model.setParentId(realm.getId());
            model.setProviderId(GrantProviderFactory.PROVIDER_ID);
            model.setProviderType(GrantProviderFactory.PROVIDER_TYPE);
            model.setConfig(config(grant));
            model = realm.addComponentModel(model);

            GrantRepresentation created = GrantRepresentation.of(grant.withId(model.getId()));
            audit(OperationType.CREATE, model.getId(), created);
            URI location = session.getContext().getUri().getAbsolutePathBuilder().path(model.getId()).build();
            return Response.created(location).type(MediaType.APPLICATION_JSON_TYPE).entity(StrictJson.write(created)).build();
        });
    }

    @PUT
    @Path("{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response replace(@PathParam("id") String id, String body) {
        if (!access.canWrite()) {
            return AdminErrors.forbidden("changing grants needs manage-realm or manage-users");
        }
        if (policy.storedGrant(realm, id) == null) {
            return AdminErrors.notFound("grant not found");
        }
        return refusingInvalid(() -> {
            Grant grant = parseValid(body, id);
            ComponentModel model = realm.getComponent(id);
            model.setName(grant.name());
            model.setConfig(config(grant));
            realm.updateComponent(model);

            GrantRepresentation updated = GrantRepresentation.of(grant);
            audit(OperationType.UPDATE, id, updated);
            return ok(updated);
        });
    }

    @DELETE
    @Path("{id}")
    public Response delete(@PathParam("id") String id) {
        if (!access.canWrite()) {
            return AdminErrors.forbidden("changing grants needs manage-realm or manage-users");
        }
        Grant grant = policy.storedGrant(realm, id);
        if (grant == null) {
            return AdminErrors.notFound("grant not found");
        }
        realm.removeComponent(realm.getComponent(id));
        audit(OperationType.DELETE, id, GrantRepresentation.of(grant));
        return Response.noContent().build();
    }

    /**
     * Parses and validates a grant body.
     *
     * @param id the grant being replaced (a body id must match it), or null for a new grant
     */
    private Grant parseValid(String body, String id) {
        GrantRepresentation rep = StrictJson.read(body, GrantRepresentation.class);
        if (id != null && rep.id() != null && !rep.id().equals(id)) {
            throw new GrantValidationException("id", "does not match the grant in the path");
        }
        Grant grant = rep.toGrant(id, "");
        if (grant.maxDurationSeconds() == null) {
            // Store the effective duration explicitly, so what an operator reads is what applies.
            grant = grant.withMaxDurationSeconds(policy.settings().defaultDurationSeconds());
        }
        GrantValidator.validate(grant, policy.catalog(realm), policy.settings());
        return grant;
    }

    /** Runs a write; an invalid grant becomes a 400 naming the field, and nothing is kept. */
    private Response refusingInvalid(Supplier<Response> write) {
        try {
            return write.get();
        } catch (GrantValidationException e) {
            session.getTransactionManager().setRollbackOnly();
            return AdminErrors.badRequest(e.field(), e.getMessage());
        } catch (ComponentValidationException e) {
            // The component layer validates again; a refusal there (e.g. a concurrent rename) is still a 400.
            session.getTransactionManager().setRollbackOnly();
            String message = e.getMessage() == null ? "invalid grant" : e.getMessage();
            int colon = message.indexOf(':');
            return AdminErrors.badRequest(colon > 0 ? message.substring(0, colon) : "grant", message);
        }
    }

    private static MultivaluedHashMap<String, String> config(Grant grant) {
        MultivaluedHashMap<String, String> config = new MultivaluedHashMap<>();
        config.putAll(GrantConfig.toConfig(grant));
        return config;
    }

    private void audit(OperationType operation, String id, GrantRepresentation representation) {
        adminEvent.operation(operation)
                .resource(ResourceType.CUSTOM) // Keycloak's event queries only accept its own enum
                .resourcePath("act-as", "grants", id)
                .representation(representation)
                .success();
    }

    private static Response ok(Object entity) {
        return Response.ok(StrictJson.write(entity), MediaType.APPLICATION_JSON_TYPE).build();
    }
}
