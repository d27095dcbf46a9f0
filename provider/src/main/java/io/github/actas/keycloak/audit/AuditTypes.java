package io.github.actas.keycloak.audit;

import java.util.List;

/** The record types Act-As emits (the {@code type} of a record; CloudEvents type {@code io.github.actas.<type>}). */
public final class AuditTypes {

    /** An Act-As session started (impersonation or delegation); its first token was issued. */
    public static final String STARTED = "impersonation.started";
    /** A request to act was refused. */
    public static final String DENIED = "impersonation.denied";
    /** A session ended by itself: its hard end passed, or the policy no longer allowed it at a refresh, or logout. */
    public static final String ENDED = "impersonation.ended";
    /** An administrator ended a session. */
    public static final String REVOKED = "impersonation.revoked";
    /** A token was issued from a running session (a repeated exchange, a refresh). */
    public static final String TOKEN_ISSUED = "token.issued";
    /** The target of a grant with notifyTarget could not be told by email (the acting went ahead). */
    public static final String NOTIFICATION_FAILED = "notification.failed";
    public static final String GRANT_CREATED = "grant.created";
    public static final String GRANT_UPDATED = "grant.updated";
    public static final String GRANT_DELETED = "grant.deleted";

    public static final List<String> ALL = List.of(STARTED, DENIED, ENDED, REVOKED, TOKEN_ISSUED,
            NOTIFICATION_FAILED, GRANT_CREATED, GRANT_UPDATED, GRANT_DELETED);

    private AuditTypes() {
    }
}
