package io.github.actas.keycloak.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQueries;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

/**
 * One running node's delivery checkpoint (one row per node start): every record that node wrote with a
 * time before {@code safeBefore} has reached its sinks or is in the outbox. The node refreshes it every
 * heartbeat; a row whose heartbeat is older than the lease belongs to a node that died, and whichever
 * node deletes it first moves that node's later records to the outbox.
 */
@Entity
@Table(name = "ACT_AS_AUDIT_WRITER")
@NamedQueries({
        @NamedQuery(name = "actAsWriter.heartbeat",
                query = "update AuditWriterEntity w set w.heartbeat = :now, w.safeBefore = :safeBefore where w.writerId = :writerId"),
        @NamedQuery(name = "actAsWriter.silentSince",
                query = "select w from AuditWriterEntity w where w.heartbeat < :before and w.writerId <> :self"),
        // deleting exactly what was read decides which node takes a silent node's records over
        @NamedQuery(name = "actAsWriter.claim",
                query = "delete from AuditWriterEntity w where w.writerId = :writerId and w.heartbeat = :heartbeat"),
        @NamedQuery(name = "actAsWriter.retire",
                query = "delete from AuditWriterEntity w where w.writerId = :writerId")
})
public class AuditWriterEntity {

    @Id
    @Column(name = "WRITER_ID", length = 36)
    private String writerId;

    /** The node's host name, for log lines about a takeover. */
    @Column(name = "HOST", length = 255)
    private String host;

    @Column(name = "STARTED", nullable = false)
    private long started;

    @Column(name = "HEARTBEAT", nullable = false)
    private long heartbeat;

    @Column(name = "SAFE_BEFORE", nullable = false)
    private long safeBefore;

    public static AuditWriterEntity of(String writerId, String host, long now, long safeBefore) {
        AuditWriterEntity e = new AuditWriterEntity();
        e.writerId = writerId;
        e.host = host;
        e.started = now;
        e.heartbeat = now;
        e.safeBefore = safeBefore;
        return e;
    }

    public String getWriterId() {
        return writerId;
    }

    public String getHost() {
        return host;
    }

    public long getStarted() {
        return started;
    }

    public long getHeartbeat() {
        return heartbeat;
    }

    public long getSafeBefore() {
        return safeBefore;
    }
}
