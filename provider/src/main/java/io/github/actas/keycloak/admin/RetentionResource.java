package io.github.actas.keycloak.admin;

import java.util.LinkedHashMap;
import java.util.Map;

import io.github.actas.keycloak.audit.ActAsAuditProvider;
import io.github.actas.keycloak.audit.delivery.ActAsAuditProviderFactory;
import io.github.actas.keycloak.audit.delivery.Retention;
import io.github.actas.keycloak.policy.GrantValidationException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resources.admin.AdminEventBuilder;

/**
 * {@code /admin/realms/{realm}/act-as/audit/retention}: how long the realm's audit records are kept. The realm's
 * own value (a realm attribute, so it travels with a realm export) wins over the server's
 * {@code record-retention-days}; {@code null} falls back to it, {@code 0} keeps records forever.
 */
public final class RetentionResource {

    /** The body of a change: {@code {"days": 90}}, or {@code {"days": null}} for the server's default. */
    record Change(Integer days) {
    }

    private final KeycloakSession session;
    private final RealmModel realm;
    private final AdminAccess access;
    private final AdminEventBuilder adminEvent;

    RetentionResource(KeycloakSession session, RealmModel realm, AdminAccess access, AdminEventBuilder adminEvent) {
        this.session = session;
        this.realm = realm;
        this.access = access;
        this.adminEvent = adminEvent;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response get() {
        if (!access.canReadSinks() && !access.canReadAudit()) {
            return AdminErrors.forbidden("reading the audit retention needs view-realm or view-events");
        }
        return Response.ok(StrictJson.write(state()), MediaType.APPLICATION_JSON_TYPE).build();
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response set(String body) {
        if (!access.canWriteSinks()) {
            return AdminErrors.forbidden("changing the audit retention needs manage-realm");
        }
        try {
            Change change = StrictJson.read(body, Change.class);
            if (change.days() != null && (change.days() < 0 || change.days() > Retention.MAX_DAYS)) {
                throw new GrantValidationException("days", "must be between 0 (keep forever) and " + Retention.MAX_DAYS
                        + ", or null for the server's default");
            }
            if (change.days() == null) {
                realm.removeAttribute(Retention.REALM_ATTRIBUTE);
            } else {
                realm.setAttribute(Retention.REALM_ATTRIBUTE, change.days());
            }
        } catch (GrantValidationException e) {
            return AdminErrors.badRequest(e.field(), e.getMessage());
        }
        Map<String, Object> state = state();
        adminEvent.operation(OperationType.UPDATE).resource(ResourceType.CUSTOM)
                .resourcePath("act-as", "audit", "retention").representation(state).success();
        // A shorter retention takes effect now, not within the minute (this node; the others within theirs).
        Retention purge = retention();
        session.getTransactionManager().enlistAfterCompletion(new AbstractKeycloakTransaction() {
            @Override
            protected void commitImpl() {
                purge.runSoon();
            }

            @Override
            protected void rollbackImpl() {
                // nothing changed
            }
        });
        return Response.ok(StrictJson.write(state), MediaType.APPLICATION_JSON_TYPE).build();
    }

    private Map<String, Object> state() {
        Retention retention = retention();
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("days", Retention.realmDays(realm));
        state.put("serverDays", retention.serverDays());
        state.put("effectiveDays", retention.days(realm));
        return state;
    }

    private Retention retention() {
        return ((ActAsAuditProviderFactory) session.getKeycloakSessionFactory().getProviderFactory(ActAsAuditProvider.class))
                .retention();
    }
}
