package io.github.actas.keycloak.audit.delivery;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import io.github.actas.keycloak.audit.ActAsMeters;
import io.github.actas.keycloak.audit.AuditRecord;
import io.github.actas.keycloak.audit.AuditRecords;
import io.github.actas.keycloak.audit.Handover;
import io.github.actas.keycloak.persistence.AuditOutboxEntity;
import io.github.actas.keycloak.persistence.AuditRecordEntity;
import io.github.actas.keycloak.persistence.AuditSinkStateEntity;
import jakarta.persistence.EntityManager;
import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.component.ComponentModel;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;

/**
 * The database side of delivery: what could not be sent at once waits in the outbox (ACT_AS_AUDIT_OUTBOX)
 * for a retry with exponential back-off and jitter, claimed under a lease so nodes do not send the same
 * record; the outcome of every round is recorded here, per record and per sink.
 */
final class Outbox {

    private static final Logger LOG = Logger.getLogger(Outbox.class);
    /** How often records kept only for disabled sinks are looked at again. */
    private static final long PAUSED_RECHECK_MILLIS = 10 * 60 * 1000L;

    private final AuditSettings settings;
    private final Backoff backoff;
    private final DeliveryPlanner planner;
    private final ActAsMeters meters;

    DeliveryPlanner planner() {
        return planner;
    }

    Outbox(AuditSettings settings, DeliveryPlanner planner, ActAsMeters meters) {
        this.meters = meters;
        this.settings = settings;
        this.backoff = new Backoff(settings.retryBaseMillis(), settings.retryMaxMillis());
        this.planner = planner;
    }

    /** Moves records to the outbox, due now: the claim path sends them (on whichever node). */
    void write(KeycloakSession session, List<Handover.Pending> records) {
        EntityManager em = em(session);
        long now = Time.currentTimeMillis();
        Map<String, AuditOutboxEntity> existing = existingRows(em, records.stream().map(r -> r.record().id()).toList());
        for (Handover.Pending pending : records) {
            AuditRecord record = pending.record();
            AuditOutboxEntity row = existing.get(record.id());
            if (row == null) {
                em.persist(AuditOutboxEntity.of(record.id(), record.realmId(), record.time(), pending.sinks(), now));
            } else {
                row.setNextAttempt(Math.min(row.getNextAttempt(), now));
            }
        }
    }

    /** Makes the records kept for a (re-enabled) sink due now, in the caller's transaction. */
    static void resume(KeycloakSession session, String sinkId) {
        em(session).createNamedQuery("actAsOutbox.resume")
                .setParameter("now", Time.currentTimeMillis())
                .setParameter("pattern", "%" + sinkId + "%")
                .executeUpdate();
    }

    /** Claims due records (retries, backlogs, records whose writing node went away) under a fresh lease. */
    List<DeliveryTask> claim(KeycloakSession session) {
        EntityManager em = em(session);
        long now = Time.currentTimeMillis();
        List<String> due = em.createNamedQuery("actAsOutbox.due", String.class)
                .setParameter("now", now).setMaxResults(settings.batchSize()).getResultList();
        if (due.isEmpty()) {
            return List.of();
        }
        // A fresh owner per claim: reading back "leased by this claim" returns exactly the rows it won.
        String owner = UUID.randomUUID().toString();
        List<String> ids = padded(due);
        em.createNamedQuery("actAsOutbox.lease")
                .setParameter("owner", owner).setParameter("until", now + settings.leaseMillis())
                .setParameter("ids", ids).setParameter("now", now)
                .executeUpdate();
        // Only the rows this claim won (another node may have leased some of them in between). Read-only: the
        // rows are only read here, so Hibernate keeps no snapshots to dirty-check.
        Map<String, String> sinksOf = new HashMap<>();
        for (AuditOutboxEntity row : em.createNamedQuery("actAsOutbox.leased", AuditOutboxEntity.class)
                .setParameter("ids", ids).setParameter("owner", owner)
                .setHint("org.hibernate.readOnly", true).getResultList()) {
            sinksOf.put(row.getRecordId(), row.getPendingSinks());
        }
        if (sinksOf.isEmpty()) {
            return List.of();
        }
        List<Handover.Pending> rows = new ArrayList<>(sinksOf.size());
        for (AuditRecordEntity row : em.createNamedQuery("actAsAudit.byIds", AuditRecordEntity.class)
                .setParameter("ids", padded(new ArrayList<>(sinksOf.keySet())))
                .setHint("org.hibernate.readOnly", true).getResultList()) {
            rows.add(new Handover.Pending(AuditRecords.record(row), sinksOf.remove(row.getId())));
        }
        if (!sinksOf.isEmpty()) {
            // an outbox row without its record (removed by hand?): nothing to send, do not claim it for ever
            LOG.warnf("Audit outbox rows without a record are dropped: %s", sinksOf.keySet());
            em.createNamedQuery("actAsOutbox.done").setParameter("ids", padded(new ArrayList<>(sinksOf.keySet())))
                    .executeUpdate();
        }
        return planner.tasks(session, rows, null);
    }

    /**
     * Records the outcome of a round: records every sink took leave the outbox (or never enter it), the rest
     * wait for their next attempt; each sink's counters, last success and last error are updated.
     *
     * @return how many deliveries succeeded
     */
    int complete(KeycloakSession session, List<DeliveryTask> tasks, List<DeliveryResult> results) {
        EntityManager em = em(session);
        long now = Time.currentTimeMillis();
        Map<String, Set<String>> succeeded = new HashMap<>();
        Map<String, String> firstError = new HashMap<>();
        Map<String, Integer> sinkSuccesses = new HashMap<>();
        Map<String, Integer> sinkFailures = new HashMap<>();
        Map<String, String> sinkLastError = new HashMap<>();
        for (DeliveryResult result : results) {
            if (result.ok()) {
                succeeded.computeIfAbsent(result.recordId(), k -> new LinkedHashSet<>()).add(result.sinkId());
                sinkSuccesses.merge(result.sinkId(), 1, Integer::sum);
            } else {
                firstError.putIfAbsent(result.recordId(), result.error());
                sinkFailures.merge(result.sinkId(), 1, Integer::sum);
                sinkLastError.put(result.sinkId(), result.error());
            }
        }

        List<String> done = new ArrayList<>();
        Map<DeliveryTask, List<String>> remainingOf = new IdentityHashMap<>();
        List<String> freshIds = new ArrayList<>();
        for (DeliveryTask task : tasks) {
            List<String> remaining = new ArrayList<>(task.pending());
            remaining.removeAll(succeeded.getOrDefault(task.recordId(), Set.of()));
            remaining.removeAll(task.gone());
            if (!task.gone().isEmpty()) {
                LOG.infof("Audit record %s will not reach sinks %s: they no longer exist", task.recordId(), task.gone());
            }
            if (!remaining.isEmpty()) {
                remainingOf.put(task, remaining);
                if (task.entry() != null) {
                    freshIds.add(task.recordId());
                }
            } else if (task.entry() == null) {
                done.add(task.recordId());
            }
            // a record just written here that every sink took leaves no trace but its own row
        }
        // Records just written here that a sink did not take get an outbox row; one may exist already if
        // another node took this one's records over while it was silent.
        Map<String, AuditOutboxEntity> existing = existingRows(em, freshIds);
        remainingOf.forEach((task, remaining) -> retryLater(em, task, remaining, existing, firstError, now));
        if (!done.isEmpty()) {
            em.createNamedQuery("actAsOutbox.done").setParameter("ids", padded(done)).executeUpdate();
        }
        sinkSuccesses.forEach((sinkId, count) -> {
            ensureState(em, sinkId, tasks);
            em.createNamedQuery("actAsAuditSink.succeeded").setParameter("count", (long) count)
                    .setParameter("now", now).setParameter("sinkId", sinkId).executeUpdate();
        });
        sinkFailures.forEach((sinkId, count) -> {
            ensureState(em, sinkId, tasks);
            countFailures(session, sinkId, tasks, count);
            em.createNamedQuery("actAsAuditSink.failed").setParameter("count", (long) count)
                    .setParameter("now", now).setParameter("error", truncate(sinkLastError.get(sinkId)))
                    .setParameter("sinkId", sinkId).executeUpdate();
        });
        return sinkSuccesses.values().stream().mapToInt(Integer::intValue).sum();
    }

    private void retryLater(EntityManager em, DeliveryTask task, List<String> remaining,
                            Map<String, AuditOutboxEntity> existing, Map<String, String> firstError, long now) {
        AuditOutboxEntity row;
        if (task.entry() == null) {
            row = em.find(AuditOutboxEntity.class, task.recordId());
            if (row == null) {
                return;
            }
        } else {
            row = existing.get(task.recordId());
            if (row == null) {
                AuditRecord record = task.record();
                row = AuditOutboxEntity.of(record.id(), record.realmId(), record.time(), String.join(",", remaining), now);
                em.persist(row);
            }
        }
        row.setPendingSinks(String.join(",", remaining));
        row.setLeaseOwner(null);
        row.setLeaseUntil(null);
        if (task.paused().containsAll(remaining)) {
            // Disabled sinks keep their records (nothing is lost) without churning them: enabling the
            // sink makes them due at once (AuditSinkProviderFactory.onUpdate); this is only a safety net.
            row.setNextAttempt(now + Math.max(settings.retryMaxMillis(), PAUSED_RECHECK_MILLIS));
        } else {
            row.setAttempts(row.getAttempts() + 1);
            row.setNextAttempt(now + backoff.delayMillis(row.getAttempts(), ThreadLocalRandom.current().nextDouble()));
            row.setLastError(truncate(firstError.get(task.recordId())));
        }
    }

    /** Outbox rows that already exist for some of these records (another node took them over meanwhile). */
    private static Map<String, AuditOutboxEntity> existingRows(EntityManager em, List<String> ids) {
        Map<String, AuditOutboxEntity> rows = new HashMap<>();
        if (!ids.isEmpty()) {
            for (AuditOutboxEntity row : em.createNamedQuery("actAsOutbox.byIds", AuditOutboxEntity.class)
                    .setParameter("ids", padded(ids)).getResultList()) {
                rows.put(row.getRecordId(), row);
            }
        }
        return rows;
    }

    /** On /metrics, by the names people know: the realm's and the sink's. */
    private void countFailures(KeycloakSession session, String sinkId, List<DeliveryTask> tasks, int count) {
        if (!meters.enabled()) {
            return;
        }
        tasks.stream().filter(t -> t.pending().contains(sinkId)).findFirst()
                .map(t -> session.realms().getRealm(t.record().realmId())).ifPresent(realm -> {
                    ComponentModel sink = realm.getComponent(sinkId);
                    meters.webhookFailures(realm.getName(), sink == null ? sinkId : sink.getName(), count);
                });
    }

    private static void ensureState(EntityManager em, String sinkId, List<DeliveryTask> tasks) {
        if (em.find(AuditSinkStateEntity.class, sinkId) != null) {
            return;
        }
        String realmId = tasks.stream().filter(t -> t.pending().contains(sinkId)).map(t -> t.record().realmId())
                .findFirst().orElse("");
        em.persist(new AuditSinkStateEntity(sinkId, realmId));
        em.flush();
    }

    /**
     * The list padded to a power of two by repeating its last id: "id in (...)" then has a handful of
     * shapes, so Hibernate and the database reuse their plans instead of preparing one per batch size.
     */
    static List<String> padded(List<String> ids) {
        int size = ids.size();
        int shape = size <= 1 ? size : Integer.highestOneBit(size - 1) << 1;
        if (shape == size) {
            return ids;
        }
        List<String> padded = new ArrayList<>(shape);
        padded.addAll(ids);
        while (padded.size() < shape) {
            padded.add(ids.get(size - 1));
        }
        return padded;
    }

    static String truncate(String value) {
        return value == null || value.length() <= 1000 ? value : value.substring(0, 1000);
    }

    static EntityManager em(KeycloakSession session) {
        return session.getProvider(JpaConnectionProvider.class).getEntityManager();
    }
}
