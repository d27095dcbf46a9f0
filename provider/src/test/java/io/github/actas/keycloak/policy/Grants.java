package io.github.actas.keycloak.policy;

import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** A fluent grant builder for tests. */
final class Grants {

    private String name;
    private boolean enabled = true;
    private Selector actors = Selector.EMPTY;
    private Selector targets = Selector.EMPTY;
    private Selector excluded = Selector.EMPTY;
    private Set<Mode> modes = EnumSet.of(Mode.IMPERSONATE);
    private List<String> clients = List.of("*");
    private Integer maxDurationSeconds;
    private boolean requireReason;
    private String reasonPattern;
    private String requireAcr;
    private boolean allowPrivilegedTargets;
    private Instant notBefore;
    private Instant notAfter;
    private boolean trustActorUsernames;

    static Grants grant(String name) {
        Grants g = new Grants();
        g.name = name;
        return g;
    }

    Grants actorUsers(String... users) {
        actors = new Selector(List.of(users), actors.groups(), actors.roles(), actors.clients(), actors.serviceAccounts());
        return this;
    }

    Grants actorGroups(String... groups) {
        actors = new Selector(actors.users(), List.of(groups), actors.roles(), actors.clients(), actors.serviceAccounts());
        return this;
    }

    Grants actorRoles(String... roles) {
        actors = new Selector(actors.users(), actors.groups(), List.of(roles), actors.clients(), actors.serviceAccounts());
        return this;
    }

    Grants actorClients(String... clients) {
        actors = new Selector(actors.users(), actors.groups(), actors.roles(), List.of(clients), actors.serviceAccounts());
        return this;
    }

    Grants actorServiceAccounts(String... names) {
        actors = new Selector(actors.users(), actors.groups(), actors.roles(), actors.clients(), List.of(names));
        return this;
    }

    Grants targetUsers(String... users) {
        targets = new Selector(List.of(users), targets.groups(), targets.roles(), List.of());
        return this;
    }

    Grants targetGroups(String... groups) {
        targets = new Selector(targets.users(), List.of(groups), targets.roles(), List.of());
        return this;
    }

    Grants targetRoles(String... roles) {
        targets = new Selector(targets.users(), targets.groups(), List.of(roles), List.of());
        return this;
    }

    Grants excludeUsers(String... users) {
        excluded = new Selector(List.of(users), excluded.groups(), excluded.roles(), List.of());
        return this;
    }

    Grants excludeGroups(String... groups) {
        excluded = new Selector(excluded.users(), List.of(groups), excluded.roles(), List.of());
        return this;
    }

    Grants excludeRoles(String... roles) {
        excluded = new Selector(excluded.users(), excluded.groups(), List.of(roles), List.of());
        return this;
    }

    Grants modes(Mode... values) {
        modes = EnumSet.noneOf(Mode.class);
        modes.addAll(List.of(values));
        return this;
    }

    Grants clients(String... values) {
        clients = List.of(values);
        return this;
    }

    Grants maxDuration(int seconds) {
        maxDurationSeconds = seconds;
        return this;
    }

    Grants requireReason(String pattern) {
        requireReason = true;
        reasonPattern = pattern;
        return this;
    }

    Grants requireAcr(String acr) {
        requireAcr = acr;
        return this;
    }

    Grants allowPrivileged() {
        allowPrivilegedTargets = true;
        return this;
    }

    Grants window(Instant from, Instant until) {
        notBefore = from;
        notAfter = until;
        return this;
    }

    Grants trustActorUsernames() {
        trustActorUsernames = true;
        return this;
    }

    Grants disabled() {
        enabled = false;
        return this;
    }

    Grant build() {
        return new Grant("id-" + name, name, null, enabled, actors, targets, excluded, modes, clients,
                maxDurationSeconds, requireReason, reasonPattern, null, requireAcr, false, allowPrivilegedTargets,
                notBefore, notAfter, trustActorUsernames);
    }
}
