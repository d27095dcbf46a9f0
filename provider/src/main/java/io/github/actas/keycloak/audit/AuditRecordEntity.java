package io.github.actas.keycloak.audit;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQueries;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

/**
 * A stored audit record and, in the same row, its delivery state (an outbox): the ids of the sinks it
 * has not reached yet, when to try next, and which node holds the lease for the current attempt. One
 * insert per record, in the transaction of the action it describes.
 */
@Entity
@Table(name = "ACT_AS_AUDIT_RECORD")
@NamedQueries({
        @NamedQuery(name = "actAsAudit.due",
                // A lease moves nextAttempt to the lease's end, so "due" is a plain range on the NEXT_ATTEMPT
                // index: leased rows are not due, and become due again by themselves if their node dies.
                // The lower bound keeps the range clear of delivered rows (null): some databases sort nulls
                // first, and a range open at the bottom would walk every delivered record.
                query = "select r.id from AuditRecordEntity r where r.nextAttempt >= 0 and r.nextAttempt <= :now"
                        + " order by r.nextAttempt"),
        @NamedQuery(name = "actAsAudit.lease",
                query = "update AuditRecordEntity r set r.leaseOwner = :owner, r.leaseUntil = :until, r.nextAttempt = :until"
                        + " where r.id in :ids and r.nextAttempt <= :now"),
        @NamedQuery(name = "actAsAudit.done",
                query = "update AuditRecordEntity r set r.pendingSinks = null, r.nextAttempt = null, r.leaseOwner = null,"
                        + " r.leaseUntil = null, r.attempts = r.attempts + 1 where r.id in :ids"),
        @NamedQuery(name = "actAsAudit.leased",
                // by primary key: the lease owner has no index, so that writing and completing a record touch one
                // secondary index fewer (the owner is only ever read back for ids already in hand)
                query = "select r from AuditRecordEntity r where r.id in :ids and r.leaseOwner = :owner"),
        @NamedQuery(name = "actAsAudit.pendingForSink",
                query = "select count(r) from AuditRecordEntity r where r.nextAttempt >= 0 and r.pendingSinks like :pattern"),
        @NamedQuery(name = "actAsAudit.pendingOfSink",
                query = "select r from AuditRecordEntity r where r.nextAttempt >= 0 and r.pendingSinks like :pattern"
                        + " and r.time < :before"),
        @NamedQuery(name = "actAsAudit.deleteOlderThan",
                // per realm, so that the (realm, time) index bounds it rather than a walk of the whole table
                query = "delete from AuditRecordEntity r where r.realmId = :realmId and r.time < :before and r.nextAttempt is null"),
        @NamedQuery(name = "actAsAudit.deleteRealm",
                query = "delete from AuditRecordEntity r where r.realmId = :realmId")
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

    /** Comma-separated ids of the sinks still to reach; null when delivered everywhere. */
    @Column(name = "PENDING_SINKS", length = 1000)
    private String pendingSinks;

    /** When the next delivery attempt is due (epoch ms); null when nothing is pending. */
    @Column(name = "NEXT_ATTEMPT")
    private Long nextAttempt;

    @Column(name = "ATTEMPTS", nullable = false)
    private int attempts;

    @Column(name = "LEASE_OWNER", length = 36)
    private String leaseOwner;

    @Column(name = "LEASE_UNTIL")
    private Long leaseUntil;

    @Column(name = "LAST_ERROR", length = 1000)
    private String lastError;

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

    public String getPendingSinks() {
        return pendingSinks;
    }

    public void setPendingSinks(String pendingSinks) {
        this.pendingSinks = pendingSinks;
    }

    public Long getNextAttempt() {
        return nextAttempt;
    }

    public void setNextAttempt(Long nextAttempt) {
        this.nextAttempt = nextAttempt;
    }

    public int getAttempts() {
        return attempts;
    }

    public void setAttempts(int attempts) {
        this.attempts = attempts;
    }

    public String getLeaseOwner() {
        return leaseOwner;
    }

    public void setLeaseOwner(String leaseOwner) {
        this.leaseOwner = leaseOwner;
    }

    public Long getLeaseUntil() {
        return leaseUntil;
    }

    public void setLeaseUntil(Long leaseUntil) {
        this.leaseUntil = leaseUntil;
    }

    public String getLastError() {
        return lastError;
    }

    public void setLastError(String lastError) {
        this.lastError = lastError;
    }

    /** The record part, as the rest of Act-As sees it. */
    public AuditRecord toRecord() {
        return new AuditRecord(id, time, realmId, realmName, type, outcome,
                AuditRecord.Party.of(actorId, actorUsername), AuditRecord.Party.of(targetId, targetUsername),
                targetGroup, AuditRecord.Party.of(endedById, endedByUsername), mode, grantName, reason, clientId,
                ipAddress, sessionId, tokenId, error);
    }

    /** A new row for a record with nothing to deliver. */
    public static AuditRecordEntity of(AuditRecord record) {
        return of(record, null, null, null);
    }

    /**
     * A new row for a record, pending for the given sinks and leased from the start by the node that
     * writes it (which delivers it right after commit); if that node dies, the lease runs out and the
     * record is due for any node.
     */
    public static AuditRecordEntity of(AuditRecord record, String pendingSinks, String leaseOwner, Long leaseUntil) {
        AuditRecordEntity e = new AuditRecordEntity();
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
        e.pendingSinks = pendingSinks;
        e.leaseOwner = leaseOwner;
        e.leaseUntil = leaseUntil;
        e.nextAttempt = leaseUntil;
        return e;
    }
}
