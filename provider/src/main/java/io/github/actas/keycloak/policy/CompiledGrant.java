package io.github.actas.keycloak.policy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import com.google.re2j.Pattern;

/** One grant turned into lookup structures once, so evaluating it allocates nothing on the door path. */
final class CompiledGrant {

    /** Failure bits of {@link #evaluate}: anything but reason and acr is "structural". */
    static final int STRUCTURAL = 1;
    static final int REASON = 2;
    static final int ACR = 4;
    static final int AUDIENCE = 8;

    private enum Coverage { COVERED, NOT_COVERED, EXCLUDED, SERVICE_ACCOUNT_NOT_NAMED }

    final Grant grant;
    private final String label;
    private final int modeMask;
    private final boolean anyClient;
    private final Set<String> clients;
    private final long notBeforeMillis;
    private final long notAfterMillis;
    private final Set<String> targetUsers;
    private final Glob[] targetGlobs;
    private final Set<String> targetGroups;
    private final Set<String> targetRoles;
    private final Set<String> excludeUsers;
    private final Glob[] excludeGlobs;
    private final Set<String> excludeGroups;
    private final Set<String> excludeRoles;
    private final Pattern reasonPattern;
    private final int durationSeconds;
    private final SessionLimit sessionLimit;

    CompiledGrant(Grant grant, PolicySettings settings) {
        this.grant = grant;
        this.label = "grant '" + grant.name() + "': ";
        int mask = 0;
        for (Mode mode : grant.modes()) {
            mask |= mode.bit();
        }
        this.modeMask = mask;
        this.anyClient = grant.clients().contains(Grant.ANY_CLIENT);
        this.clients = Set.copyOf(grant.clients());
        this.notBeforeMillis = grant.notBefore() == null ? Long.MIN_VALUE : grant.notBefore().toEpochMilli();
        this.notAfterMillis = grant.notAfter() == null ? Long.MAX_VALUE : grant.notAfter().toEpochMilli();
        this.targetUsers = exactNames(grant.targets().users());
        this.targetGlobs = globs(grant.targets().users());
        this.targetGroups = Set.copyOf(grant.targets().groups());
        this.targetRoles = Set.copyOf(grant.targets().roles());
        this.excludeUsers = exactNames(grant.excluded().users());
        this.excludeGlobs = globs(grant.excluded().users());
        this.excludeGroups = Set.copyOf(grant.excluded().groups());
        this.excludeRoles = Set.copyOf(grant.excluded().roles());
        this.reasonPattern = grant.reasonPattern() == null ? null : Pattern.compile(grant.reasonPattern());
        this.durationSeconds = settings.effectiveDuration(grant.maxDurationSeconds());
        this.sessionLimit = new SessionLimit(durationSeconds,
                notAfterMillis == Long.MAX_VALUE ? Long.MAX_VALUE : Math.floorDiv(notAfterMillis, 1000));
    }

    /**
     * @param reasons null on the door path: stop at the first failure and build no strings
     * @return 0 when the grant allows the request, else a set of failure bits
     */
    int evaluate(ActAsRequest request, Principal actor, Principal target, GroupPrincipal group,
                 Directory directory, long now, List<String> reasons) {
        int failures = 0;

        if ((modeMask & request.mode().bit()) == 0) {
            if (reasons == null) {
                return STRUCTURAL;
            }
            failures |= STRUCTURAL;
            reasons.add(label + "mode '" + request.mode() + "' is not allowed (it allows " + modesText() + ")");
        }
        if (now < notBeforeMillis || now >= notAfterMillis) {
            if (reasons == null) {
                return STRUCTURAL;
            }
            failures |= STRUCTURAL;
            reasons.add(label + (now < notBeforeMillis
                    ? "not valid before " + grant.notBefore()
                    : "expired at " + grant.notAfter()));
        }
        if (!anyClient && (request.client() == null || !clients.contains(request.client()))) {
            if (reasons == null) {
                return STRUCTURAL;
            }
            failures |= STRUCTURAL;
            reasons.add(label + (request.client() == null
                    ? "no client given, and the grant is limited to clients " + new TreeSet<>(clients)
                    : "client '" + request.client() + "' is not among its clients " + new TreeSet<>(clients)));
        }

        Coverage coverage = target != null ? coversUser(target) : coversGroup(group);
        if (coverage != Coverage.COVERED) {
            if (reasons == null) {
                return STRUCTURAL;
            }
            failures |= STRUCTURAL;
            String name = request.targetName();
            switch (coverage) {
                case EXCLUDED:
                    reasons.add(label + "'" + name + "' is excluded");
                    break;
                case SERVICE_ACCOUNT_NOT_NAMED:
                    reasons.add(label + "'" + name + "' is a service account; it must be named exactly in targets.users");
                    break;
                default:
                    reasons.add(label + "'" + name + "' is not among its targets");
            }
        }

        Set<String> targetAdminRoles = target != null ? target.adminRoles() : group.adminRoles();
        if (!targetAdminRoles.isEmpty()) {
            if (!grant.allowPrivilegedTargets()) {
                if (reasons == null) {
                    return STRUCTURAL;
                }
                failures |= STRUCTURAL;
                reasons.add(label + "'" + request.targetName() + "' holds administrative roles "
                        + new TreeSet<>(targetAdminRoles) + " and the grant does not set allowPrivilegedTargets");
            } else if (!actor.roles().containsAll(targetAdminRoles)) {
                if (reasons == null) {
                    return STRUCTURAL;
                }
                failures |= STRUCTURAL;
                Set<String> missing = new TreeSet<>(targetAdminRoles);
                missing.removeAll(actor.roles());
                reasons.add(label + "'" + request.targetName() + "' holds administrative roles the actor lacks: " + missing);
            }
        }

        if (failures != 0 && reasons == null) {
            return failures;
        }

        if (!anyClient) {
            for (String receiver : request.audience()) {
                if (!clients.contains(receiver)) {
                    failures |= AUDIENCE;
                    if (reasons == null) {
                        return failures;
                    }
                    reasons.add(label + "tokens for audience '" + receiver + "' are not allowed (its clients are "
                            + new TreeSet<>(clients) + ")");
                }
            }
        }

        if (grant.reasonNeeded()) {
            String reason = request.reason();
            if (reason == null || reason.isBlank()) {
                failures |= REASON;
                if (reasons != null) {
                    reasons.add(label + "a reason is required"
                            + (reasonPattern == null ? "" : " matching " + reasonPattern.pattern()));
                }
            } else if (reasonPattern != null && !reasonPattern.matcher(reason).matches()) {
                failures |= REASON;
                if (reasons != null) {
                    reasons.add(label + "the reason does not match " + reasonPattern.pattern());
                }
            }
        }

        if (grant.requireAcr() != null) {
            int needed = directory.acrLevel(grant.requireAcr());
            int actual = request.acr() == null ? -1 : directory.acrLevel(request.acr());
            if (needed < 0 || actual < needed) {
                failures |= ACR;
                if (reasons != null) {
                    reasons.add(label + "requires authentication level '" + grant.requireAcr() + "', the actor's is "
                            + (request.acr() == null ? "unknown" : "'" + request.acr() + "'"));
                }
            }
        }
        return failures;
    }

    /** Seconds the acting may last when it starts at {@code now}: the grant's duration, never past notAfter. */
    int durationSeconds(long now) {
        if (notAfterMillis == Long.MAX_VALUE) {
            return durationSeconds;
        }
        long untilEnd = (notAfterMillis - now) / 1000;
        return (int) Math.max(1, Math.min(durationSeconds, untilEnd));
    }

    SessionLimit sessionLimit() {
        return sessionLimit;
    }

    String name() {
        return grant.name();
    }

    private Coverage coversUser(Principal target) {
        String folded = target.foldedUsername();
        boolean named = targetUsers.contains(folded);
        if (target.isServiceAccount() && !named) {
            // Service accounts are never swept in by a wildcard, group or role: they must be named.
            return matchesBroadly(target, folded) ? Coverage.SERVICE_ACCOUNT_NOT_NAMED : Coverage.NOT_COVERED;
        }
        if (!named && !matchesBroadly(target, folded)) {
            return Coverage.NOT_COVERED;
        }
        boolean excluded = excludeUsers.contains(folded)
                || anyMatches(excludeGlobs, folded)
                || intersects(excludeGroups, target.groupPaths())
                || intersects(excludeRoles, target.roles());
        return excluded ? Coverage.EXCLUDED : Coverage.COVERED;
    }

    private boolean matchesBroadly(Principal target, String folded) {
        return anyMatches(targetGlobs, folded)
                || intersects(targetGroups, target.groupPaths())
                || intersects(targetRoles, target.roles());
    }

    private Coverage coversGroup(GroupPrincipal group) {
        if (!intersects(targetGroups, group.paths())) {
            return Coverage.NOT_COVERED;
        }
        return intersects(excludeGroups, group.paths()) ? Coverage.EXCLUDED : Coverage.COVERED;
    }

    private String modesText() {
        List<String> names = new ArrayList<>();
        for (Mode mode : Mode.values()) {
            if ((modeMask & mode.bit()) != 0) {
                names.add(mode.wireName());
            }
        }
        return String.join(", ", names);
    }

    private static boolean anyMatches(Glob[] globs, String folded) {
        for (Glob glob : globs) {
            if (glob.matchesFolded(folded)) {
                return true;
            }
        }
        return false;
    }

    private static boolean intersects(Set<String> a, Set<String> b) {
        if (a.isEmpty() || b.isEmpty()) {
            return false;
        }
        Set<String> small = a.size() <= b.size() ? a : b;
        Set<String> large = small == a ? b : a;
        for (String value : small) {
            if (large.contains(value)) {
                return true;
            }
        }
        return false;
    }

    private static Set<String> exactNames(List<String> users) {
        Set<String> names = new HashSet<>();
        for (String user : users) {
            if (!Glob.isPattern(user)) {
                names.add(Text.fold(user));
            }
        }
        return Set.copyOf(names);
    }

    private static Glob[] globs(List<String> users) {
        List<Glob> globs = new ArrayList<>();
        for (String user : users) {
            if (Glob.isPattern(user)) {
                globs.add(Glob.compile(user));
            }
        }
        return globs.toArray(new Glob[0]);
    }
}
