package io.github.actas.keycloak.session;

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
        @NamedQuery(name = "actAsSessions.active",
                query = "select s from ActAsSessionEntity s where s.realmId = :realmId and s.expires > :now order by s.started desc"),
        @NamedQuery(name = "actAsSessions.activeOfActor",
                query = "select s from ActAsSessionEntity s where s.realmId = :realmId and s.actorId = :actorId and s.expires > :now order by s.started desc"),
        @NamedQuery(name = "actAsSessions.activeOfTarget",
                query = "select s from ActAsSessionEntity s where s.realmId = :realmId and s.targetId = :targetId and s.expires > :now order by s.started desc"),
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

    public String getMode() {
        return mode;
    }

    public void setMode(String mode) {
        this.mode = mode;
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

    public String getGrantId() {
        return grantId;
    }

    public void setGrantId(String grantId) {
        this.grantId = grantId;
    }

    public String getGrantName() {
        return grantName;
    }

    public void setGrantName(String grantName) {
        this.grantName = grantName;
    }

    public String getClientId() {
        return clientId;
    }

    public void setClientId(String clientId) {
        this.clientId = clientId;
    }

    public String getReason() {
        return reason;
    }

    public void setReason(String reason) {
        this.reason = reason;
    }

    public long getStarted() {
        return started;
    }

    public void setStarted(long started) {
        this.started = started;
    }

    public long getExpires() {
        return expires;
    }

    public void setExpires(long expires) {
        this.expires = expires;
    }

    public String getParentId() {
        return parentId;
    }

    public void setParentId(String parentId) {
        this.parentId = parentId;
    }
}
