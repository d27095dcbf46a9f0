package io.github.actas.keycloak.audit;

import io.github.actas.keycloak.policy.Mode;

/** Audit records for unit tests, field by field (in the server only the emitter makes records). */
public final class TestRecord {

    private final RecordType type;
    private String id;
    private long time;
    private String realmId;
    private String realmName;
    private AuditRecord.Party initiatingUser;
    private AuditRecord.Party effectiveUser;
    private AuditRecord.Group effectiveGroup;
    private AuditRecord.Party endedBy;
    private String mode;
    private String grant;
    private String reason;
    private String client;
    private String ipAddress;
    private String sessionId;
    private String tokenId;
    private EndReason endReason;
    private String error;

    private TestRecord(RecordType type) {
        this.type = type;
    }

    public static TestRecord of(RecordType type) {
        return new TestRecord(type);
    }

    public TestRecord id(String value) {
        id = value;
        return this;
    }

    public TestRecord time(long value) {
        time = value;
        return this;
    }

    public TestRecord realm(String id, String name) {
        realmId = id;
        realmName = name;
        return this;
    }

    public TestRecord initiatingUser(String id, String username) {
        initiatingUser = AuditRecord.Party.of(id, username);
        return this;
    }

    public TestRecord effectiveUser(String id, String username) {
        effectiveUser = AuditRecord.Party.of(id, username);
        return this;
    }

    public TestRecord effectiveGroup(String id, String path) {
        effectiveGroup = new AuditRecord.Group(id, path);
        return this;
    }

    public TestRecord endedBy(String id, String username) {
        endedBy = AuditRecord.Party.of(id, username);
        return this;
    }

    public TestRecord mode(Mode value) {
        mode = value.wireName();
        return this;
    }

    public TestRecord grant(String value) {
        grant = value;
        return this;
    }

    public TestRecord reason(String value) {
        reason = value;
        return this;
    }

    public TestRecord client(String value) {
        client = value;
        return this;
    }

    public TestRecord ipAddress(String value) {
        ipAddress = value;
        return this;
    }

    public TestRecord sessionId(String value) {
        sessionId = value;
        return this;
    }

    public TestRecord tokenId(String value) {
        tokenId = value;
        return this;
    }

    public TestRecord endReason(EndReason value) {
        endReason = value;
        return this;
    }

    public TestRecord error(String value) {
        error = value;
        return this;
    }

    public AuditRecord build() {
        return new AuditRecord(id, time, realmId, realmName, type, initiatingUser, effectiveUser, effectiveGroup, endedBy,
                mode, grant, reason, client, ipAddress, sessionId, tokenId, endReason, error);
    }
}
