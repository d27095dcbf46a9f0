package io.github.actas.keycloak.audit;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQueries;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

/**
 * A stored audit record: one insert, in the transaction of the action it describes, and never updated
 * afterwards. It names the sinks it is for and the node that wrote it: that node delivers it, and should
 * the node die first, its checkpoint ({@link AuditWriterEntity}) tells another node to. What is waiting
 * for a retry lives in {@link AuditOutboxEntity}.
 */
@Entity
@Table(name = "ACT_AS_AUDIT_RECORD")
@NamedQueries({
        @NamedQuery(name = "actAsAudit.byIds",
                query = "select r from AuditRecordEntity r where r.id in :ids"),
        @NamedQuery(name = "actAsAudit.deleteOlderThan",
                // per realm, so that the (realm, time) index bounds it rather than a walk of the whole table;
                // a record still in the outbox is kept until it has been delivered or given up
                query = "delete from AuditRecordEntity r where r.realmId = :realmId and r.time < :before"
                        + " and not exists (select o.recordId from AuditOutboxEntity o where o.recordId = r.id)"),
        // a silent node's records it may not have delivered, per realm on the (realm, time) index
        @NamedQuery(name = "actAsAudit.undeliveredOfWriter",
                query = "select r.id, r.time, r.sinks from AuditRecordEntity r where r.realmId = :realmId and r.time >= :since"
                        + " and r.writerId = :writerId and r.sinks is not null"
                        + " and not exists (select o.recordId from AuditOutboxEntity o where o.recordId = r.id)")
})
public class AuditRecordEntity {

    @Id
    @Column(name = "ID", length = 36)
    private String id;

    @Column(name = "REALM_ID", length = 36, nullable = false)
    private String realmId;

    @Column(name = "REALM_NAME", length = 255)
    private String realmName;

    @Column(name = "RECORD_TIME", nullable = false)
    private long time;

    @Column(name = "RECORD_TYPE", length = 64, nullable = false)
    private String type;

    @Column(name = "OUTCOME", length = 16, nullable = false)
    private String outcome;

    @Column(name = "ACTOR_ID", length = 36)
    private String actorId;

    @Column(name = "ACTOR_USERNAME", length = 255)
    private String actorUsername;

    @Column(name = "TARGET_ID", length = 36)
    private String targetId;

    @Column(name = "TARGET_USERNAME", length = 255)
    private String targetUsername;

    @Column(name = "TARGET_GROUP", length = 1000)
    private String targetGroup;

    @Column(name = "ENDED_BY_ID", length = 36)
    private String endedById;

    @Column(name = "ENDED_BY_USERNAME", length = 255)
    private String endedByUsername;

    /** Comma-separated ids of the sinks the record is for (the realm's enabled sinks when it was written), or null. */
    @Column(name = "SINKS", length = 1000)
    private String sinks;

    /** The node start that wrote it and delivers it ({@link AuditWriterEntity}), when it has sinks. */
    @Column(name = "WRITER_ID", length = 36)
    private String writerId;

    @Column(name = "ACT_MODE", length = 16)
    private String mode;

    @Column(name = "GRANT_NAME", length = 100)
    private String grantName;

    @Column(name = "REASON", length = 500)
    private String reason;

    @Column(name = "CLIENT_ID", length = 255)
    private String clientId;

    @Column(name = "IP_ADDRESS", length = 64)
    private String ipAddress;

    @Column(name = "SESSION_ID", length = 36)
    private String sessionId;

    @Column(name = "TOKEN_ID", length = 255)
    private String tokenId;

    @Column(name = "ERROR", length = 1000)
    private String error;


    public String getId() {
        return id;
    }

    public void setId(String id) {
        this.id = id;
    }

    public String getRealmId() {
        return realmId;
    }

    public void setRealmId(String realmId) {
        this.realmId = realmId;
    }

    public String getRealmName() {
        return realmName;
    }

    public void setRealmName(String realmName) {
        this.realmName = realmName;
    }

    public long getTime() {
        return time;
    }

    public void setTime(long time) {
        this.time = time;
    }

    public String getType() {
        return type;
    }

    public void setType(String type) {
        this.type = type;
    }

    public String getOutcome() {
        return outcome;
    }

    public void setOutcome(String outcome) {
        this.outcome = outcome;
    }

    public String getActorId() {
        return actorId;
    }

    public void setActorId(String actorId) {
        this.actorId = actorId;
    }

    public String getActorUsername() {
        return actorUsername;
    }

    public void setActorUsername(String actorUsername) {
        this.actorUsername = actorUsername;
    }

    public String getTargetId() {
        return targetId;
    }

    public void setTargetId(String targetId) {
        this.targetId = targetId;
    }

    public String getTargetUsername() {
        return targetUsername;
    }

    public void setTargetUsername(String targetUsername) {
        this.targetUsername = targetUsername;
    }

    public String getTargetGroup() {
        return targetGroup;
    }

    public void setTargetGroup(String targetGroup) {
        this.targetGroup = targetGroup;
    }

    public String getEndedById() {
        return endedById;
    }

    public void setEndedById(String endedById) {
        this.endedById = endedById;
    }

    public String getEndedByUsername() {
        return endedByUsername;
    }

    public void setEndedByUsername(String endedByUsername) {
        this.endedByUsername = endedByUsername;
    }

    public String getMode() {
        return mode;
    }

    public void setMode(String mode) {
        this.mode = mode;
    }

    public String getGrantName() {
        return grantName;
    }

    public void setGrantName(String grantName) {
        this.grantName = grantName;
    }

    public String getReason() {
        return reason;
    }

    public void setReason(String reason) {
        this.reason = reason;
    }

    public String getClientId() {
        return clientId;
    }

    public void setClientId(String clientId) {
        this.clientId = clientId;
    }

    public String getIpAddress() {
        return ipAddress;
    }

    public void setIpAddress(String ipAddress) {
        this.ipAddress = ipAddress;
    }

    public String getSessionId() {
        return sessionId;
    }

    public void setSessionId(String sessionId) {
        this.sessionId = sessionId;
    }

    public String getTokenId() {
        return tokenId;
    }

    public void setTokenId(String tokenId) {
        this.tokenId = tokenId;
    }

    public String getError() {
        return error;
    }

    public void setError(String error) {
        this.error = error;
    }


    /** The record part, as the rest of Act-As sees it. */
    public AuditRecord toRecord() {
        return new AuditRecord(id, time, realmId, realmName, type, outcome,
                AuditRecord.Party.of(actorId, actorUsername), AuditRecord.Party.of(targetId, targetUsername),
                targetGroup, AuditRecord.Party.of(endedById, endedByUsername), mode, grantName, reason, clientId,
                ipAddress, sessionId, tokenId, error);
    }

    /** The row of a record. */
    public static AuditRecordEntity of(AuditRecord record, String sinks, String writerId) {
        AuditRecordEntity e = new AuditRecordEntity();
        e.sinks = sinks;
        e.writerId = writerId;
        e.id = record.id();
        e.realmId = record.realmId();
        e.realmName = record.realmName();
        e.time = record.time();
        e.type = record.type();
        e.outcome = record.outcome();
        if (record.initiatingUser() != null) {
            e.actorId = record.initiatingUser().id();
            e.actorUsername = record.initiatingUser().username();
        }
        if (record.effectiveUser() != null) {
            e.targetId = record.effectiveUser().id();
            e.targetUsername = record.effectiveUser().username();
        }
        e.targetGroup = record.effectiveGroup();
        if (record.endedBy() != null) {
            e.endedById = record.endedBy().id();
            e.endedByUsername = record.endedBy().username();
        }
        e.mode = record.mode();
        e.grantName = record.grant();
        e.reason = record.reason();
        e.clientId = record.client();
        e.ipAddress = record.ipAddress();
        e.sessionId = record.sessionId();
        e.tokenId = record.tokenId();
        e.error = record.error();
        return e;
    }
}
