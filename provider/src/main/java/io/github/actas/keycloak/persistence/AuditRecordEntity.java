package io.github.actas.keycloak.persistence;

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
        // retention, oldest first on the (realm, time) index, a bounded batch at a time; a record still in the
        // outbox is kept until it has been delivered or given up
        @NamedQuery(name = "actAsAudit.expiredIds",
                query = "select r.id from AuditRecordEntity r where r.realmId = :realmId and r.time < :before"
                        + " and not exists (select o.recordId from AuditOutboxEntity o where o.recordId = r.id)"
                        + " order by r.time"),
        @NamedQuery(name = "actAsAudit.deleteByIds",
                query = "delete from AuditRecordEntity r where r.id in :ids"),
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

    @Column(name = "END_REASON", length = 32)
    private String endReason;

    /** For JPA. */
    protected AuditRecordEntity() {
    }

    public AuditRecordEntity(String id,
                             String realmId,
                             String realmName,
                             long time,
                             String type,
                             String outcome,
                             String actorId,
                             String actorUsername,
                             String targetId,
                             String targetUsername,
                             String targetGroup,
                             String endedById,
                             String endedByUsername,
                             String sinks,
                             String writerId,
                             String mode,
                             String grantName,
                             String reason,
                             String clientId,
                             String ipAddress,
                             String sessionId,
                             String tokenId,
                             String error,
                             String endReason) {
        this.id = id;
        this.realmId = realmId;
        this.realmName = realmName;
        this.time = time;
        this.type = type;
        this.outcome = outcome;
        this.actorId = actorId;
        this.actorUsername = actorUsername;
        this.targetId = targetId;
        this.targetUsername = targetUsername;
        this.targetGroup = targetGroup;
        this.endedById = endedById;
        this.endedByUsername = endedByUsername;
        this.sinks = sinks;
        this.writerId = writerId;
        this.mode = mode;
        this.grantName = grantName;
        this.reason = reason;
        this.clientId = clientId;
        this.ipAddress = ipAddress;
        this.sessionId = sessionId;
        this.tokenId = tokenId;
        this.error = error;
        this.endReason = endReason;
    }

    public String getId() {
        return id;
    }

    public String getRealmId() {
        return realmId;
    }

    public String getRealmName() {
        return realmName;
    }

    public long getTime() {
        return time;
    }

    public String getType() {
        return type;
    }

    public String getActorId() {
        return actorId;
    }

    public String getActorUsername() {
        return actorUsername;
    }

    public String getTargetId() {
        return targetId;
    }

    public String getTargetUsername() {
        return targetUsername;
    }

    public String getTargetGroup() {
        return targetGroup;
    }

    public String getEndedById() {
        return endedById;
    }

    public String getEndedByUsername() {
        return endedByUsername;
    }

    public String getWriterId() {
        return writerId;
    }

    public String getMode() {
        return mode;
    }

    public String getGrantName() {
        return grantName;
    }

    public String getReason() {
        return reason;
    }

    public String getClientId() {
        return clientId;
    }

    public String getIpAddress() {
        return ipAddress;
    }

    public String getSessionId() {
        return sessionId;
    }

    public String getTokenId() {
        return tokenId;
    }

    public String getError() {
        return error;
    }

    public String getEndReason() {
        return endReason;
    }
}
