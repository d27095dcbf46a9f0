package io.github.actas.keycloak.audit;

import java.util.Locale;

/**
 * The kinds of audit record, each with the outcome it always has. The wire name is the record's
 * {@code type} (CloudEvents type {@code io.github.actas.<type>}).
 */
public enum RecordType {
    /** An acting session started (impersonation or delegation); its first token was issued. */
    STARTED("impersonation.started", Outcome.ALLOWED),
    /** A request to act was refused. */
    DENIED("impersonation.denied", Outcome.DENIED),
    /** An acting session ended ({@link EndReason} says why). */
    ENDED("impersonation.ended", Outcome.ENDED),
    /** An administrator ended an acting session through Act-As's sessions API. */
    REVOKED("impersonation.revoked", Outcome.ENDED),
    /** A token was issued from a running session (a repeated exchange, a refresh, another client). */
    TOKEN_ISSUED("token.issued", Outcome.ALLOWED),
    /** The target of a grant with notifyTarget could not be told by email (the acting went ahead). */
    NOTIFICATION_FAILED("notification.failed", Outcome.FAILED),
    GRANT_CREATED("grant.created", Outcome.ALLOWED),
    GRANT_UPDATED("grant.updated", Outcome.ALLOWED),
    GRANT_DELETED("grant.deleted", Outcome.ALLOWED),
    SERVICE_ACCOUNT_CREATED("service-account.created", Outcome.ALLOWED),
    /** A service account's key was replaced; the old key is refused from then on. */
    SERVICE_ACCOUNT_ROTATED("service-account.rotated", Outcome.ALLOWED),
    /** A service account was revoked: its key fails and its tokens stop working. */
    SERVICE_ACCOUNT_REVOKED("service-account.revoked", Outcome.ENDED),
    /** A service account's key expires soon (its {@code reason} says when); its creator is told by e-mail. */
    SERVICE_ACCOUNT_EXPIRING("service-account.expiring", Outcome.ALLOWED),
    /** A service account's key expired: it fails from then on, like a revoked one. */
    SERVICE_ACCOUNT_EXPIRED("service-account.expired", Outcome.ENDED);

    /** What came of the step a record describes. */
    public enum Outcome {
        ALLOWED, DENIED, ENDED,
        /** Something around an allowed action failed (a notification that could not be sent). */
        FAILED;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final String wireName;
    private final Outcome outcome;

    RecordType(String wireName, Outcome outcome) {
        this.wireName = wireName;
        this.outcome = outcome;
    }

    public String wireName() {
        return wireName;
    }

    public Outcome outcome() {
        return outcome;
    }

    /** @return the type with this wire name, or null */
    public static RecordType fromWireName(String name) {
        for (RecordType type : values()) {
            if (type.wireName.equals(name)) {
                return type;
            }
        }
        return null;
    }
}
