package io.github.actas.keycloak.audit.delivery;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.github.actas.keycloak.audit.AuditRecord;
import io.github.actas.keycloak.audit.Handover;
import io.github.actas.keycloak.policy.GrantValidationException;
import org.apache.http.impl.client.CloseableHttpClient;
import org.keycloak.component.ComponentModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * Turns records and the sinks they name into delivery tasks: which sinks to send to now, which are paused
 * (disabled) and which are gone. Sinks are resolved once per batch.
 */
final class DeliveryPlanner {

    private final Sink log;
    private final Sink webhook;

    DeliveryPlanner(Sink log, Sink webhook) {
        this.log = log;
        this.webhook = webhook;
    }

    /**
     * @param entries the records' in-flight entries (same order), or null for records claimed from the outbox
     */
    List<DeliveryTask> tasks(KeycloakSession session, List<Handover.Pending> records, List<InFlight.Entry> entries) {
        Map<String, RealmModel> realms = new HashMap<>();
        Map<String, SinkTarget> targets = new HashMap<>();
        List<DeliveryTask> tasks = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            Handover.Pending pendingRecord = records.get(i);
            AuditRecord record = pendingRecord.record();
            RealmModel realm = realms.computeIfAbsent(record.realmId(), id -> session.realms().getRealm(id));
            List<String> pending = split(pendingRecord.sinks());
            List<SinkTarget> deliver = new ArrayList<>();
            Set<String> gone = new LinkedHashSet<>();
            Set<String> paused = new LinkedHashSet<>();
            for (String sinkId : pending) {
                SinkTarget target = realm == null ? null : targets.computeIfAbsent(sinkId, id -> {
                    AuditSinkConfig config = sink(realm, id);
                    return config == null ? null : SinkTarget.of(config, log, webhook);
                });
                if (target == null) {
                    gone.add(sinkId);
                } else if (!target.config().enabled()) {
                    paused.add(sinkId);
                } else {
                    deliver.add(target);
                }
            }
            tasks.add(new DeliveryTask(record, pending, deliver, gone, paused, entries == null ? null : entries.get(i)));
        }
        return tasks;
    }

    /** Sends every task to its sinks, each kind of sink with its batch; one result per record and sink. */
    static List<DeliveryResult> send(CloseableHttpClient http, List<DeliveryTask> tasks) {
        Map<Sink, List<Sink.Delivery>> bySink = new HashMap<>();
        for (DeliveryTask task : tasks) {
            for (SinkTarget target : task.deliver()) {
                bySink.computeIfAbsent(target.sink(), s -> new ArrayList<>()).add(new Sink.Delivery(task, target));
            }
        }
        List<DeliveryResult> results = new ArrayList<>();
        bySink.forEach((sink, deliveries) -> results.addAll(sink.send(http, deliveries)));
        return results;
    }

    /** A sink's config, or null when it no longer exists (or cannot be read: it is then skipped). */
    static AuditSinkConfig sink(RealmModel realm, String sinkId) {
        ComponentModel component = realm.getComponent(sinkId);
        if (component == null || !AuditSinkProviderFactory.PROVIDER_TYPE.equals(component.getProviderType())) {
            return null;
        }
        try {
            return AuditSinkProviderFactory.toConfig(component);
        } catch (GrantValidationException e) {
            return null;
        }
    }

    static List<String> split(String ids) {
        return ids == null || ids.isEmpty() ? List.of() : Arrays.asList(ids.split(","));
    }
}
