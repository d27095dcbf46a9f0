package io.github.actas.keycloak.policy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Maps a grant to the flat multi-valued config of the Keycloak component that stores it, and back.
 * The keys mirror the JSON field paths ({@code actors.users}, {@code targets.exclude.roles}, ...) so a
 * grant in a realm export reads like the API's JSON.
 */
public final class GrantConfig {

    public static final String DESCRIPTION = "description";
    public static final String ENABLED = "enabled";
    public static final String ACTORS_USERS = "actors.users";
    public static final String ACTORS_GROUPS = "actors.groups";
    public static final String ACTORS_ROLES = "actors.roles";
    public static final String ACTORS_CLIENTS = "actors.clients";
    public static final String ACTORS_SERVICE_ACCOUNTS = "actors.serviceAccounts";
    public static final String TARGETS_USERS = "targets.users";
    public static final String TARGETS_GROUPS = "targets.groups";
    public static final String TARGETS_ROLES = "targets.roles";
    public static final String EXCLUDE_USERS = "targets.exclude.users";
    public static final String EXCLUDE_GROUPS = "targets.exclude.groups";
    public static final String EXCLUDE_ROLES = "targets.exclude.roles";
    public static final String MODES = "modes";
    public static final String CLIENTS = "clients";
    public static final String MAX_DURATION_SECONDS = "maxDurationSeconds";
    public static final String REQUIRE_REASON = "requireReason";
    public static final String REASON_PATTERN = "reasonPattern";
    public static final String REASON_HINT = "reasonHint";
    public static final String REQUIRE_ACR = "requireAcr";
    public static final String NOTIFY_TARGET = "notifyTarget";
    public static final String ALLOW_PRIVILEGED_TARGETS = "allowPrivilegedTargets";
    public static final String NOT_BEFORE = "notBefore";
    public static final String NOT_AFTER = "notAfter";
    public static final String TRUST_ACTOR_USERNAMES = "trustActorUsernames";

    public static final Set<String> KEYS = Set.of(DESCRIPTION, ENABLED, ACTORS_USERS, ACTORS_GROUPS, ACTORS_ROLES,
            ACTORS_CLIENTS, ACTORS_SERVICE_ACCOUNTS, TARGETS_USERS, TARGETS_GROUPS, TARGETS_ROLES, EXCLUDE_USERS, EXCLUDE_GROUPS, EXCLUDE_ROLES,
            MODES, CLIENTS, MAX_DURATION_SECONDS, REQUIRE_REASON, REASON_PATTERN, REASON_HINT, REQUIRE_ACR, NOTIFY_TARGET,
            ALLOW_PRIVILEGED_TARGETS, NOT_BEFORE, NOT_AFTER, TRUST_ACTOR_USERNAMES);

    public static final int MAX_DESCRIPTION_LENGTH = 1000;
    public static final int MAX_PATTERN_LENGTH = 500;
    public static final int MAX_HINT_LENGTH = 100;
    public static final int MAX_ACR_LENGTH = 64;

    private GrantConfig() {
    }

    public static Map<String, List<String>> toConfig(Grant grant) {
        Map<String, List<String>> config = new LinkedHashMap<>();
        put(config, DESCRIPTION, grant.description());
        put(config, ENABLED, Boolean.toString(grant.enabled()));
        putAll(config, ACTORS_USERS, grant.actors().users());
        putAll(config, ACTORS_GROUPS, grant.actors().groups());
        putAll(config, ACTORS_ROLES, grant.actors().roles());
        putAll(config, ACTORS_CLIENTS, grant.actors().clients());
        putAll(config, ACTORS_SERVICE_ACCOUNTS, grant.actors().serviceAccounts());
        putAll(config, TARGETS_USERS, grant.targets().users());
        putAll(config, TARGETS_GROUPS, grant.targets().groups());
        putAll(config, TARGETS_ROLES, grant.targets().roles());
        putAll(config, EXCLUDE_USERS, grant.excluded().users());
        putAll(config, EXCLUDE_GROUPS, grant.excluded().groups());
        putAll(config, EXCLUDE_ROLES, grant.excluded().roles());
        List<String> modes = new ArrayList<>();
        for (Mode mode : Mode.values()) {
            if (grant.modes().contains(mode)) {
                modes.add(mode.wireName());
            }
        }
        putAll(config, MODES, modes);
        putAll(config, CLIENTS, grant.clients());
        put(config, MAX_DURATION_SECONDS, grant.maxDurationSeconds() == null ? null : grant.maxDurationSeconds().toString());
        put(config, REQUIRE_REASON, Boolean.toString(grant.requireReason()));
        put(config, REASON_PATTERN, grant.reasonPattern());
        put(config, REASON_HINT, grant.reasonHint());
        put(config, REQUIRE_ACR, grant.requireAcr());
        put(config, NOTIFY_TARGET, Boolean.toString(grant.notifyTarget()));
        put(config, ALLOW_PRIVILEGED_TARGETS, Boolean.toString(grant.allowPrivilegedTargets()));
        put(config, NOT_BEFORE, grant.notBefore() == null ? null : grant.notBefore().toString());
        put(config, NOT_AFTER, grant.notAfter() == null ? null : grant.notAfter().toString());
        put(config, TRUST_ACTOR_USERNAMES, Boolean.toString(grant.trustActorUsernames()));
        return config;
    }

    /** Parses stored config; unknown keys and malformed values are refused with the key as the field. */
    public static Grant fromConfig(String id, String name, Map<String, List<String>> config) {
        for (String key : config.keySet()) {
            if (!KEYS.contains(key)) {
                throw new GrantValidationException(key, "unknown field");
            }
        }
        Instant notBefore = GrantFields.instant(NOT_BEFORE, single(config, NOT_BEFORE));
        Instant notAfter = GrantFields.instant(NOT_AFTER, single(config, NOT_AFTER));
        return new Grant(
                id,
                name,
                GrantFields.text(DESCRIPTION, single(config, DESCRIPTION), MAX_DESCRIPTION_LENGTH),
                GrantFields.bool(ENABLED, single(config, ENABLED), true),
                new Selector(
                        GrantFields.strings(ACTORS_USERS, config.get(ACTORS_USERS)),
                        GrantFields.strings(ACTORS_GROUPS, config.get(ACTORS_GROUPS)),
                        GrantFields.strings(ACTORS_ROLES, config.get(ACTORS_ROLES)),
                        GrantFields.strings(ACTORS_CLIENTS, config.get(ACTORS_CLIENTS)),
                        GrantFields.strings(ACTORS_SERVICE_ACCOUNTS, config.get(ACTORS_SERVICE_ACCOUNTS))),
                new Selector(
                        GrantFields.strings(TARGETS_USERS, config.get(TARGETS_USERS)),
                        GrantFields.strings(TARGETS_GROUPS, config.get(TARGETS_GROUPS)),
                        GrantFields.strings(TARGETS_ROLES, config.get(TARGETS_ROLES)),
                        List.of()),
                new Selector(
                        GrantFields.strings(EXCLUDE_USERS, config.get(EXCLUDE_USERS)),
                        GrantFields.strings(EXCLUDE_GROUPS, config.get(EXCLUDE_GROUPS)),
                        GrantFields.strings(EXCLUDE_ROLES, config.get(EXCLUDE_ROLES)),
                        List.of()),
                GrantFields.modes(MODES, config.get(MODES)),
                GrantFields.strings(CLIENTS, config.get(CLIENTS)),
                GrantFields.integer(MAX_DURATION_SECONDS, single(config, MAX_DURATION_SECONDS)),
                GrantFields.bool(REQUIRE_REASON, single(config, REQUIRE_REASON), false),
                GrantFields.text(REASON_PATTERN, single(config, REASON_PATTERN), MAX_PATTERN_LENGTH),
                GrantFields.text(REASON_HINT, single(config, REASON_HINT), MAX_HINT_LENGTH),
                GrantFields.text(REQUIRE_ACR, single(config, REQUIRE_ACR), MAX_ACR_LENGTH),
                GrantFields.bool(NOTIFY_TARGET, single(config, NOTIFY_TARGET), false),
                GrantFields.bool(ALLOW_PRIVILEGED_TARGETS, single(config, ALLOW_PRIVILEGED_TARGETS), false),
                notBefore,
                notAfter,
                GrantFields.bool(TRUST_ACTOR_USERNAMES, single(config, TRUST_ACTOR_USERNAMES), false));
    }

    private static String single(Map<String, List<String>> config, String key) {
        List<String> values = config.get(key);
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw new GrantValidationException(key, "takes a single value");
        }
        return values.get(0);
    }

    private static void put(Map<String, List<String>> config, String key, String value) {
        if (value != null) {
            config.put(key, new ArrayList<>(List.of(value)));
        }
    }

    private static void putAll(Map<String, List<String>> config, String key, Collection<String> values) {
        if (!values.isEmpty()) {
            config.put(key, new ArrayList<>(values));
        }
    }
}
