package io.github.actas.keycloak.policy;

/**
 * How long acting under a grant may last, as the grant says today: at most {@code seconds} from its
 * start and never past the grant's {@code notAfter}. A running session re-checked against a grant
 * that has since been shortened ends at the earlier of its own end and {@link #endFor}.
 *
 * @param seconds         the grant's duration (the server's default and cap applied)
 * @param notAfterSeconds the grant's notAfter in epoch seconds, or {@link Long#MAX_VALUE}
 */
public record SessionLimit(int seconds, long notAfterSeconds) {

    /** @return the latest end, in epoch seconds, of a session that started at {@code startedSeconds} */
    public long endFor(long startedSeconds) {
        return Math.min(startedSeconds + seconds, notAfterSeconds);
    }
}
