package io.github.actas.keycloak.audit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.github.actas.keycloak.policy.Denial;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import jakarta.persistence.EntityManager;
import org.keycloak.common.util.Time;
import org.keycloak.component.ComponentModel;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * Act-As on Keycloak's {@code /metrics} (Keycloak's Micrometer registry, as Keycloak's own meters use it):
 * decisions by door and outcome, webhook failures, and, refreshed from the database every few seconds,
 * live acting sessions and the audit outbox per sink. Counters are this node's (Prometheus sums them over
 * nodes); the gauges read the shared database, so every node reports the same values. Without Keycloak's
 * metrics ({@code --metrics-enabled}) nothing is registered.
 */
public final class ActAsMeters {

    /** What a denial is counted as when it is none of the policy's: a bounded set of labels. */
    private static final Set<String> OTHER_REFUSALS = Set.of("invalid_request", "invalid_grant", "invalid_client",
            "invalid_scope", "invalid_target", "access_denied", "unauthorized_client", "session_ended", "not_allowed");
    private static final String NONE = "none";

    private final boolean enabled;
    private final Meter.MeterProvider<Counter> decisions;
    private final Meter.MeterProvider<Counter> webhookFailures;
    private final MultiGauge sessionsActive;
    private final MultiGauge auditPending;
    private final MultiGauge auditOldestPending;

    private ActAsMeters(MeterRegistry registry) {
        this.enabled = registry != null;
        if (!enabled) {
            decisions = null;
            webhookFailures = null;
            sessionsActive = null;
            auditPending = null;
            auditOldestPending = null;
            return;
        }
        decisions = Counter.builder("act_as.decisions")
                .description("Act-As decisions by door (exchange, browser, service-account, explain) and outcome")
                .withRegistry(registry);
        webhookFailures = Counter.builder("act_as.webhook.failures")
                .description("Failed webhook deliveries of audit records (each is retried)")
                .withRegistry(registry);
        sessionsActive = MultiGauge.builder("act_as.sessions.active")
                .description("Act-As sessions that have not ended").register(registry);
        auditPending = MultiGauge.builder("act_as.audit.pending")
                .description("Audit records waiting in the outbox for a sink").register(registry);
        auditOldestPending = MultiGauge.builder("act_as.audit.oldest.pending.seconds")
                .description("Age of the oldest audit record waiting for a sink").register(registry);
    }

    /** Meters in Keycloak's registry when its metrics are enabled, else meters that count nothing. */
    public static ActAsMeters create(boolean metricsEnabled) {
        return new ActAsMeters(metricsEnabled ? Metrics.globalRegistry : null);
    }

    public boolean enabled() {
        return enabled;
    }

    /**
     * One decision a door took.
     *
     * @param refusal null when allowed; else the denial's name or the refusal's OAuth error
     */
    public void decision(RealmModel realm, Door door, String refusal) {
        if (enabled) {
            decisions.withTags("realm", realm.getName(), "door", door.label(),
                    "outcome", refusal == null ? "allowed" : "denied", "denial", denialLabel(refusal)).increment();
        }
    }

    public void webhookFailures(String realmName, String sinkName, int count) {
        if (enabled) {
            webhookFailures.withTags("realm", realmName, "sink", sinkName).increment(count);
        }
    }

    /** Reads live sessions and the outbox (two grouped queries) and publishes them; a no-op when disabled. */
    public void refresh(KeycloakSession session) {
        if (!enabled) {
            return;
        }
        EntityManager em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
        long now = Time.currentTime();
        List<MultiGauge.Row<?>> sessions = new ArrayList<>();
        for (Object[] row : em.createQuery("select s.realmId, count(s) from ActAsSessionEntity s where s.expires > :now"
                + " group by s.realmId", Object[].class).setParameter("now", now).getResultList()) {
            RealmModel realm = session.realms().getRealm((String) row[0]);
            if (realm != null) {
                sessions.add(MultiGauge.Row.of(Tags.of("realm", realm.getName()), ((Number) row[1]).doubleValue()));
            }
        }
        sessionsActive.register(sessions, true);

        // Outbox rows name the sinks still owed; one row may owe several.
        Map<List<String>, long[]> bySink = new HashMap<>();
        long nowMillis = Time.currentTimeMillis();
        for (Object[] row : em.createQuery("select o.realmId, o.pendingSinks, count(o), min(o.recordTime)"
                + " from AuditOutboxEntity o group by o.realmId, o.pendingSinks", Object[].class).getResultList()) {
            RealmModel realm = session.realms().getRealm((String) row[0]);
            if (realm == null) {
                continue;
            }
            for (String sinkId : ((String) row[1]).split(",")) {
                ComponentModel sink = sinkId.isBlank() ? null : realm.getComponent(sinkId);
                List<String> key = List.of(realm.getName(), sink == null ? sinkId : sink.getName());
                long[] v = bySink.computeIfAbsent(key, k -> new long[] {0, Long.MAX_VALUE});
                v[0] += ((Number) row[2]).longValue();
                v[1] = Math.min(v[1], ((Number) row[3]).longValue());
            }
        }
        List<MultiGauge.Row<?>> pending = new ArrayList<>();
        List<MultiGauge.Row<?>> oldest = new ArrayList<>();
        bySink.forEach((key, v) -> {
            Tags tags = Tags.of("realm", key.get(0), "sink", key.get(1));
            pending.add(MultiGauge.Row.of(tags, v[0]));
            oldest.add(MultiGauge.Row.of(tags, Math.max(0, nowMillis - v[1]) / 1000.0));
        });
        auditPending.register(pending, true);
        auditOldestPending.register(oldest, true);
    }

    private static String denialLabel(String refusal) {
        if (refusal == null) {
            return NONE;
        }
        try {
            return Denial.valueOf(refusal).name().toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            String code = refusal.toLowerCase(Locale.ROOT);
            int colon = code.indexOf(':');
            code = colon < 0 ? code : code.substring(0, colon);
            return OTHER_REFUSALS.contains(code) ? code : "other";
        }
    }
}
