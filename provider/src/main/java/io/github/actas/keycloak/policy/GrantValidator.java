package io.github.actas.keycloak.policy;

import java.util.List;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

/**
 * The one validation every grant passes, whichever way it arrives (admin API, explain drafts,
 * Keycloak's component API, realm import). Throws {@link GrantValidationException} naming the field.
 */
public final class GrantValidator {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final Pattern SERVICE_ACCOUNT_GLOB = Pattern.compile("[A-Za-z0-9._*?-]{1,64}");

    private GrantValidator() {
    }

    /** Validates the grant and that its name is free in the realm. */
    public static void validate(Grant grant, RealmCatalog realm, PolicySettings settings) {
        validateContent(grant, realm, settings);
        if (realm.grantNameTaken(grant.name(), grant.id())) {
            throw new GrantValidationException("name", "a grant named '" + grant.name() + "' already exists");
        }
    }

    /** Validates everything but name uniqueness (drafts are evaluated beside, not instead of, live grants). */
    public static void validateContent(Grant grant, RealmCatalog realm, PolicySettings settings) {
        if (grant.name() == null || grant.name().isBlank()) {
            throw new GrantValidationException("name", "is required");
        }
        if (!NAME.matcher(grant.name()).matches()) {
            throw new GrantValidationException("name",
                    "must be 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }

        Selector actors = grant.actors();
        if (actors.isEmpty()) {
            throw new GrantValidationException("actors", "name at least one of users, groups, roles, clients or serviceAccounts");
        }
        if (!grant.trustActorUsernames() && !actors.users().isEmpty()) {
            String why = realm.selfChosenUsernames();
            if (why != null) {
                for (String user : actors.users()) {
                    if (Glob.isPattern(user) || !realm.userIdExists(user)) {
                        throw new GrantValidationException("actors.users", "'" + user + "' is a username, and people choose"
                                + " their own usernames in this realm (" + why + "): anyone could take that name. Name actors"
                                + " by user id, group or role, or set trustActorUsernames if the names are safe here");
                    }
                }
            }
        }
        checkGroups("actors.groups", actors.groups(), realm);
        checkRoles("actors.roles", actors.roles(), realm);
        for (String client : actors.clients()) {
            if (!realm.clientExists(client)) {
                throw new GrantValidationException("actors.clients", "client '" + client + "' does not exist");
            }
        }

        for (String account : actors.serviceAccounts()) {
            if (!SERVICE_ACCOUNT_GLOB.matcher(account).matches()) {
                throw new GrantValidationException("actors.serviceAccounts", "'" + account + "' is no service-account name"
                        + " or glob: 1-64 letters, digits, '.', '_', '-', '*' or '?'");
            }
        }

        Selector targets = grant.targets();
        if (targets.users().isEmpty() && targets.groups().isEmpty() && targets.roles().isEmpty()) {
            throw new GrantValidationException("targets", "name at least one of users, groups or roles");
        }
        if (!targets.clients().isEmpty()) {
            throw new GrantValidationException("targets.clients", "targets are users and groups, not clients");
        }
        if (!targets.serviceAccounts().isEmpty()) {
            throw new GrantValidationException("targets.serviceAccounts", "targets are users and groups, not service accounts");
        }
        checkGroups("targets.groups", targets.groups(), realm);
        checkRoles("targets.roles", targets.roles(), realm);
        checkGroups("targets.exclude.groups", grant.excluded().groups(), realm);
        checkRoles("targets.exclude.roles", grant.excluded().roles(), realm);

        if (grant.modes().isEmpty()) {
            throw new GrantValidationException("modes", "name at least one of impersonate, delegate, group");
        }

        if (grant.clients().isEmpty()) {
            throw new GrantValidationException("clients", "name the receiving client ids, or \"*\" for any client");
        }
        for (String client : grant.clients()) {
            if (!Grant.ANY_CLIENT.equals(client) && !realm.clientExists(client)) {
                throw new GrantValidationException("clients", "client '" + client + "' does not exist");
            }
        }

        Integer seconds = grant.maxDurationSeconds();
        if (seconds != null && (seconds < 1 || seconds > settings.maxDurationSeconds())) {
            throw new GrantValidationException("maxDurationSeconds",
                    "must be between 1 and " + settings.maxDurationSeconds() + " (the server's max-duration-seconds)");
        }

        if (grant.reasonPattern() != null) {
            try {
                // RE2 syntax, matched in linear time: no backreferences or lookaround.
                Pattern.compile(grant.reasonPattern());
            } catch (PatternSyntaxException e) {
                throw new GrantValidationException("reasonPattern",
                        "is not a valid RE2 regular expression (no backreferences or lookaround): " + e.getDescription());
            }
        }

        if (grant.requireAcr() != null && !realm.acrKnown(grant.requireAcr())) {
            throw new GrantValidationException("requireAcr", "'" + grant.requireAcr()
                    + "' is neither a level number nor a name in the realm's ACR to LoA mapping");
        }

        if (grant.notBefore() != null && grant.notAfter() != null && !grant.notAfter().isAfter(grant.notBefore())) {
            throw new GrantValidationException("notAfter", "must be after notBefore");
        }
    }

    private static void checkGroups(String field, List<String> paths, RealmCatalog realm) {
        for (String path : paths) {
            if (!path.startsWith("/")) {
                throw new GrantValidationException(field, "'" + path + "' is not a group path (it starts with /)");
            }
            if (!realm.groupExists(path)) {
                throw new GrantValidationException(field, "group '" + path + "' does not exist");
            }
        }
    }

    private static void checkRoles(String field, List<String> roles, RealmCatalog realm) {
        for (String role : roles) {
            if (!realm.roleExists(role)) {
                throw new GrantValidationException(field, "role '" + role + "' does not exist");
            }
        }
    }
}
