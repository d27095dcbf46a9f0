package io.github.actas.keycloak.persistence;

import java.util.List;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQueries;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

/**
 * An Act-As service account of a realm: who it is, where it may act, and the hash of its current key (the
 * key itself is shown once and never stored). A row is changed only by rotation (a new hash), use (last used,
 * at most once a minute; the session its tokens come from) and revocation.
 */
@Entity
@Table(name = "ACT_AS_SERVICE_ACCOUNT")
@NamedQueries({
        @NamedQuery(name = "actAsServiceAccounts.ofRealm",
                query = "select a from ServiceAccountEntity a where a.realmId = :realmId order by a.name"),
        @NamedQuery(name = "actAsServiceAccounts.byName",
                query = "select a from ServiceAccountEntity a where a.realmId = :realmId and a.name = :name"),
        @NamedQuery(name = "actAsServiceAccounts.byKeyHash",
                query = "select a from ServiceAccountEntity a where a.keyHash = :keyHash"),
        @NamedQuery(name = "actAsServiceAccounts.deleteRealm",
                query = "delete from ServiceAccountEntity a where a.realmId = :realmId"),
        @NamedQuery(name = "actAsServiceAccounts.expiryDue",
                query = "select a from ServiceAccountEntity a where a.revoked = 0 and (a.expiryNotice = 0 and a.expires <= :warnFrom"
                        + " or a.expiryNotice < 2 and a.expires <= :now) order by a.expires"),
        @NamedQuery(name = "actAsServiceAccounts.claimExpiryNotice",
                query = "update ServiceAccountEntity a set a.expiryNotice = :notice where a.id = :id and a.expiryNotice < :notice")
})
public class ServiceAccountEntity {

    @Id
    @Column(name = "ID", length = 36)
    private String id;

    @Column(name = "REALM_ID", length = 36, nullable = false)
    private String realmId;

    @Column(name = "NAME", length = 64, nullable = false)
    private String name;

    @Column(name = "DESCRIPTION", length = 1000)
    private String description;

    @Column(name = "NAMESPACE_ID", length = 36)
    private String namespaceId;

    @Column(name = "ACTS_AS_TYPE", length = 8)
    private String actsAsType;

    @Column(name = "ACTS_AS_ID", length = 36)
    private String actsAsId;

    @Column(name = "CLIENTS", length = 2000, nullable = false)
    private String clients;

    @Column(name = "KEY_HASH", length = 64, nullable = false)
    private String keyHash;

    @Column(name = "CREATED", nullable = false)
    private long created;

    @Column(name = "CREATED_BY_ID", length = 36)
    private String createdById;

    @Column(name = "CREATED_BY_USERNAME", length = 255)
    private String createdByUsername;

    @Column(name = "EXPIRES", nullable = false)
    private long expires;

    @Column(name = "LAST_USED", nullable = false)
    private long lastUsed;

    @Column(name = "ROTATED", nullable = false)
    private long rotated;

    @Column(name = "REVOKED", nullable = false)
    private long revoked;

    @Column(name = "SESSION_ID", length = 36)
    private String sessionId;

    @Column(name = "EXPIRY_NOTICE", nullable = false)
    private int expiryNotice;

    protected ServiceAccountEntity() {
        // for JPA
    }

    /**
     * @param actsAsType {@code user}, {@code group} or null (the account acts as its own principal)
     * @param clients    the client ids that may use the key, comma-separated
     */
    public ServiceAccountEntity(String id, String realmId, String name, String description, String namespaceId,
                                String actsAsType, String actsAsId, String clients, String keyHash, long created,
                                String createdById, String createdByUsername, long expires) {
        this.id = id;
        this.realmId = realmId;
        this.name = name;
        this.description = description;
        this.namespaceId = namespaceId;
        this.actsAsType = actsAsType;
        this.actsAsId = actsAsId;
        this.clients = clients;
        this.keyHash = keyHash;
        this.created = created;
        this.createdById = createdById;
        this.createdByUsername = createdByUsername;
        this.expires = expires;
    }

    public String getId() {
        return id;
    }

    public String getRealmId() {
        return realmId;
    }

    public String getName() {
        return name;
    }

    public String getDescription() {
        return description;
    }

    public String getNamespaceId() {
        return namespaceId;
    }

    public String getActsAsType() {
        return actsAsType;
    }

    public String getActsAsId() {
        return actsAsId;
    }

    public String getClients() {
        return clients;
    }

    /** The client ids that may use the key. */
    public List<String> clientIds() {
        return List.of(clients.split(","));
    }

    public String getKeyHash() {
        return keyHash;
    }

    public long getCreated() {
        return created;
    }

    public String getCreatedById() {
        return createdById;
    }

    public String getCreatedByUsername() {
        return createdByUsername;
    }

    public long getExpires() {
        return expires;
    }

    public long getLastUsed() {
        return lastUsed;
    }

    public long getRotated() {
        return rotated;
    }

    public long getRevoked() {
        return revoked;
    }

    /** A new key replaces the old one, which is refused from this moment. */
    public void rotate(String newKeyHash, long now) {
        this.keyHash = newKeyHash;
        this.rotated = now;
    }

    public void revoke(long now) {
        this.revoked = now;
    }

    public void used(long now) {
        this.lastUsed = now;
    }

    /** Expiry notices an account can have had, in order: none, "expires soon", "expired". */
    public static final int NO_NOTICE = 0;
    public static final int EXPIRING_NOTICE = 1;
    public static final int EXPIRED_NOTICE = 2;

    /** @return the last expiry notice recorded for the account ({@link #NO_NOTICE} and so on) */
    public int getExpiryNotice() {
        return expiryNotice;
    }

    /** @return the user session the key's tokens come from (reused while it lives), or null */
    public String getSessionId() {
        return sessionId;
    }

    public void setSessionId(String sessionId) {
        this.sessionId = sessionId;
    }
}
