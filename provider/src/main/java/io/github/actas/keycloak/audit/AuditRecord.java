package io.github.actas.keycloak.audit;

/**
 * One audit record, the contract of DESIGN.md "Audit": who (initiating user) acted as whom (effective
 * user or group), how, under which grant, why, through which client, and with what outcome. Immutable.
 * Only the emitter ({@link ActAsAuditProvider}) makes new ones; stored ones are read back as they are.
 *
 * @param id        stable unique id: sinks receive it with every delivery attempt, for de-duplication
 * @param time      epoch milliseconds
 * @param endReason why an acting session ended (ended and revoked records), else null
 * @param error     why a request was refused, or what failed (denied and failed records), else null
 */
public record AuditRecord(String id, long time, String realmId, String realmName, RecordType type,
                          Party initiatingUser, Party effectiveUser, Group effectiveGroup, Party endedBy,
                          String mode, String grant, String reason, String client, String ipAddress,
                          String sessionId, String tokenId, EndReason endReason, String error) {

    /** A user, by id and username (either may be unknown). */
    /** The group acted as in group mode: its id, and its path at the time. */
    public record Group(String id, String path) {

        public static Group of(String id, String path) {
            return path == null ? null : new Group(id, path);
        }

        /** How log lines name it: {@code group:/customers/eu}. */
        public String display() {
            return "group:" + path;
        }
    }

    public record Party(String id, String username) {

        public static Party of(String id, String username) {
            return id == null && username == null ? null : new Party(id, username);
        }

        /** The username if known, else the id. */
        public String display() {
            return username != null ? username : id;
        }
    }

    public RecordType.Outcome outcome() {
        return type.outcome();
    }
}
