package io.github.actas.keycloak.admin;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Pattern;

import io.github.actas.keycloak.policy.GrantValidationException;
import io.github.actas.keycloak.store.KeycloakDirectory;
import io.github.actas.keycloak.store.ServiceAccounts;
import org.keycloak.common.util.Time;
import org.keycloak.models.ClientModel;
import org.keycloak.models.GroupModel;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;

/** Checks a {@link ServiceAccountRequest} field by field: a refusal names the field, as the grants API does. */
final class ServiceAccountSpecs {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
    private static final int MAX_CLIENTS = 20;

    private final RealmModel realm;
    private final KeycloakDirectory directory;
    private final ServiceAccountSettings settings;

    ServiceAccountSpecs(RealmModel realm, KeycloakDirectory directory, ServiceAccountSettings settings) {
        this.realm = realm;
        this.directory = directory;
        this.settings = settings;
    }

    ServiceAccounts.Spec validate(ServiceAccountRequest request, GroupModel namespace) {
        if (request.name() == null || !NAME.matcher(request.name()).matches()) {
            throw new GrantValidationException("name", "name: 1 to 63 characters: lower-case letters, digits, '.', '_', '-',"
                    + " starting with a letter or digit");
        }
        if (request.description() != null && request.description().length() > 1000) {
            throw new GrantValidationException("description", "description: at most 1000 characters");
        }
        String actsAsType = null;
        String actsAsId = null;
        if (request.actsAs() != null) {
            ServiceAccountRequest.ActsAs actsAs = request.actsAs();
            if ((actsAs.user() == null) == (actsAs.group() == null)) {
                throw new GrantValidationException("actsAs", "actsAs: give either user or group");
            }
            if (actsAs.user() != null) {
                UserModel user = directory.findUserModel(actsAs.user());
                if (user == null || !insideNamespace(user, namespace)) {
                    throw new GrantValidationException("actsAs.user", "actsAs.user: no such user" + (namespace == null
                            ? "" : " in namespace " + KeycloakModelUtils.buildGroupPath(namespace)));
                }
                actsAsType = ServiceAccounts.ACTS_AS_USER;
                actsAsId = user.getId();
            } else {
                GroupModel group = directory.findGroupModel(actsAs.group());
                if (group == null || !insideNamespace(group, namespace)) {
                    throw new GrantValidationException("actsAs.group", "actsAs.group: no such group" + (namespace == null
                            ? "" : " in namespace " + KeycloakModelUtils.buildGroupPath(namespace)));
                }
                actsAsType = ServiceAccounts.ACTS_AS_GROUP;
                actsAsId = group.getId();
            }
        }
        if (request.clients() == null || request.clients().isEmpty() || request.clients().size() > MAX_CLIENTS) {
            throw new GrantValidationException("clients", "clients: name 1 to " + MAX_CLIENTS + " clients that may use the key");
        }
        LinkedHashSet<String> clients = new LinkedHashSet<>();
        for (String clientId : request.clients()) {
            ClientModel client = clientId == null || clientId.length() > 255 ? null : realm.getClientByClientId(clientId);
            if (client == null) {
                throw new GrantValidationException("clients", "clients: no client '" + clientId + "' in this realm");
            }
            clients.add(client.getClientId());
        }
        return new ServiceAccounts.Spec(request.name(), request.description(), namespace == null ? null : namespace.getId(),
                actsAsType, actsAsId, List.copyOf(clients), expires(request.expiresAt()));
    }

    private long expires(String expiresAt) {
        long now = Time.currentTimeMillis();
        long latest = now + settings.maxLifetime().toMillis();
        if (expiresAt == null) {
            return now + settings.defaultLifetime().toMillis();
        }
        long at;
        try {
            at = Instant.parse(expiresAt).toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new GrantValidationException("expiresAt", "expiresAt: an ISO-8601 instant such as 2027-01-31T00:00:00Z");
        }
        if (at <= now || at > latest) {
            throw new GrantValidationException("expiresAt", "expiresAt: must be in the future and at most "
                    + settings.maxLifetime().toDays() + " days from now");
        }
        return at;
    }

    /** @return the namespace group of a path (null: the whole realm) */
    GroupModel namespace(String path) {
        if (path == null) {
            return null;
        }
        GroupModel group = path.startsWith("/") ? directory.findGroupModel(path) : null;
        if (group == null) {
            throw new GrantValidationException("namespace", "namespace: no group with path '" + path + "'");
        }
        return group;
    }

    private static boolean insideNamespace(UserModel user, GroupModel namespace) {
        return namespace == null || user.getGroupsStream().anyMatch(group -> insideNamespace(group, namespace));
    }

    private static boolean insideNamespace(GroupModel group, GroupModel namespace) {
        if (namespace == null) {
            return true;
        }
        for (GroupModel g = group; g != null; g = g.getParent()) {
            if (g.getId().equals(namespace.getId())) {
                return true;
            }
        }
        return false;
    }

}
