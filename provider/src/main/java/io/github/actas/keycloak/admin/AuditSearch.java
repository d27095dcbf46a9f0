package io.github.actas.keycloak.admin;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.actas.keycloak.persistence.AuditRecordEntity;
import jakarta.persistence.EntityManager;
import jakarta.persistence.TypedQuery;

/**
 * One page of a realm's audit records, newest first, by the filters of {@code GET /audit}. A person is named by id
 * or username, two columns: each gets a query of its own, an ordered scan of its {@code (realm, column, time)}
 * index that stops after the page, and the two pages are merged here. One query testing both columns with
 * {@code OR} would read and sort every record of that person first, which grows with the trail.
 */
final class AuditSearch {

    private static final Comparator<AuditRecordEntity> NEWEST_FIRST = Comparator.comparingLong(AuditRecordEntity::getTime)
            .thenComparing(AuditRecordEntity::getId).reversed();

    private final EntityManager em;
    private final String realmId;
    private final String actor;
    private final String target;
    private final String type;
    private final Long from;
    private final Long to;
    private final AuditRecordEntity after;

    /** @param after the last record of the previous page (keyset paging), or null */
    AuditSearch(EntityManager em, String realmId, String actor, String target, String type, Long from, Long to,
                AuditRecordEntity after) {
        this.em = em;
        this.realmId = realmId;
        this.actor = actor;
        this.target = target;
        this.type = type;
        this.from = from;
        this.to = to;
        this.after = after;
    }

    List<AuditRecordEntity> page(int first, int max) {
        if (max == 0) {
            return List.of();
        }
        boolean groupTarget = target != null && target.startsWith("/");
        List<String> alternatives = actor != null ? List.of("r.actorId = :actor", "r.actorUsername = :actor")
                : target != null && !groupTarget ? List.of("r.targetId = :target", "r.targetUsername = :target")
                : List.of("1 = 1");
        Map<String, AuditRecordEntity> merged = new LinkedHashMap<>();
        for (String alternative : alternatives) {
            for (AuditRecordEntity row : query(alternative, groupTarget).setMaxResults(first + max).getResultList()) {
                merged.putIfAbsent(row.getId(), row);
            }
        }
        List<AuditRecordEntity> rows = new ArrayList<>(merged.values());
        rows.sort(NEWEST_FIRST);
        return rows.subList(Math.min(first, rows.size()), Math.min(first + max, rows.size()));
    }

    private TypedQuery<AuditRecordEntity> query(String party, boolean groupTarget) {
        StringBuilder jpql = new StringBuilder("select r from AuditRecordEntity r where r.realmId = :realmId and ").append(party);
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("realmId", realmId);
        if (actor != null) {
            parameters.put("actor", actor);
        }
        if (target != null) {
            // with an actor, the target narrows that actor's records; alone, it is the party (above)
            if (actor != null) {
                jpql.append(groupTarget ? " and r.targetGroup = :target" : " and (r.targetId = :target or r.targetUsername = :target)");
            } else if (groupTarget) {
                jpql.append(" and r.targetGroup = :target");
            }
            parameters.put("target", target);
        }
        if (type != null) {
            jpql.append(" and r.type = :type");
            parameters.put("type", type);
        }
        if (from != null) {
            jpql.append(" and r.time >= :from");
            parameters.put("from", from);
        }
        if (to != null) {
            jpql.append(" and r.time <= :to");
            parameters.put("to", to);
        }
        if (after != null) {
            // Keyset paging: the page starts right after the given record, so a deep page costs what the first does.
            // "time <= last" bounds the index range; the OR only sorts out the records of that very millisecond.
            jpql.append(" and r.time <= :lastTime and (r.time < :lastTime or r.id < :lastId)");
            parameters.put("lastTime", after.getTime());
            parameters.put("lastId", after.getId());
        }
        TypedQuery<AuditRecordEntity> query = em.createQuery(jpql.append(" order by r.time desc, r.id desc").toString(),
                AuditRecordEntity.class);
        parameters.forEach(query::setParameter);
        return query;
    }
}
