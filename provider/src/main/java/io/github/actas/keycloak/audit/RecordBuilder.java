package io.github.actas.keycloak.audit;

import org.keycloak.models.RealmModel;

/** A record's facts as a step gives them; {@link #build} adds what the emitter knows (id, time, realm, address). */
final class RecordBuilder {

    private final RecordType type;
    private AuditRecord.Party initiatingUser;
    private AuditRecord.Party effectiveUser;
    private AuditRecord.Group effectiveGroup;
    private AuditRecord.Party endedBy;
    private String mode;
    private String grant;
    private String reason;
    private String client;
    private String sessionId;
    private String tokenId;
    private EndReason endReason;
    private String error;

    RecordBuilder(RecordType type) {
        this.type = type;
    }

    RecordBuilder initiatingUser(String id, String username) {
        initiatingUser = AuditRecord.Party.of(id, username);
        return this;
    }

    RecordBuilder effectiveUser(String id, String username) {
        effectiveUser = AuditRecord.Party.of(id, username);
        return this;
    }

    /** In group mode: the group acted as, which the record names instead of a user. */
    RecordBuilder effectiveGroup(AuditRecord.Group group) {
        effectiveGroup = group;
        if (effectiveGroup != null) {
            effectiveUser = null;
        }
        return this;
    }

    RecordBuilder endedBy(String id, String username) {
        endedBy = AuditRecord.Party.of(id, username);
        return this;
    }

    RecordBuilder mode(String value) {
        mode = value;
        return this;
    }

    RecordBuilder grant(String value) {
        grant = value;
        return this;
    }

    RecordBuilder reason(String value) {
        reason = value;
        return this;
    }

    RecordBuilder client(String value) {
        client = value;
        return this;
    }

    RecordBuilder sessionId(String value) {
        sessionId = value;
        return this;
    }

    RecordBuilder tokenId(String value) {
        tokenId = value;
        return this;
    }

    RecordBuilder endReason(EndReason value) {
        endReason = value;
        return this;
    }

    RecordBuilder error(String value) {
        error = value;
        return this;
    }

    AuditRecord build(String id, long time, RealmModel realm, String ipAddress) {
        return new AuditRecord(id, time, realm.getId(), realm.getName(), type, initiatingUser, effectiveUser,
                effectiveGroup, endedBy, mode, grant, reason, client, ipAddress, sessionId, tokenId, endReason, error);
    }
}
