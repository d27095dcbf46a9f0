package io.github.actas.keycloak.admin;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.github.actas.keycloak.policy.Grant;
import io.github.actas.keycloak.policy.GrantConfig;
import io.github.actas.keycloak.policy.GrantFields;
import io.github.actas.keycloak.policy.Mode;
import io.github.actas.keycloak.policy.Selector;

/** The grants JSON contract of DESIGN.md. Absent booleans take their defaults; lists are never null on output. */
@JsonPropertyOrder({"id", "name", "description", "enabled", "actors", "targets", "modes", "clients",
        "maxDurationSeconds", "requireReason", "reasonPattern", "reasonHint", "requireAcr", "notifyTarget",
        "allowPrivilegedTargets", "notBefore", "notAfter", "trustActorUsernames"})
public record GrantRepresentation(
        String id,
        String name,
        String description,
        Boolean enabled,
        Actors actors,
        Targets targets,
        List<String> modes,
        List<String> clients,
        Integer maxDurationSeconds,
        Boolean requireReason,
        String reasonPattern,
        String reasonHint,
        String requireAcr,
        Boolean notifyTarget,
        Boolean allowPrivilegedTargets,
        String notBefore,
        String notAfter,
        Boolean trustActorUsernames) {

    @JsonPropertyOrder({"users", "groups", "roles", "clients", "serviceAccounts"})
    public record Actors(List<String> users, List<String> groups, List<String> roles, List<String> clients,
                         List<String> serviceAccounts) {
    }

    @JsonPropertyOrder({"users", "groups", "roles", "exclude"})
    public record Targets(List<String> users, List<String> groups, List<String> roles, Exclude exclude) {
    }

    @JsonPropertyOrder({"users", "groups", "roles"})
    public record Exclude(List<String> users, List<String> groups, List<String> roles) {
    }

    public static GrantRepresentation of(Grant grant) {
        List<String> modes = new ArrayList<>();
        for (Mode mode : Mode.values()) {
            if (grant.modes().contains(mode)) {
                modes.add(mode.wireName());
            }
        }
        return new GrantRepresentation(
                grant.id(),
                grant.name(),
                grant.description(),
                grant.enabled(),
                new Actors(sorted(grant.actors().users()), sorted(grant.actors().groups()),
                        sorted(grant.actors().roles()), sorted(grant.actors().clients()),
                        sorted(grant.actors().serviceAccounts())),
                new Targets(sorted(grant.targets().users()), sorted(grant.targets().groups()),
                        sorted(grant.targets().roles()),
                        new Exclude(sorted(grant.excluded().users()), sorted(grant.excluded().groups()),
                                sorted(grant.excluded().roles()))),
                modes,
                sorted(grant.clients()),
                grant.maxDurationSeconds(),
                grant.requireReason(),
                grant.reasonPattern(),
                grant.reasonHint(),
                grant.requireAcr(),
                grant.notifyTarget(),
                grant.allowPrivilegedTargets(),
                grant.notBefore() == null ? null : grant.notBefore().toString(),
                grant.notAfter() == null ? null : grant.notAfter().toString(),
                grant.trustActorUsernames());
    }

    /**
     * Parses into a grant (field-level errors as {@link io.github.actas.keycloak.policy.GrantValidationException}).
     *
     * @param fieldPrefix prefix for error field names, e.g. {@code grants[0].}
     */
    public Grant toGrant(String grantId, String fieldPrefix) {
        Actors a = actors == null ? new Actors(null, null, null, null, null) : actors;
        Targets t = targets == null ? new Targets(null, null, null, null) : targets;
        Exclude x = t.exclude() == null ? new Exclude(null, null, null) : t.exclude();
        String p = fieldPrefix;
        return new Grant(
                grantId,
                name,
                GrantFields.text(p + "description", description, GrantConfig.MAX_DESCRIPTION_LENGTH),
                enabled == null || enabled,
                new Selector(
                        GrantFields.strings(p + "actors.users", a.users()),
                        GrantFields.strings(p + "actors.groups", a.groups()),
                        GrantFields.strings(p + "actors.roles", a.roles()),
                        GrantFields.strings(p + "actors.clients", a.clients()),
                        GrantFields.strings(p + "actors.serviceAccounts", a.serviceAccounts())),
                new Selector(
                        GrantFields.strings(p + "targets.users", t.users()),
                        GrantFields.strings(p + "targets.groups", t.groups()),
                        GrantFields.strings(p + "targets.roles", t.roles()),
                        List.of()),
                new Selector(
                        GrantFields.strings(p + "targets.exclude.users", x.users()),
                        GrantFields.strings(p + "targets.exclude.groups", x.groups()),
                        GrantFields.strings(p + "targets.exclude.roles", x.roles()),
                        List.of()),
                GrantFields.modes(p + "modes", modes),
                GrantFields.strings(p + "clients", clients),
                maxDurationSeconds,
                requireReason != null && requireReason,
                GrantFields.text(p + "reasonPattern", reasonPattern, GrantConfig.MAX_PATTERN_LENGTH),
                GrantFields.text(p + "reasonHint", reasonHint, GrantConfig.MAX_HINT_LENGTH),
                GrantFields.text(p + "requireAcr", requireAcr, GrantConfig.MAX_ACR_LENGTH),
                notifyTarget != null && notifyTarget,
                allowPrivilegedTargets != null && allowPrivilegedTargets,
                GrantFields.instant(p + "notBefore", notBefore),
                GrantFields.instant(p + "notAfter", notAfter),
                trustActorUsernames != null && trustActorUsernames);
    }

    private static List<String> sorted(List<String> values) {
        List<String> copy = new ArrayList<>(values);
        copy.sort(null);
        return copy;
    }
}
