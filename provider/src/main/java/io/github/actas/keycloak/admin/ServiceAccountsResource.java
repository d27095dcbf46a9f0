package io.github.actas.keycloak.admin;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.github.actas.keycloak.acting.SessionEnds;
import io.github.actas.keycloak.audit.ActAsAuditProvider;
import io.github.actas.keycloak.audit.ActAsAuditProvider.ServiceAccountChange;
import io.github.actas.keycloak.audit.EndReason;
import io.github.actas.keycloak.persistence.ServiceAccountEntity;
import io.github.actas.keycloak.policy.GrantValidationException;
import io.github.actas.keycloak.store.ActAsPolicyProvider;
import io.github.actas.keycloak.store.ServiceAccounts;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.keycloak.common.util.Time;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.GroupModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.services.resources.admin.AdminEventBuilder;

/**
 * {@code /admin/realms/{realm}/act-as/service-accounts}: create (the key in that answer only), list, read,
 * rotate and revoke Act-As service accounts. The realm is the namespace; an account with a {@code namespace}
 * lives in that group's subtree, and whoever may manage that group's members may manage its accounts.
 */
public final class ServiceAccountsResource {

    private static final int DEFAULT_MAX = 100;

    private final KeycloakSession session;
    private final RealmModel realm;
    private final AdminAccess access;
    private final AdminEventBuilder adminEvent;
    private final ServiceAccounts accounts;
    private final ServiceAccountSpecs specs;

    ServiceAccountsResource(KeycloakSession session, RealmModel realm, AdminAccess access, AdminEventBuilder adminEvent,
                            ServiceAccountSettings settings) {
        this.session = session;
        this.realm = realm;
        this.access = access;
        this.adminEvent = adminEvent;
        this.accounts = new ServiceAccounts(session);
        this.specs = new ServiceAccountSpecs(realm, session.getProvider(ActAsPolicyProvider.class).directory(realm, null),
                settings);
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response list(@QueryParam("first") Integer first, @QueryParam("max") Integer max) {
        if (first != null && first < 0 || max != null && (max < 0 || max > 1000)) {
            return AdminErrors.badRequest("max", "first must not be negative, max between 0 and 1000");
        }
        long now = Time.currentTimeMillis();
        List<ServiceAccountRepresentation> out = new ArrayList<>();
        for (ServiceAccountEntity account : accounts.list(realm, first == null ? 0 : first, max == null ? DEFAULT_MAX : max)) {
            GroupModel namespace = namespaceOf(account);
            if (access.canViewAccounts(namespace)) {
                out.add(represent(account, namespace, now, null));
            }
        }
        if (out.isEmpty() && !access.canViewAccounts(null)) {
            return AdminErrors.forbidden("reading service accounts needs view-users, or managing the members of their namespace");
        }
        return ok(out);
    }

    @GET
    @Path("{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response get(@PathParam("id") String id) {
        Found found = find(id, false);
        return found.refusal() != null ? found.refusal()
                : ok(represent(found.account(), found.namespace(), Time.currentTimeMillis(), null));
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response create(String body) {
        ServiceAccountRequest request;
        GroupModel namespace;
        try {
            request = StrictJson.read(body, ServiceAccountRequest.class);
            namespace = specs.namespace(request.namespace());
        } catch (GrantValidationException e) {
            return access.canManageAccounts(null) ? AdminErrors.badRequest(e.field(), e.getMessage())
                    : AdminErrors.forbidden("managing service accounts needs manage-users, or managing the members of the namespace");
        }
        if (!access.canManageAccounts(namespace)) {
            return AdminErrors.forbidden("managing service accounts of this namespace needs manage-users, or managing the"
                    + " members of the namespace");
        }
        ServiceAccounts.Spec spec;
        try {
            spec = specs.validate(request, namespace);
        } catch (GrantValidationException e) {
            return AdminErrors.badRequest(e.field(), e.getMessage());
        }
        if (accounts.nameTaken(realm, spec.name())
                || session.users().getUserByUsername(realm, ServiceAccounts.USERNAME_PREFIX + spec.name()) != null) {
            return AdminErrors.conflict("name", "name: a service account '" + spec.name() + "' already exists");
        }
        long now = Time.currentTimeMillis();
        ServiceAccounts.Created created = accounts.create(realm, spec, access.admin(), now);
        ServiceAccountEntity account = created.account();
        audit(ServiceAccountChange.CREATED, OperationType.CREATE, account, namespace, now);
        URI location = session.getContext().getUri().getAbsolutePathBuilder().path(account.getId()).build();
        return Response.created(location).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(StrictJson.write(represent(account, namespace, now, created.key()))).build();
    }

    /** A new key, shown in this answer only; the old key is refused from now on. */
    @POST
    @Path("{id}/rotate")
    @Produces(MediaType.APPLICATION_JSON)
    public Response rotate(@PathParam("id") String id) {
        Found found = find(id, true);
        if (found.refusal() != null) {
            return found.refusal();
        }
        ServiceAccountEntity account = found.account();
        GroupModel namespace = found.namespace();
        long now = Time.currentTimeMillis();
        if (account.getRevoked() > 0) {
            return AdminErrors.conflict("id", "the service account is revoked; create a new one");
        }
        String key = accounts.rotate(account, now);
        audit(ServiceAccountChange.ROTATED, OperationType.ACTION, account, namespace, now);
        return ok(represent(account, namespace, now, key));
    }

    /**
     * Revokes the account: its key fails from now on, its tokens and the acting sessions it started end. The
     * account stays listed, as revoked.
     */
    @DELETE
    @Path("{id}")
    public Response revoke(@PathParam("id") String id) {
        Found found = find(id, true);
        if (found.refusal() != null) {
            return found.refusal();
        }
        ServiceAccountEntity account = found.account();
        if (account.getRevoked() == 0) {
            long now = Time.currentTimeMillis();
            accounts.revoke(realm, account, now);
            // What it started as someone else ends too, on every node, each with its own ended record.
            new SessionEnds(session).endAllOfActor(realm, ServiceAccounts.principalIdOf(account.getId()),
                    EndReason.SERVICE_ACCOUNT_REVOKED, access.admin(), row -> { });
            audit(ServiceAccountChange.REVOKED, OperationType.DELETE, account, found.namespace(), now);
        }
        return Response.noContent().build();
    }

    /** An account the caller may read ({@code manage}: manage), or the answer why not. */
    private record Found(ServiceAccountEntity account, GroupModel namespace, Response refusal) {
    }

    private Found find(String id, boolean manage) {
        ServiceAccountEntity account = accounts.find(realm, id);
        GroupModel namespace = account == null ? null : namespaceOf(account);
        if (manage ? !access.canManageAccounts(namespace) : !access.canViewAccounts(namespace)) {
            return new Found(null, null, AdminErrors.forbidden((manage ? "managing" : "reading")
                    + " this service account needs " + (manage ? "manage-users" : "view-users")
                    + ", or managing the members of its namespace"));
        }
        return account == null ? new Found(null, null, AdminErrors.notFound("service account not found"))
                : new Found(account, namespace, null);
    }

    private GroupModel namespaceOf(ServiceAccountEntity account) {
        return account.getNamespaceId() == null ? null : session.groups().getGroupById(realm, account.getNamespaceId());
    }

    private ServiceAccountRepresentation represent(ServiceAccountEntity account, GroupModel namespace, long now, String key) {
        Map<String, String> actsAs = null;
        if (ServiceAccounts.ACTS_AS_USER.equals(account.getActsAsType())) {
            UserModel user = session.users().getUserById(realm, account.getActsAsId());
            actsAs = Map.of("user", user == null ? account.getActsAsId() : user.getUsername());
        } else if (ServiceAccounts.ACTS_AS_GROUP.equals(account.getActsAsType())) {
            GroupModel group = session.groups().getGroupById(realm, account.getActsAsId());
            actsAs = Map.of("group", group == null ? account.getActsAsId() : KeycloakModelUtils.buildGroupPath(group));
        }
        UserModel principal = accounts.principal(realm, account);
        return ServiceAccountRepresentation.of(account, namespace == null ? null : KeycloakModelUtils.buildGroupPath(namespace),
                actsAs, new ServiceAccountRepresentation.Party(ServiceAccounts.principalIdOf(account.getId()),
                        principal == null ? null : principal.getUsername()), now, key);
    }

    private void audit(ServiceAccountChange change, OperationType operation, ServiceAccountEntity account,
                       GroupModel namespace, long now) {
        session.getProvider(ActAsAuditProvider.class).serviceAccountChanged(realm, change, access.admin(),
                ServiceAccounts.principalIdOf(account.getId()), account.getName());
        adminEvent.operation(operation)
                .resource(ResourceType.CUSTOM)
                .resourcePath("act-as", "service-accounts", account.getId())
                .representation(represent(account, namespace, now, null)) // never the key
                .success();
    }

    private static Response ok(Object entity) {
        return Response.ok(StrictJson.write(entity), MediaType.APPLICATION_JSON_TYPE).build();
    }
}
