package io.github.actas.keycloak.admin;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.github.actas.keycloak.audit.AuditJson;
import io.github.actas.keycloak.audit.AuditRecord;
import io.github.actas.keycloak.audit.AuditRecords;
import io.github.actas.keycloak.audit.RecordType;
import io.github.actas.keycloak.audit.delivery.AuditSinkConfig;
import io.github.actas.keycloak.audit.delivery.AuditSinkProviderFactory;
import io.github.actas.keycloak.persistence.AuditRecordEntity;
import io.github.actas.keycloak.persistence.AuditSinkStateEntity;
import io.github.actas.keycloak.policy.GrantFields;
import io.github.actas.keycloak.policy.GrantValidationException;
import jakarta.persistence.EntityManager;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resources.admin.AdminEventBuilder;

/**
 * {@code /admin/realms/{realm}/act-as/audit}: the stored audit records (newest first, filtered), the
 * sinks they are pushed to, and how delivery to each sink is going.
 */
public final class AuditResource {

    private static final int DEFAULT_MAX = 100;
    private static final int MAX_MAX = 1000;

    private final KeycloakSession session;
    private final RealmModel realm;
    private final AdminAccess access;
    private final AdminEventBuilder adminEvent;

    AuditResource(KeycloakSession session, RealmModel realm, AdminAccess access, AdminEventBuilder adminEvent) {
        this.session = session;
        this.realm = realm;
        this.access = access;
        this.adminEvent = adminEvent;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response records(@QueryParam("actor") String actor, @QueryParam("target") String target,
                            @QueryParam("type") String type, @QueryParam("from") String from, @QueryParam("to") String to,
                            @QueryParam("first") Integer first, @QueryParam("after") String after,
                            @QueryParam("max") Integer max) {
        if (!access.canReadAudit()) {
            return AdminErrors.forbidden("reading the audit trail needs view-events, view-realm or view-users");
        }
        try {
            GrantFields.text("actor", actor, 255);
            GrantFields.text("target", target, 1000);
            if (type != null && RecordType.fromWireName(type) == null) {
                throw new GrantValidationException("type", "unknown record type '" + type + "' (known: "
                        + Arrays.stream(RecordType.values()).map(RecordType::wireName).collect(Collectors.joining(", ")) + ")");
            }
            if (first != null && first < 0) {
                throw new GrantValidationException("first", "must not be negative");
            }
            if (max != null && (max < 0 || max > MAX_MAX)) {
                throw new GrantValidationException("max", "must be between 0 and " + MAX_MAX);
            }
            String afterId = GrantFields.text("after", after, 36);
            if (afterId != null && first != null && first > 0) {
                throw new GrantValidationException("after", "page by first or by after (the last record of the previous page), not both");
            }
            AuditRecordEntity last = afterId == null ? null : em().find(AuditRecordEntity.class, afterId);
            if (afterId != null && (last == null || !realm.getId().equals(last.getRealmId()))) {
                throw new GrantValidationException("after", "no record '" + afterId + "' in this realm");
            }
            Long fromMillis = instant("from", from);
            Long toMillis = instant("to", to);

            int size = max == null ? DEFAULT_MAX : max;
            List<AuditRecord> records = new ArrayList<>();
            for (AuditRecordEntity row : new AuditSearch(em(), realm.getId(), actor, target, type, fromMillis, toMillis, last)
                    .page(first == null ? 0 : first, size)) {
                records.add(AuditRecords.record(row));
            }
            Response.ResponseBuilder ok = Response.ok(AuditJson.records(records), MediaType.APPLICATION_JSON_TYPE);
            if (size > 0 && records.size() == size) {
                // RFC 8288: where the next page starts (a full page may be the last; the next one is then empty)
                URI next = session.getContext().getUri().getRequestUriBuilder().replaceQueryParam("first")
                        .replaceQueryParam("after", records.get(records.size() - 1).id()).build();
                ok.link(next, "next");
            }
            return ok.build();
        } catch (GrantValidationException e) {
            return AdminErrors.badRequest(e.field(), e.getMessage());
        }
    }

    @Path("sinks")
    public SinksResource sinks() {
        return new SinksResource(session, realm, access, adminEvent);
    }

    @Path("retention")
    public RetentionResource retention() {
        return new RetentionResource(session, realm, access, adminEvent);
    }

    /** Per sink: records still pending, delivered and failed counts, dropped by retention, last success and error. */
    @GET
    @Path("status")
    @Produces(MediaType.APPLICATION_JSON)
    public Response status() {
        if (!access.canReadSinks() && !access.canReadAudit()) {
            return AdminErrors.forbidden("reading audit delivery status needs view-realm or view-events");
        }
        List<Map<String, Object>> sinks = new ArrayList<>();
        realm.getComponentsStream(realm.getId(), AuditSinkProviderFactory.PROVIDER_TYPE).forEach(component -> {
            Map<String, Object> status = new LinkedHashMap<>();
            status.put("id", component.getId());
            status.put("name", component.getName());
            try {
                AuditSinkConfig config = AuditSinkProviderFactory.toConfig(component);
                status.put("type", config.type());
                status.put("enabled", config.enabled());
                status.put("retentionHours", config.retentionHours());
                if (AuditSinkConfig.WEBHOOK.equals(config.type())) {
                    status.put("batchSize", config.batchSize());
                }
            } catch (GrantValidationException e) {
                status.put("configError", e.getMessage());
            }
            status.put("pending", em().createNamedQuery("actAsOutbox.pendingForSink", Long.class)
                    .setParameter("pattern", "%" + component.getId() + "%").getSingleResult());
            AuditSinkStateEntity state = em().find(AuditSinkStateEntity.class, component.getId());
            status.put("delivered", state == null ? 0 : state.getDelivered());
            status.put("failures", state == null ? 0 : state.getFailures());
            status.put("consecutiveFailures", state == null ? 0 : state.getConsecutiveFailures());
            status.put("dropped", state == null ? 0 : state.getDropped());
            status.put("lastSuccess", state == null ? null : iso(state.getLastSuccess()));
            status.put("lastError", state == null ? null : state.getLastError());
            status.put("lastErrorTime", state == null ? null : iso(state.getLastErrorTime()));
            sinks.add(status);
        });
        sinks.sort(Comparator.comparing(status -> String.valueOf(status.get("name"))));
        return Response.ok(AuditJson.write(sinks), MediaType.APPLICATION_JSON_TYPE).build();
    }

    private static Long instant(String field, String value) {
        Instant instant = GrantFields.instant(field, value); // bounded: far-off years cannot overflow the query
        return instant == null ? null : instant.toEpochMilli();
    }

    private static String iso(Long millis) {
        return millis == null ? null : AuditJson.timestamp(millis);
    }

    private EntityManager em() {
        return session.getProvider(JpaConnectionProvider.class).getEntityManager();
    }
}
