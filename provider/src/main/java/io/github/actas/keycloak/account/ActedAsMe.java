package io.github.actas.keycloak.account;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.actas.keycloak.audit.EndReason;
import io.github.actas.keycloak.audit.RecordType;
import io.github.actas.keycloak.persistence.ActAsSessionEntity;
import io.github.actas.keycloak.persistence.AuditRecordEntity;
import jakarta.persistence.EntityManager;
import org.keycloak.common.util.Time;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * "Who acted as me": every acting as this person the audit store holds (people and services, by any door), newest
 * first, with how each ended. Read from the audit records, which nobody who acted can change; a page costs two
 * indexed queries (the person's started records, then the ends of those sessions) and one for those still running.
 */
final class ActedAsMe {

    private static final List<String> ENDS = List.of(RecordType.ENDED.wireName(), RecordType.REVOKED.wireName());

    private final KeycloakSession session;
    private final RealmModel realm;

    ActedAsMe(KeycloakSession session, RealmModel realm) {
        this.session = session;
        this.realm = realm;
    }

    /** One page: {@code entries}, and {@code more} when there are older ones. */
    Map<String, Object> page(UserModel me, int first, int max) {
        EntityManager em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
        List<AuditRecordEntity> started = em.createQuery("select r from AuditRecordEntity r where r.realmId = :realmId"
                        + " and r.targetId = :me and r.type = :type order by r.time desc, r.id desc", AuditRecordEntity.class)
                .setParameter("realmId", realm.getId()).setParameter("me", me.getId())
                .setParameter("type", RecordType.STARTED.wireName())
                .setFirstResult(first).setMaxResults(max + 1).getResultList();
        boolean more = started.size() > max;
        List<AuditRecordEntity> rows = more ? started.subList(0, max) : started;
        List<String> sessionIds = rows.stream().map(AuditRecordEntity::getSessionId).filter(id -> id != null).toList();

        Map<String, AuditRecordEntity> ends = new HashMap<>();
        Map<String, ActAsSessionEntity> running = new HashMap<>();
        if (!sessionIds.isEmpty()) {
            em.createQuery("select r from AuditRecordEntity r where r.realmId = :realmId and r.targetId = :me"
                            + " and r.type in :types and r.sessionId in :ids", AuditRecordEntity.class)
                    .setParameter("realmId", realm.getId()).setParameter("me", me.getId())
                    .setParameter("types", ENDS).setParameter("ids", sessionIds)
                    .getResultList().forEach(end -> ends.putIfAbsent(end.getSessionId(), end));
            em.createQuery("select s from ActAsSessionEntity s where s.id in :ids", ActAsSessionEntity.class)
                    .setParameter("ids", sessionIds).getResultList().forEach(s -> running.put(s.getId(), s));
        }
        List<Map<String, Object>> entries = new ArrayList<>();
        long now = Time.currentTime();
        for (AuditRecordEntity row : rows) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("actor", row.getActorUsername());
            entry.put("mode", row.getMode());
            entry.put("started", Instant.ofEpochMilli(row.getTime()).toString());
            entry.put("reason", row.getReason());
            entry.put("grant", row.getGrantName());
            entry.put("client", row.getClientId());
            AuditRecordEntity end = ends.get(row.getSessionId());
            ActAsSessionEntity live = running.get(row.getSessionId());
            if (end != null) {
                EndReason reason = EndReason.fromCode(end.getEndReason());
                entry.put("ended", Instant.ofEpochMilli(end.getTime()).toString());
                entry.put("endedHow", reason == null ? "ended" : reason.text());
                entry.put("seconds", Math.max(0, (end.getTime() - row.getTime()) / 1000));
            } else if (live != null && live.getExpires() > now) {
                entry.put("running", true);
                entry.put("endsBy", Instant.ofEpochSecond(live.getExpires()).toString());
            } else {
                entry.put("endedHow", "ended");
            }
            entries.add(entry);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("entries", entries);
        body.put("more", more);
        return body;
    }
}
