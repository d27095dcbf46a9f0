package io.github.actas.keycloak.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQueries;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

/**
 * A record still to deliver that its writing node could not simply send: a failed attempt waiting for its
 * retry, a sink disabled meanwhile, a backlog too large to hold, or a node that stopped or died first. One
 * narrow row per record, deleted once every sink has it. A record that reaches its sinks at once never
 * gets one: its row in {@link AuditRecordEntity} and its node's checkpoint are enough to find it again.
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
        @NamedQuery(name = "actAsOutbox.byIds",
                query = "select o from AuditOutboxEntity o where o.recordId in :ids"),
        @NamedQuery(name = "actAsOutbox.done",
                query = "delete from AuditOutboxEntity o where o.recordId in :ids"),
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

    /** A record waiting for the given sinks, due at {@code nextAttempt}, not leased to anyone. */
    public static AuditOutboxEntity of(String recordId, String realmId, long recordTime, String pendingSinks, long nextAttempt) {
        AuditOutboxEntity e = new AuditOutboxEntity();
        e.recordId = recordId;
        e.realmId = realmId;
        e.recordTime = recordTime;
        e.pendingSinks = pendingSinks;
        e.nextAttempt = nextAttempt;
        return e;
    }

    public String getRecordId() {
        return recordId;
    }

    public String getRealmId() {
        return realmId;
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

    public void setLeaseOwner(String leaseOwner) {
        this.leaseOwner = leaseOwner;
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
