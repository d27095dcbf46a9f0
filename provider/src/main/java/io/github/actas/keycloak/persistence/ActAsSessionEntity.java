package io.github.actas.keycloak.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQueries;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

/**
 * Index of a realm's Act-As sessions, so they can be listed and ended without scanning users or
 * sessions. The Keycloak user session (same id) stays the source of truth for validity.
 */
@Entity
@Table(name = "ACT_AS_SESSION")
@NamedQueries({
        @NamedQuery(name = "actAsSessions.expired",
                query = "select s from ActAsSessionEntity s where s.expires <= :now order by s.expires"),
        @NamedQuery(name = "actAsSessions.delegatedFrom",
                query = "select s from ActAsSessionEntity s where s.parentId = :parentId"),
        @NamedQuery(name = "actAsSessions.claim",
                query = "delete from ActAsSessionEntity s where s.id = :id"),
        @NamedQuery(name = "actAsSessions.deleteRealm",
                query = "delete from ActAsSessionEntity s where s.realmId = :realmId")
})
public class ActAsSessionEntity {

    @Id
    @Column(name = "ID", length = 36)
    private String id;

    @Column(name = "REALM_ID", length = 36, nullable = false)
    private String realmId;

    @Column(name = "ACT_MODE", length = 16, nullable = false)
    private String mode;

    @Column(name = "ACTOR_ID", length = 36, nullable = false)
    private String actorId;

    @Column(name = "ACTOR_USERNAME", length = 255)
    private String actorUsername;

    @Column(name = "TARGET_ID", length = 36, nullable = false)
    private String targetId;

    @Column(name = "TARGET_USERNAME", length = 255)
    private String targetUsername;

    @Column(name = "GRANT_ID", length = 36)
    private String grantId;

    @Column(name = "GRANT_NAME", length = 100)
    private String grantName;

    @Column(name = "CLIENT_ID", length = 255)
    private String clientId;

    @Column(name = "REASON", length = 500)
    private String reason;

    @Column(name = "STARTED", nullable = false)
    private long started;

    @Column(name = "EXPIRES", nullable = false)
    private long expires;

    @Column(name = "PARENT_ID", length = 36)
    private String parentId;

    @Column(name = "GROUP_ID", length = 36)
    private String groupId;

    @Column(name = "GROUP_PATH", length = 1000)
    private String groupPath;

    protected ActAsSessionEntity() {
        // for JPA
    }

    /** A running session's row, written in the transaction that starts it. */
    public ActAsSessionEntity(String id, String realmId, String mode, String actorId, String actorUsername, String targetId,
                              String targetUsername, String grantId, String grantName, String clientId, String reason,
                              long started, long expires, String parentId, String groupId, String groupPath) {
        this.id = id;
        this.realmId = realmId;
        this.mode = mode;
        this.actorId = actorId;
        this.actorUsername = actorUsername;
        this.targetId = targetId;
        this.targetUsername = targetUsername;
        this.grantId = grantId;
        this.grantName = grantName;
        this.clientId = clientId;
        this.reason = reason;
        this.started = started;
        this.expires = expires;
        this.parentId = parentId;
        this.groupId = groupId;
        this.groupPath = groupPath;
    }

    public String getId() {
        return id;
    }

    public String getRealmId() {
        return realmId;
    }

    public String getMode() {
        return mode;
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

    public String getGrantName() {
        return grantName;
    }

    public String getClientId() {
        return clientId;
    }

    public String getReason() {
        return reason;
    }

    public long getStarted() {
        return started;
    }

    public long getExpires() {
        return expires;
    }

    public String getParentId() {
        return parentId;
    }

    /** @return in group mode, the group acted as (the target is then its principal), else null */
    public String getGroupId() {
        return groupId;
    }

    public String getGroupPath() {
        return groupPath;
    }

    /** The only change a row sees: its hard end moves earlier (a grant was shortened). */
    public void setExpires(long expires) {
        this.expires = expires;
    }
}
