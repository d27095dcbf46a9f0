package io.github.actas.keycloak.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQueries;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

/** How a sink has been doing, shared by all nodes: counters are updated with relative updates. */
@Entity
@Table(name = "ACT_AS_AUDIT_SINK_STATE")
@NamedQueries({
        @NamedQuery(name = "actAsAuditSink.succeeded",
                query = "update AuditSinkStateEntity s set s.delivered = s.delivered + :count, s.lastSuccess = :now,"
                        + " s.consecutiveFailures = 0 where s.sinkId = :sinkId"),
        @NamedQuery(name = "actAsAuditSink.failed",
                query = "update AuditSinkStateEntity s set s.failures = s.failures + :count, s.lastErrorTime = :now,"
                        + " s.lastError = :error, s.consecutiveFailures = s.consecutiveFailures + :count where s.sinkId = :sinkId"),
        @NamedQuery(name = "actAsAuditSink.dropped",
                query = "update AuditSinkStateEntity s set s.dropped = s.dropped + :count where s.sinkId = :sinkId")
})
public class AuditSinkStateEntity {

    @Id
    @Column(name = "SINK_ID", length = 36)
    private String sinkId;

    @Column(name = "REALM_ID", length = 36, nullable = false)
    private String realmId;

    @Column(name = "DELIVERED", nullable = false)
    private long delivered;

    @Column(name = "FAILURES", nullable = false)
    private long failures;

    @Column(name = "CONSECUTIVE_FAILURES", nullable = false)
    private long consecutiveFailures;

    @Column(name = "DROPPED", nullable = false)
    private long dropped;

    @Column(name = "LAST_SUCCESS")
    private Long lastSuccess;

    @Column(name = "LAST_ERROR_TIME")
    private Long lastErrorTime;

    @Column(name = "LAST_ERROR", length = 1000)
    private String lastError;

    /** For JPA. */
    protected AuditSinkStateEntity() {
    }

    /** A sink's state row, with every counter at zero. */
    public AuditSinkStateEntity(String sinkId, String realmId) {
        this.sinkId = sinkId;
        this.realmId = realmId;
    }

    public String getRealmId() {
        return realmId;
    }

    public long getDelivered() {
        return delivered;
    }

    public long getFailures() {
        return failures;
    }

    public long getConsecutiveFailures() {
        return consecutiveFailures;
    }

    public long getDropped() {
        return dropped;
    }

    public Long getLastSuccess() {
        return lastSuccess;
    }

    public Long getLastErrorTime() {
        return lastErrorTime;
    }

    public String getLastError() {
        return lastError;
    }
}
