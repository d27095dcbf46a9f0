package io.github.actas.keycloak.audit;

import io.github.actas.keycloak.persistence.AuditRecordEntity;

/** Audit records to and from their table row ({@link AuditRecordEntity}). */
public final class AuditRecords {

    private AuditRecords() {
    }

    /**
     * @param sinks    comma-separated ids of the sinks the record is for, or null
     * @param writerId the node start that writes (and delivers) it, when it has sinks
     */
    public static AuditRecordEntity entity(AuditRecord r, String sinks, String writerId) {
        return new AuditRecordEntity(r.id(), r.realmId(), r.realmName(), r.time(), r.type().wireName(),
                r.outcome().wireName(),
                r.initiatingUser() == null ? null : r.initiatingUser().id(),
                r.initiatingUser() == null ? null : r.initiatingUser().username(),
                // A group is stored as the target: its id, and its path where a user's name would be.
                r.effectiveGroup() != null ? r.effectiveGroup().id() : r.effectiveUser() == null ? null : r.effectiveUser().id(),
                r.effectiveUser() == null ? null : r.effectiveUser().username(),
                r.effectiveGroup() == null ? null : r.effectiveGroup().path(),
                r.endedBy() == null ? null : r.endedBy().id(),
                r.endedBy() == null ? null : r.endedBy().username(),
                sinks, writerId, r.mode(), r.grant(), r.reason(), r.client(), r.ipAddress(), r.sessionId(), r.tokenId(),
                r.error(), r.endReason() == null ? null : r.endReason().code());
    }

    public static AuditRecord record(AuditRecordEntity row) {
        return new AuditRecord(row.getId(), row.getTime(), row.getRealmId(), row.getRealmName(),
                RecordType.fromWireName(row.getType()),
                AuditRecord.Party.of(row.getActorId(), row.getActorUsername()),
                row.getTargetGroup() != null ? null : AuditRecord.Party.of(row.getTargetId(), row.getTargetUsername()),
                AuditRecord.Group.of(row.getTargetId(), row.getTargetGroup()), AuditRecord.Party.of(row.getEndedById(), row.getEndedByUsername()),
                row.getMode(), row.getGrantName(), row.getReason(), row.getClientId(), row.getIpAddress(),
                row.getSessionId(), row.getTokenId(), EndReason.fromCode(row.getEndReason()), row.getError());
    }
}
