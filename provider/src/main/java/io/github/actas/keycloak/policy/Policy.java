package io.github.actas.keycloak.policy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one decision point. A realm's grants are compiled once per change into this immutable object;
 * every door (token exchange, browser login, service accounts, admin explain) calls
 * {@link #decide}. Actor lookups go through indexes (exact usernames, a glob trie, group paths,
 * roles, client ids), so a decision costs about the same with ten grants or ten thousand.
 *
 * <p>Guards hold whatever a grant says: no acting as oneself, no chains, the target must exist, be
 * enabled and live in the realm, service accounts only when named exactly, privileged targets only
 * with {@code allowPrivilegedTargets} and only for actors holding all of the target's admin roles, an Act-As
 * service account only inside its namespace.
 * An actor holding no grant is refused before the target is even looked up.
 */
public final class Policy {

    private static final Comparator<Grant> BY_NAME = Comparator
            .comparing((Grant g) -> g.name().toLowerCase(Locale.ROOT))
            .thenComparing(g -> g.id() == null ? "" : g.id());

    private final String revision;
    private final List<Grant> grants;
    private final List<Rejected> rejected;
    private final CompiledGrant[] compiled;
    private final Map<String, int[]> actorUsers;
    private final Map<String, int[]> actorGroups;
    private final Map<String, int[]> actorRoles;
    private final Map<String, int[]> actorClients;
    private final GlobIndex actorGlobs;
    private final Map<String, int[]> actorAccounts;
    private final GlobIndex actorAccountGlobs;

    private Policy(String revision, List<Grant> grants, PolicySettings settings) {
        this.revision = revision;
        List<Grant> kept = new ArrayList<>(grants.size());
        List<CompiledGrant> compiledGrants = new ArrayList<>(grants.size());
        List<Rejected> refused = new ArrayList<>();
        for (Grant grant : grants) {
            try {
                compiledGrants.add(new CompiledGrant(grant, settings));
                kept.add(grant);
            } catch (RuntimeException e) {
                // Validation should have refused it; if a stored grant still cannot be compiled it allows
                // nothing, and the realm's other grants keep working.
                refused.add(new Rejected(grant.name(), grant.id(), String.valueOf(e.getMessage())));
            }
        }
        this.grants = List.copyOf(kept);
        this.rejected = List.copyOf(refused);
        this.compiled = compiledGrants.toArray(new CompiledGrant[0]);
        Map<String, IntList> users = new HashMap<>();
        Map<String, IntList> groups = new HashMap<>();
        Map<String, IntList> roles = new HashMap<>();
        Map<String, IntList> clients = new HashMap<>();
        GlobIndex.Builder globs = GlobIndex.builder();
        Map<String, IntList> accounts = new HashMap<>();
        GlobIndex.Builder accountGlobs = GlobIndex.builder();
        for (int i = 0; i < compiled.length; i++) {
            Grant grant = compiled[i].grant;
            if (!grant.enabled()) {
                continue; // a disabled grant names no actor, so it is never a candidate
            }
            for (String user : grant.actors().users()) {
                if (Glob.isPattern(user)) {
                    globs.add(Glob.compile(user), i);
                } else {
                    file(users, Text.fold(user), i);
                }
            }
            for (String group : grant.actors().groups()) {
                file(groups, group, i);
            }
            for (String role : grant.actors().roles()) {
                file(roles, role, i);
            }
            for (String client : grant.actors().clients()) {
                file(clients, client, i);
            }
            for (String account : grant.actors().serviceAccounts()) {
                if (Glob.isPattern(account)) {
                    accountGlobs.add(Glob.compile(account), i);
                } else {
                    file(accounts, Text.fold(account), i);
                }
            }
        }
        this.actorUsers = freeze(users);
        this.actorGroups = freeze(groups);
        this.actorRoles = freeze(roles);
        this.actorClients = freeze(clients);
        this.actorGlobs = globs.build();
        this.actorAccounts = freeze(accounts);
        this.actorAccountGlobs = accountGlobs.build();
    }

    /** A stored grant that could not be compiled: it allows nothing (the provider logs it). */
    public record Rejected(String name, String id, String problem) {
    }

    /**
     * Compiles grants (already validated) into a policy.
     *
     * @param revision the stored revision these grants were read at, used to know when to recompile
     */
    public static Policy compile(String revision, Collection<Grant> grants, PolicySettings settings) {
        List<Grant> sorted = new ArrayList<>(grants);
        sorted.sort(BY_NAME);
        return new Policy(revision, sorted, settings);
    }

    public String revision() {
        return revision;
    }

    /** The grants, sorted by name: when several allow a request, the first of them is the one used. */
    public List<Grant> grants() {
        return grants;
    }

    /** Grants that could not be compiled and therefore allow nothing. */
    public List<Rejected> rejected() {
        return rejected;
    }

    /**
     * Decides a request.
     *
     * @param directory resolves the target in the request's realm
     * @param now       the current time in epoch milliseconds
     * @param explain   collect a human-readable reason for every failed condition (admin explain);
     *                  false on the door path, which then allocates almost nothing
     */
    public Decision decide(ActAsRequest request, Directory directory, long now, boolean explain) {
        List<String> reasons = explain ? new ArrayList<>() : null;
        Principal actor = request.actor();
        if (!actor.enabled()) {
            note(reasons, "actor '" + actor.username() + "' is disabled");
            return Decision.deny(Denial.ACTOR_DISABLED, null, null, reasons);
        }
        if (actor.acting()) {
            note(reasons, "'" + actor.username() + "' is already acting as someone else; acting again is not allowed");
            return Decision.deny(Denial.CHAINED, null, null, reasons);
        }

        IntList candidates = candidates(actor, directory, reasons);
        if (candidates.size() == 0) {
            // Deliberately said before, and without, looking at the target: no existence oracle.
            note(reasons, "no enabled grant names '" + actor.username() + "' as an actor");
            return Decision.deny(Denial.NO_GRANT, null, null, reasons);
        }

        Principal target = null;
        GroupPrincipal group = null;
        if (request.mode() == Mode.GROUP) {
            group = request.group() == null ? null : directory.findGroup(request.group());
            if (group == null) {
                note(reasons, "group '" + request.group() + "' does not exist in this realm");
                return Decision.deny(Denial.TARGET_NOT_FOUND, null, null, reasons);
            }
            if (actor.namespace() != null && !actor.namespace().holdsGroup(group.path())) {
                note(reasons, outsideNamespace(actor, "group '" + group.path() + "'"));
                return Decision.deny(Denial.OUTSIDE_NAMESPACE, null, group, reasons);
            }
        } else {
            target = request.target() == null ? null : directory.findUser(request.target());
            if (target == null) {
                note(reasons, "user '" + request.target() + "' does not exist in this realm");
                return Decision.deny(Denial.TARGET_NOT_FOUND, null, null, reasons);
            }
            if (target.id().equals(actor.id())) {
                note(reasons, "acting as oneself is not allowed");
                return Decision.deny(Denial.SELF, target, null, reasons);
            }
            if (!target.enabled()) {
                note(reasons, "user '" + target.username() + "' is disabled");
                return Decision.deny(Denial.TARGET_DISABLED, target, null, reasons);
            }
            if (actor.namespace() != null && !actor.namespace().holdsMemberOf(target.groupPaths())) {
                note(reasons, outsideNamespace(actor, "user '" + target.username() + "'"));
                return Decision.deny(Denial.OUTSIDE_NAMESPACE, target, null, reasons);
            }
        }

        int conditionFailures = 0;
        CompiledGrant pending = null;
        for (int i = 0; i < candidates.size(); i++) {
            CompiledGrant grant = compiled[candidates.get(i)];
            int failures = grant.evaluate(request, actor, target, group, directory, now, reasons);
            if (failures == 0) {
                note(reasons, "allowed by grant '" + grant.name() + "'");
                return Decision.allow(grant.grant, target, group, grant.durationSeconds(now), grant.sessionLimit(), reasons);
            }
            if ((failures & CompiledGrant.STRUCTURAL) == 0) {
                conditionFailures |= failures;
                if (pending == null && (failures & CompiledGrant.AUDIENCE) == 0) {
                    pending = grant;
                }
            }
        }
        Denial denial = (conditionFailures & CompiledGrant.ACR) != 0 ? Denial.STEP_UP_REQUIRED
                : (conditionFailures & CompiledGrant.REASON) != 0 ? Denial.REASON_REQUIRED
                : (conditionFailures & CompiledGrant.AUDIENCE) != 0 ? Denial.AUDIENCE_NOT_ALLOWED
                : Denial.NOT_PERMITTED;
        if (pending != null) {
            // A grant would allow it once its conditions are met: a browser door asks for them.
            return Decision.pending(denial, pending.grant, target, group, pending.durationSeconds(now), reasons);
        }
        return Decision.deny(denial, target, group, reasons);
    }

    /**
     * The enabled grants that name this actor as an actor, in name order: what the actor may learn
     * about its own grants (the account console's list of whom it may act as).
     *
     * @param directory the realm the actor lives in (whether its usernames can be trusted)
     */
    public List<Grant> grantsOf(Principal actor, Directory directory) {
        IntList candidates = candidates(actor, directory, null);
        List<Grant> out = new ArrayList<>(candidates.size());
        for (int i = 0; i < candidates.size(); i++) {
            out.add(compiled[candidates.get(i)].grant);
        }
        return out;
    }

    /**
     * Grant numbers naming the actor, ascending (so the first allowing grant is the first by name).
     * Where people choose their own username, a grant that names the actor only by username or glob
     * counts only if it says it trusts usernames: anyone could register or rename into the name.
     */
    private IntList candidates(Principal actor, Directory directory, List<String> reasons) {
        IntList out = new IntList(8);
        if (actor.actAsServiceAccount() != null) {
            // An Act-As service account acts only through actors.serviceAccounts: never through a user glob,
            // group or role its principal happens to match.
            String name = Text.fold(actor.actAsServiceAccount());
            out.addAll(actorAccounts.get(name));
            actorAccountGlobs.collect(name, out);
            out.sortUnique();
            return out;
        }
        String folded = actor.foldedUsername();
        out.addAll(actorUsers.get(actor.id()));
        if (actor.isServiceAccount()) {
            // Service accounts act through actors.clients or an exact username (Keycloak derives it from
            // the client id), never through a wildcard, group or role that happens to include them.
            out.addAll(actorUsers.get(folded));
            out.addAll(actorClients.get(actor.serviceAccountClientId()));
        } else {
            for (String path : actor.groupPaths()) {
                out.addAll(actorGroups.get(path));
            }
            for (String role : actor.roles()) {
                out.addAll(actorRoles.get(role));
            }
            IntList byName = new IntList(4);
            byName.addAll(actorUsers.get(folded));
            actorGlobs.collect(folded, byName);
            // Asked only when a username matched: the realm's settings are then looked at once per request.
            boolean trusted = byName.size() == 0 || !directory.usernamesChosenByUsers();
            for (int i = 0; i < byName.size(); i++) {
                Grant grant = compiled[byName.get(i)].grant;
                if (trusted || grant.trustActorUsernames()) {
                    out.add(byName.get(i));
                } else if (reasons != null && !out.contains(byName.get(i))) {
                    note(reasons, "grant '" + grant.name() + "': names the actor by username, which people choose"
                            + " themselves in this realm; name actors by user id, group or role (or set trustActorUsernames)");
                }
            }
        }
        out.sortUnique();
        return out;
    }

    private static String outsideNamespace(Principal actor, String target) {
        String namespace = actor.namespace().path();
        return target + " is outside the namespace of service account '" + actor.actAsServiceAccount() + "' ("
                + (namespace == null ? "its namespace group no longer exists" : namespace) + "): no grant reaches past it";
    }

    private static void note(List<String> reasons, String reason) {
        if (reasons != null) {
            reasons.add(reason);
        }
    }

    private static void file(Map<String, IntList> index, String key, int grant) {
        index.computeIfAbsent(key, k -> new IntList(2)).add(grant);
    }

    private static Map<String, int[]> freeze(Map<String, IntList> index) {
        Map<String, int[]> frozen = new HashMap<>(Math.max(16, index.size() * 2));
        for (Map.Entry<String, IntList> entry : index.entrySet()) {
            IntList list = entry.getValue();
            list.sortUnique();
            int[] values = new int[list.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = list.get(i);
            }
            frozen.put(entry.getKey(), values);
        }
        return Map.copyOf(frozen);
    }
}
