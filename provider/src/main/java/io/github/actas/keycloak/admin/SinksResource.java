package io.github.actas.keycloak.admin;

import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;

import io.github.actas.keycloak.audit.delivery.AuditSinkConfig;
import io.github.actas.keycloak.audit.delivery.AuditSinkProviderFactory;
import io.github.actas.keycloak.persistence.AuditSinkStateEntity;
import io.github.actas.keycloak.policy.GrantValidationException;
import jakarta.persistence.EntityManager;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.keycloak.common.util.MultivaluedHashMap;
import org.keycloak.component.ComponentModel;
import org.keycloak.component.ComponentValidationException;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resources.admin.AdminEventBuilder;

/**
 * {@code /admin/realms/{realm}/act-as/audit/sinks}: where the realm's audit records are pushed. Sinks
 * are realm configuration: view-realm reads, manage-realm changes. Secrets are never returned.
 */
public final class SinksResource {

    private final KeycloakSession session;
    private final RealmModel realm;
    private final AdminAccess access;
    private final AdminEventBuilder adminEvent;

    SinksResource(KeycloakSession session, RealmModel realm, AdminAccess access, AdminEventBuilder adminEvent) {
        this.session = session;
        this.realm = realm;
        this.access = access;
        this.adminEvent = adminEvent;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response list() {
        if (!access.canReadSinks()) {
            return AdminErrors.forbidden("reading audit sinks needs view-realm");
        }
        List<SinkRepresentation> sinks = new ArrayList<>();
        realm.getComponentsStream(realm.getId(), AuditSinkProviderFactory.PROVIDER_TYPE).forEach(component -> {
            try {
                sinks.add(SinkRepresentation.of(AuditSinkProviderFactory.toConfig(component)));
            } catch (GrantValidationException e) {
                // written around Act-As's validation (a hand-edited database): not shown, and not used
            }
        });
        sinks.sort(Comparator.comparing(SinkRepresentation::name));
        return ok(sinks);
    }

    @GET
    @Path("{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response get(@PathParam("id") String id) {
        if (!access.canReadSinks()) {
            return AdminErrors.forbidden("reading audit sinks needs view-realm");
        }
        ComponentModel component = find(id);
        return component == null ? AdminErrors.notFound("audit sink not found")
                : ok(SinkRepresentation.of(AuditSinkProviderFactory.toConfig(component)));
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response create(String body) {
        if (!access.canWriteSinks()) {
            return AdminErrors.forbidden("changing audit sinks needs manage-realm");
        }
        return refusingInvalid(() -> {
            SinkRepresentation rep = StrictJson.read(body, SinkRepresentation.class);
            ComponentModel model = new ComponentModel();
            model.setName(rep.name());
            model.setParentId(realm.getId());
            model.setProviderId(AuditSinkProviderFactory.PROVIDER_ID);
            model.setProviderType(AuditSinkProviderFactory.PROVIDER_TYPE);
            model.setConfig(config(rep, null));
            AuditSinkConfig.parse(null, model.getName(), model.getConfig()); // field-level errors first
            model = realm.addComponentModel(model);

            em().persist(new AuditSinkStateEntity(model.getId(), realm.getId()));

            SinkRepresentation created = SinkRepresentation.of(AuditSinkProviderFactory.toConfig(model));
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
        if (!access.canWriteSinks()) {
            return AdminErrors.forbidden("changing audit sinks needs manage-realm");
        }
        ComponentModel model = find(id);
        if (model == null) {
            return AdminErrors.notFound("audit sink not found");
        }
        return refusingInvalid(() -> {
            SinkRepresentation rep = StrictJson.read(body, SinkRepresentation.class);
            if (rep.id() != null && !rep.id().equals(id)) {
                throw new GrantValidationException("id", "does not match the sink in the path");
            }
            String storedSecret = model.getConfig().getFirst(AuditSinkConfig.SECRET);
            model.setName(rep.name());
            model.setConfig(config(rep, storedSecret));
            AuditSinkConfig.parse(id, model.getName(), model.getConfig());
            realm.updateComponent(model);
            SinkRepresentation updated = SinkRepresentation.of(AuditSinkProviderFactory.toConfig(model));
            audit(OperationType.UPDATE, id, updated);
            return ok(updated);
        });
    }

    @DELETE
    @Path("{id}")
    public Response delete(@PathParam("id") String id) {
        if (!access.canWriteSinks()) {
            return AdminErrors.forbidden("changing audit sinks needs manage-realm");
        }
        ComponentModel model = find(id);
        if (model == null) {
            return AdminErrors.notFound("audit sink not found");
        }
        SinkRepresentation removed = SinkRepresentation.of(AuditSinkProviderFactory.toConfig(model));
        realm.removeComponent(model);
        AuditSinkStateEntity state = em().find(AuditSinkStateEntity.class, id);
        if (state != null) {
            em().remove(state);
        }
        audit(OperationType.DELETE, id, removed);
        return Response.noContent().build();
    }

    private ComponentModel find(String id) {
        ComponentModel component = id == null || id.length() > 64 ? null : realm.getComponent(id);
        return component != null && AuditSinkProviderFactory.PROVIDER_TYPE.equals(component.getProviderType())
                && realm.getId().equals(component.getParentId()) ? component : null;
    }

    private static MultivaluedHashMap<String, String> config(SinkRepresentation rep, String storedSecret) {
        MultivaluedHashMap<String, String> config = new MultivaluedHashMap<>();
        config.putAll(rep.toConfig(storedSecret));
        return config;
    }

    private Response refusingInvalid(Supplier<Response> write) {
        try {
            return write.get();
        } catch (GrantValidationException e) {
            session.getTransactionManager().setRollbackOnly();
            return AdminErrors.badRequest(e.field(), e.getMessage());
        } catch (ComponentValidationException e) {
            session.getTransactionManager().setRollbackOnly();
            String message = e.getMessage() == null ? "invalid sink" : e.getMessage();
            int colon = message.indexOf(':');
            return AdminErrors.badRequest(colon > 0 ? message.substring(0, colon) : "sink", message);
        }
    }

    private void audit(OperationType operation, String id, SinkRepresentation representation) {
        adminEvent.operation(operation)
                .resource(ResourceType.CUSTOM)
                .resourcePath("act-as", "audit", "sinks", id)
                .representation(representation)
                .success();
    }

    private EntityManager em() {
        return session.getProvider(JpaConnectionProvider.class).getEntityManager();
    }

    private static Response ok(Object entity) {
        return Response.ok(StrictJson.write(entity), MediaType.APPLICATION_JSON_TYPE).build();
    }
}
