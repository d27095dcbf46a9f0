package io.github.actas.keycloak.admin;

import java.net.URI;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import io.github.actas.keycloak.audit.ActAsAuditProvider;
import io.github.actas.keycloak.audit.ActAsAuditProvider.ServiceAccountChange;
import io.github.actas.keycloak.persistence.ServiceAccountEntity;
import io.github.actas.keycloak.policy.GrantValidationException;
import io.github.actas.keycloak.store.ActAsPolicyProvider;
import io.github.actas.keycloak.store.KeycloakDirectory;
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
import org.keycloak.models.ClientModel;
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

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
    private static final int MAX_CLIENTS = 20;
    private static final int DEFAULT_MAX = 100;

    private final KeycloakSession session;
    private final RealmModel realm;
    private final AdminAccess access;
    private final AdminEventBuilder adminEvent;
    private final ServiceAccountSettings settings;
    private final ServiceAccounts accounts;
    private final KeycloakDirectory directory;

    ServiceAccountsResource(KeycloakSession session, RealmModel realm, AdminAccess access, AdminEventBuilder adminEvent,
                            ServiceAccountSettings settings) {
        this.session = session;
        this.realm = realm;
        this.access = access;
        this.adminEvent = adminEvent;
        this.settings = settings;
        this.accounts = new ServiceAccounts(session);
        this.directory = session.getProvider(ActAsPolicyProvider.class).directory(realm, null);
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
        ServiceAccountEntity account = accounts.find(realm, id);
        GroupModel namespace = account == null ? null : namespaceOf(account);
        if (!access.canViewAccounts(namespace)) {
            return AdminErrors.forbidden("reading this service account needs view-users, or managing the members of its namespace");
        }
        return account == null ? AdminErrors.notFound("service account not found")
                : ok(represent(account, namespace, Time.currentTimeMillis(), null));
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response create(String body) {
        ServiceAccountRequest request;
        GroupModel namespace;
        try {
            request = StrictJson.read(body, ServiceAccountRequest.class);
            namespace = namespace(request.namespace());
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
            spec = validate(request, namespace);
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
        ServiceAccountEntity account = accounts.find(realm, id);
        GroupModel namespace = account == null ? null : namespaceOf(account);
        if (!access.canManageAccounts(namespace)) {
            return AdminErrors.forbidden("managing this service account needs manage-users, or managing the members of its namespace");
        }
        if (account == null) {
            return AdminErrors.notFound("service account not found");
        }
        long now = Time.currentTimeMillis();
        if (account.getRevoked() > 0) {
            return AdminErrors.conflict("id", "the service account is revoked; create a new one");
        }
        String key = accounts.rotate(account, now);
        audit(ServiceAccountChange.ROTATED, OperationType.ACTION, account, namespace, now);
        return ok(represent(account, namespace, now, key));
    }

    /** Revokes the account: its key fails from now on. The account stays listed, as revoked. */
    @DELETE
    @Path("{id}")
    public Response revoke(@PathParam("id") String id) {
        ServiceAccountEntity account = accounts.find(realm, id);
        GroupModel namespace = account == null ? null : namespaceOf(account);
        if (!access.canManageAccounts(namespace)) {
            return AdminErrors.forbidden("managing this service account needs manage-users, or managing the members of its namespace");
        }
        if (account == null) {
            return AdminErrors.notFound("service account not found");
        }
        if (account.getRevoked() == 0) {
            long now = Time.currentTimeMillis();
            accounts.revoke(realm, account, now);
            audit(ServiceAccountChange.REVOKED, OperationType.DELETE, account, namespace, now);
        }
        return Response.noContent().build();
    }

    private ServiceAccounts.Spec validate(ServiceAccountRequest request, GroupModel namespace) {
        if (request.name() == null || !NAME.matcher(request.name()).matches()) {
            throw new GrantValidationException("name", "name: 1 to 63 characters: lower-case letters, digits, '.', '_', '-',"
                    + " starting with a letter or digit");
        }
        if (request.description() != null && request.description().length() > 1000) {
            throw new GrantValidationException("description", "description: at most 1000 characters");
        }
        String actsAsType = null;
        String actsAsId = null;
        if (request.actsAs() != null) {
            ServiceAccountRequest.ActsAs actsAs = request.actsAs();
            if ((actsAs.user() == null) == (actsAs.group() == null)) {
                throw new GrantValidationException("actsAs", "actsAs: give either user or group");
            }
            if (actsAs.user() != null) {
                UserModel user = directory.findUserModel(actsAs.user());
                if (user == null || !insideNamespace(user, namespace)) {
                    throw new GrantValidationException("actsAs.user", "actsAs.user: no such user" + (namespace == null
                            ? "" : " in namespace " + KeycloakModelUtils.buildGroupPath(namespace)));
                }
                actsAsType = "user";
                actsAsId = user.getId();
            } else {
                GroupModel group = directory.findGroupModel(actsAs.group());
                if (group == null || !insideNamespace(group, namespace)) {
                    throw new GrantValidationException("actsAs.group", "actsAs.group: no such group" + (namespace == null
                            ? "" : " in namespace " + KeycloakModelUtils.buildGroupPath(namespace)));
                }
                actsAsType = "group";
                actsAsId = group.getId();
            }
        }
        if (request.clients() == null || request.clients().isEmpty() || request.clients().size() > MAX_CLIENTS) {
            throw new GrantValidationException("clients", "clients: name 1 to " + MAX_CLIENTS + " clients that may use the key");
        }
        LinkedHashSet<String> clients = new LinkedHashSet<>();
        for (String clientId : request.clients()) {
            ClientModel client = clientId == null || clientId.length() > 255 ? null : realm.getClientByClientId(clientId);
            if (client == null) {
                throw new GrantValidationException("clients", "clients: no client '" + clientId + "' in this realm");
            }
            clients.add(client.getClientId());
        }
        return new ServiceAccounts.Spec(request.name(), request.description(), namespace == null ? null : namespace.getId(),
                actsAsType, actsAsId, List.copyOf(clients), expires(request.expiresAt()));
    }

    private long expires(String expiresAt) {
        long now = Time.currentTimeMillis();
        long latest = now + settings.maxLifetime().toMillis();
        if (expiresAt == null) {
            return now + settings.defaultLifetime().toMillis();
        }
        long at;
        try {
            at = Instant.parse(expiresAt).toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new GrantValidationException("expiresAt", "expiresAt: an ISO-8601 instant such as 2027-01-31T00:00:00Z");
        }
        if (at <= now || at > latest) {
            throw new GrantValidationException("expiresAt", "expiresAt: must be in the future and at most "
                    + settings.maxLifetime().toDays() + " days from now");
        }
        return at;
    }

    private GroupModel namespace(String path) {
        if (path == null) {
            return null;
        }
        GroupModel group = path.startsWith("/") ? directory.findGroupModel(path) : null;
        if (group == null) {
            throw new GrantValidationException("namespace", "namespace: no group with path '" + path + "'");
        }
        return group;
    }

    private GroupModel namespaceOf(ServiceAccountEntity account) {
        return account.getNamespaceId() == null ? null : session.groups().getGroupById(realm, account.getNamespaceId());
    }

    private static boolean insideNamespace(UserModel user, GroupModel namespace) {
        return namespace == null || user.getGroupsStream().anyMatch(group -> insideNamespace(group, namespace));
    }

    private static boolean insideNamespace(GroupModel group, GroupModel namespace) {
        if (namespace == null) {
            return true;
        }
        for (GroupModel g = group; g != null; g = g.getParent()) {
            if (g.getId().equals(namespace.getId())) {
                return true;
            }
        }
        return false;
    }

    private ServiceAccountRepresentation represent(ServiceAccountEntity account, GroupModel namespace, long now, String key) {
        Map<String, String> actsAs = null;
        if ("user".equals(account.getActsAsType())) {
            UserModel user = session.users().getUserById(realm, account.getActsAsId());
            actsAs = Map.of("user", user == null ? account.getActsAsId() : user.getUsername());
        } else if ("group".equals(account.getActsAsType())) {
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
        session.getProvider(ActAsAuditProvider.class).serviceAccountChanged(realm, change,
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
