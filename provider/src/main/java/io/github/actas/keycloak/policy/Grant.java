package io.github.actas.keycloak.policy;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * One written permission: these actors may act as these targets, in these modes, for these clients,
 * under these conditions. Immutable; the shape follows the grants JSON contract in DESIGN.md.
 *
 * @param id                     storage id (the Keycloak component id); null for drafts
 * @param maxDurationSeconds     null means "the server default"
 * @param reasonHint             what a reason looks like, in words people read ("T-1234"), shown where a reason is asked for
 * @param excluded               targets that never match, whatever {@code targets} says
 * @param trustActorUsernames    match {@code actors.users} names and globs even in a realm where people choose
 *                               or change their own username (registration, username editing, email as
 *                               username, identity providers); off by default, when only user ids match there
 */
public record Grant(
        String id,
        String name,
        String description,
        boolean enabled,
        Selector actors,
        Selector targets,
        Selector excluded,
        Set<Mode> modes,
        List<String> clients,
        Integer maxDurationSeconds,
        boolean requireReason,
        String reasonPattern,
        String reasonHint,
        String requireAcr,
        boolean notifyTarget,
        boolean allowPrivilegedTargets,
        Instant notBefore,
        Instant notAfter,
        boolean trustActorUsernames) {

    /** The client list entry that admits every client. */
    public static final String ANY_CLIENT = "*";

    public Grant {
        actors = actors == null ? Selector.EMPTY : actors;
        targets = targets == null ? Selector.EMPTY : targets;
        excluded = excluded == null ? Selector.EMPTY : excluded;
        modes = modes == null ? Set.of() : Set.copyOf(modes);
        clients = clients == null ? List.of() : List.copyOf(clients);
    }

    /** A reason is needed when the grant says so, and whenever it constrains what the reason looks like. */
    public boolean reasonNeeded() {
        return requireReason || reasonPattern != null;
    }

    public Grant withId(String newId) {
        return new Grant(newId, name, description, enabled, actors, targets, excluded, modes, clients,
                maxDurationSeconds, requireReason, reasonPattern, reasonHint, requireAcr, notifyTarget,
                allowPrivilegedTargets, notBefore, notAfter, trustActorUsernames);
    }

    public Grant withMaxDurationSeconds(Integer seconds) {
        return new Grant(id, name, description, enabled, actors, targets, excluded, modes, clients,
                seconds, requireReason, reasonPattern, reasonHint, requireAcr, notifyTarget,
                allowPrivilegedTargets, notBefore, notAfter, trustActorUsernames);
    }
}
