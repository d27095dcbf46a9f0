package io.github.actas.keycloak.admin;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.github.actas.keycloak.audit.ActAsAuditProvider;
import io.github.actas.keycloak.policy.ActAsRequest;
import io.github.actas.keycloak.policy.Decision;
import io.github.actas.keycloak.policy.Grant;
import io.github.actas.keycloak.policy.GrantFields;
import io.github.actas.keycloak.policy.GrantValidationException;
import io.github.actas.keycloak.policy.GrantValidator;
import io.github.actas.keycloak.policy.Mode;
import io.github.actas.keycloak.policy.Policy;
import io.github.actas.keycloak.policy.Principal;
import io.github.actas.keycloak.policy.RealmCatalog;
import io.github.actas.keycloak.store.ActAsPolicyProvider;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * {@code POST /admin/realms/{realm}/act-as/explain}: the decision the doors would make, with every
 * failed condition named. It calls the same {@link ActAsPolicyProvider#decide} as the doors; with
 * {@code grants} it evaluates that proposed set instead of the live one, changing nothing.
 */
public final class ExplainResource {

    private static final int MAX_TEXT = 500;
    private static final int MAX_AUDIENCE = 50;

    private final KeycloakSession session;
    private final RealmModel realm;
    private final AdminAccess access;
    private final ActAsPolicyProvider policy;

    ExplainResource(KeycloakSession session, RealmModel realm, AdminAccess access) {
        this.session = session;
        this.realm = realm;
        this.access = access;
        this.policy = session.getProvider(ActAsPolicyProvider.class);
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response explain(String body) {
        if (!access.canRead()) {
            return AdminErrors.forbidden("explain needs view-realm or view-users");
        }
        try {
            ExplainRequest request = StrictJson.read(body, ExplainRequest.class);
            String actorName = GrantFields.text("actor", request.actor(), 255);
            if (actorName == null) {
                throw new GrantValidationException("actor", "is required (a username or user id)");
            }
            String target = GrantFields.text("target", request.target(), 255);
            String group = GrantFields.text("group", request.group(), 1000);
            if ((target == null) == (group == null)) {
                throw new GrantValidationException("target", "give either target (a user) or group (a group path)");
            }
            Mode mode = mode(request.mode(), group != null);
            String clientId = GrantFields.text("client", request.client(), 255);
            ClientModel client = clientId == null ? null : realm.getClientByClientId(clientId);
            Policy evaluated = request.grants() == null ? policy.policy(realm) : draft(request.grants());

            VisibleDirectory directory = new VisibleDirectory(policy.directory(realm, client), access);
            UserModel actorUser = directory.findUserModel(actorName);
            if (actorUser == null) {
                // The same words for a missing actor and one the caller may not see.
                return ok(new ExplainResponse(false, null, List.of("actor '" + actorName + "' does not exist in this realm")));
            }
            Principal actor = policy.principal(realm, actorUser);
            ActAsRequest actAs = new ActAsRequest(actor, mode, target, group, clientId,
                    GrantFields.text("reason", request.reason(), MAX_TEXT),
                    GrantFields.text("acr", request.acr(), 64), audience(request.audience()));
            Decision decision = policy.decide(evaluated, directory, actAs, true);
            session.getProvider(ActAsAuditProvider.class).explained(realm,
                    decision.allowed() ? null : String.valueOf(decision.denial()));
            return ok(new ExplainResponse(decision.allowed(),
                    decision.grant() == null ? null : decision.grant().name(), decision.reasons()));
        } catch (GrantValidationException e) {
            return AdminErrors.badRequest(e.field(), e.getMessage());
        }
    }

    private static List<String> audience(List<String> values) {
        if (values == null) {
            return List.of();
        }
        if (values.size() > MAX_AUDIENCE) {
            throw new GrantValidationException("audience", "at most " + MAX_AUDIENCE + " clients");
        }
        List<String> out = new ArrayList<>(values.size());
        for (String value : values) {
            String clientId = GrantFields.text("audience", value, 255);
            if (clientId == null) {
                throw new GrantValidationException("audience", "client ids must not be empty");
            }
            out.add(clientId);
        }
        return out;
    }

    private static Mode mode(String value, boolean group) {
        if (value == null || value.isBlank()) {
            return group ? Mode.GROUP : Mode.IMPERSONATE;
        }
        Mode mode = Mode.fromWireName(value.strip());
        if (mode == null) {
            throw new GrantValidationException("mode", "unknown mode '" + value + "' (known: impersonate, delegate, group)");
        }
        if ((mode == Mode.GROUP) != group) {
            throw new GrantValidationException("mode", group
                    ? "a group target needs mode 'group'"
                    : "mode 'group' needs a group (a path) instead of target");
        }
        return mode;
    }

    private Policy draft(List<GrantRepresentation> representations) {
        if (representations.size() > 10_000) {
            throw new GrantValidationException("grants", "at most 10000 draft grants");
        }
        RealmCatalog catalog = new VisibleCatalog(policy.catalog(realm), session, realm, access);
        List<Grant> grants = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < representations.size(); i++) {
            String prefix = "grants[" + i + "].";
            GrantRepresentation rep = representations.get(i);
            if (rep == null) {
                throw new GrantValidationException("grants[" + i + "]", "must be a grant object");
            }
            try {
                Grant grant = rep.toGrant(rep.id(), prefix);
                GrantValidator.validateContent(grant, catalog, policy.settings());
                if (!names.add(grant.name().toLowerCase(Locale.ROOT))) {
                    throw new GrantValidationException("name", "is used by another draft grant");
                }
                grants.add(grant);
            } catch (GrantValidationException e) {
                throw e.field().startsWith(prefix) ? e : e.prefixed(prefix);
            }
        }
        return policy.draft(grants);
    }

    private static Response ok(ExplainResponse response) {
        return Response.ok(StrictJson.write(response), MediaType.APPLICATION_JSON_TYPE).build();
    }
}
