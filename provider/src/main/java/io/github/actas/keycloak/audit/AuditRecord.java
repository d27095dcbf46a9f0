package io.github.actas.keycloak.audit;

import io.github.actas.keycloak.policy.Mode;

/**
 * One audit record, the contract of DESIGN.md "Audit": who (initiating user) acted as whom (effective
 * user or group), how, under which grant, why, through which client, and with what outcome. Immutable;
 * build with {@link #builder}.
 *
 * @param id    stable unique id: sinks receive it with every delivery attempt, for de-duplication
 * @param time  epoch milliseconds
 */
public record AuditRecord(String id, long time, String realmId, String realmName, String type, String outcome,
                          Party initiatingUser, Party effectiveUser, String effectiveGroup, Party endedBy,
                          String mode, String grant, String reason, String client, String ipAddress,
                          String sessionId, String tokenId, String error) {

    public static final String ALLOWED = "allowed";
    public static final String DENIED = "denied";
    public static final String ENDED = "ended";
    /** Something around an allowed action failed (a notification that could not be sent). */
    public static final String FAILED = "failed";

    /** A user, by id and username (either may be unknown). */
    public record Party(String id, String username) {

        public static Party of(String id, String username) {
            return id == null && username == null ? null : new Party(id, username);
        }

        /** The username if known, else the id. */
        public String display() {
            return username != null ? username : id;
        }
    }

    public static Builder builder(String type, String outcome) {
        return new Builder(type, outcome);
    }

    public static final class Builder {
        private final String type;
        private final String outcome;
        private String id;
        private long time;
        private String realmId;
        private String realmName;
        private Party initiatingUser;
        private Party effectiveUser;
        private String effectiveGroup;
        private Party endedBy;
        private String mode;
        private String grant;
        private String reason;
        private String client;
        private String ipAddress;
        private String sessionId;
        private String tokenId;
        private String error;

        private Builder(String type, String outcome) {
            this.type = type;
            this.outcome = outcome;
        }

        public Builder id(String value) {
            id = value;
            return this;
        }

        public Builder time(long value) {
            time = value;
            return this;
        }

        public Builder realm(String id, String name) {
            realmId = id;
            realmName = name;
            return this;
        }

        public Builder initiatingUser(String userId, String username) {
            initiatingUser = Party.of(userId, username);
            return this;
        }

        public Builder effectiveUser(String userId, String username) {
            effectiveUser = Party.of(userId, username);
            return this;
        }

        public Builder effectiveGroup(String value) {
            effectiveGroup = value;
            return this;
        }

        public Builder endedBy(String userId, String username) {
            endedBy = Party.of(userId, username);
            return this;
        }

        public Builder mode(Mode value) {
            mode = value == null ? null : value.wireName();
            return this;
        }

        public Builder mode(String value) {
            mode = value;
            return this;
        }

        public Builder grant(String value) {
            grant = value;
            return this;
        }

        public Builder reason(String value) {
            reason = value;
            return this;
        }

        public Builder client(String value) {
            client = value;
            return this;
        }

        public Builder ipAddress(String value) {
            ipAddress = value;
            return this;
        }

        public Builder sessionId(String value) {
            sessionId = value;
            return this;
        }

        public Builder tokenId(String value) {
            tokenId = value;
            return this;
        }

        public Builder error(String value) {
            error = value;
            return this;
        }

        public AuditRecord build() {
            return new AuditRecord(id, time, realmId, realmName, type, outcome, initiatingUser, effectiveUser,
                    effectiveGroup, endedBy, mode, grant, reason, client, ipAddress, sessionId, tokenId, error);
        }
    }
}
