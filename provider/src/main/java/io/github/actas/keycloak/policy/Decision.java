package io.github.actas.keycloak.policy;

import java.util.List;

/**
 * The answer to an {@link ActAsRequest}. When allowed it carries the grant that allowed it, the
 * resolved target and the effective duration; when refused, a {@link Denial}. {@link #reasons()} is
 * filled only when the decision was explained (admin explain, audit); doors get it empty and cheap.
 */
public final class Decision {

    private final boolean allowed;
    private final Denial denial;
    private final Grant grant;
    private final Grant pendingGrant;
    private final Principal target;
    private final GroupPrincipal group;
    private final int durationSeconds;
    private final SessionLimit sessionLimit;
    private final List<String> reasons;

    private Decision(boolean allowed, Denial denial, Grant grant, Grant pendingGrant, Principal target,
                     GroupPrincipal group, int durationSeconds, SessionLimit sessionLimit, List<String> reasons) {
        this.allowed = allowed;
        this.denial = denial;
        this.grant = grant;
        this.pendingGrant = pendingGrant;
        this.target = target;
        this.group = group;
        this.durationSeconds = durationSeconds;
        this.sessionLimit = sessionLimit;
        this.reasons = reasons == null ? List.of() : List.copyOf(reasons);
    }

    static Decision allow(Grant grant, Principal target, GroupPrincipal group, int durationSeconds,
                          SessionLimit sessionLimit, List<String> reasons) {
        return new Decision(true, null, grant, null, target, group, durationSeconds, sessionLimit, reasons);
    }

    static Decision deny(Denial denial, Principal target, GroupPrincipal group, List<String> reasons) {
        return new Decision(false, denial, null, null, target, group, 0, null, reasons);
    }

    /** Refused only for a condition the actor can still meet (reason, step-up) under {@code grant}. */
    static Decision pending(Denial denial, Grant grant, Principal target, GroupPrincipal group, int durationSeconds,
                            List<String> reasons) {
        return new Decision(false, denial, null, grant, target, group, durationSeconds, null, reasons);
    }

    public boolean allowed() {
        return allowed;
    }

    /** @return why it was refused, or null when allowed */
    public Denial denial() {
        return denial;
    }

    /** @return the grant that allowed the request, or null */
    public Grant grant() {
        return grant;
    }

    /**
     * @return when refused only because a reason or a stronger authentication is missing, the first grant
     *         that would then allow it (the browser door asks for what it needs); otherwise null
     */
    public Grant pendingGrant() {
        return pendingGrant;
    }

    /** @return the resolved target user (when it was looked up), or null */
    public Principal target() {
        return target;
    }

    /** @return the resolved target group (group mode), or null */
    public GroupPrincipal group() {
        return group;
    }

    /** @return how long the acting may last, in seconds (when refused, what the pending grant would give, or 0) */
    public int durationSeconds() {
        return durationSeconds;
    }

    /** @return when allowed, how long acting under the grant may last as the grant says now; else null */
    public SessionLimit sessionLimit() {
        return sessionLimit;
    }

    public List<String> reasons() {
        return reasons;
    }

    @Override
    public String toString() {
        return allowed ? "allowed by " + grant.name() : "denied (" + denial + ")";
    }
}
