package io.github.actas.keycloak.audit;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQueries;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

/**
 * What is still to deliver: one narrow row per record that has sinks to reach, written in the record's
 * transaction and deleted once every sink has it. The record row itself is written once and never
 * updated: on PostgreSQL an update of an indexed column rewrites the row and every index entry, which
 * made marking a wide, five-index record delivered cost as much as storing it.
 */
@Entity
@Table(name = "ACT_AS_AUDIT_OUTBOX")
@NamedQueries({
        @NamedQuery(name = "actAsOutbox.due",
                // A lease moves nextAttempt to the lease's end, so "due" is a plain range on the NEXT_ATTEMPT
                // index: leased rows are not due, and become due again by themselves if their node dies.
                query = "select o.recordId from AuditOutboxEntity o where o.nextAttempt <= :now order by o.nextAttempt"),
        @NamedQuery(name = "actAsOutbox.lease",
                query = "update AuditOutboxEntity o set o.leaseOwner = :owner, o.leaseUntil = :until, o.nextAttempt = :until"
                        + " where o.recordId in :ids and o.nextAttempt <= :now"),
        @NamedQuery(name = "actAsOutbox.leased",
                query = "select o from AuditOutboxEntity o where o.recordId in :ids and o.leaseOwner = :owner"),
        @NamedQuery(name = "actAsOutbox.done",
                query = "delete from AuditOutboxEntity o where o.recordId in :ids"),
        @NamedQuery(name = "actAsOutbox.release",
                query = "update AuditOutboxEntity o set o.nextAttempt = :now, o.leaseOwner = null, o.leaseUntil = null"
                        + " where o.recordId in :ids and o.leaseOwner = :owner"),
        @NamedQuery(name = "actAsOutbox.resume",
                query = "update AuditOutboxEntity o set o.nextAttempt = :now where o.pendingSinks like :pattern"
                        + " and (o.leaseUntil is null or o.leaseUntil < :now)"),
        @NamedQuery(name = "actAsOutbox.pendingForSink",
                query = "select count(o) from AuditOutboxEntity o where o.pendingSinks like :pattern"),
        @NamedQuery(name = "actAsOutbox.pendingOfSink",
                query = "select o from AuditOutboxEntity o where o.pendingSinks like :pattern and o.recordTime < :before")
})
public class AuditOutboxEntity {

    @Id
    @Column(name = "RECORD_ID", length = 36)
    private String recordId;

    @Column(name = "REALM_ID", length = 36, nullable = false)
    private String realmId;

    @Column(name = "RECORD_TIME", nullable = false)
    private long recordTime;

    /** Comma-separated ids of the sinks still to reach. */
    @Column(name = "PENDING_SINKS", length = 1000, nullable = false)
    private String pendingSinks;

    /** When the next delivery attempt is due (epoch ms); while leased, the lease's end. */
    @Column(name = "NEXT_ATTEMPT", nullable = false)
    private long nextAttempt;

    @Column(name = "ATTEMPTS", nullable = false)
    private int attempts;

    @Column(name = "LEASE_OWNER", length = 36)
    private String leaseOwner;

    @Column(name = "LEASE_UNTIL")
    private Long leaseUntil;

    @Column(name = "LAST_ERROR", length = 1000)
    private String lastError;

    /**
     * A record pending for the given sinks, leased from the start by the node that writes it (which delivers
     * it right after commit); if that node dies, the lease runs out and the record is due for any node.
     */
    static AuditOutboxEntity of(AuditRecord record, String pendingSinks, String leaseOwner, long leaseUntil) {
        AuditOutboxEntity e = new AuditOutboxEntity();
        e.recordId = record.id();
        e.realmId = record.realmId();
        e.recordTime = record.time();
        e.pendingSinks = pendingSinks;
        e.leaseOwner = leaseOwner;
        e.leaseUntil = leaseUntil;
        e.nextAttempt = leaseUntil;
        return e;
    }

    public String getRecordId() {
        return recordId;
    }

    public String getRealmId() {
        return realmId;
    }

    public long getRecordTime() {
        return recordTime;
    }

    public String getPendingSinks() {
        return pendingSinks;
    }

    public void setPendingSinks(String pendingSinks) {
        this.pendingSinks = pendingSinks;
    }

    public long getNextAttempt() {
        return nextAttempt;
    }

    public void setNextAttempt(long nextAttempt) {
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
}
