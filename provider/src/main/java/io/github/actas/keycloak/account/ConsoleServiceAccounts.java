package io.github.actas.keycloak.account;

import io.github.actas.keycloak.admin.ActAsAdminResourceProvider;
import io.github.actas.keycloak.admin.ActAsAdminResourceProviderFactory;
import io.github.actas.keycloak.admin.ServiceAccountsResource;
import io.github.actas.keycloak.token.ActAsSession;
import org.keycloak.models.ClientModel;
import org.keycloak.models.Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.managers.AuthenticationManager;
import org.keycloak.services.resources.admin.AdminAuth;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProvider;

/**
 * The account console's "Service accounts" page works on the admin API's service-account resource, as the
 * signed-in person: with exactly the rights they have in the admin console (through Keycloak's admin
 * permissions, so manage-users, or manage-members of a namespace group where the realm uses permissions v2).
 */
final class ConsoleServiceAccounts {

    /** The header the page sends with every call: a cross-site form or link cannot, so none is forged. */
    static final String HEADER = "X-Act-As-Console";

    private ConsoleServiceAccounts() {
    }

    /**
     * @return the resource for the browser's signed-in person, or null when they are acting as someone: keys
     *         are never managed with the rights of the person acted as
     */
    static ServiceAccountsResource forPerson(KeycloakSession session, RealmModel realm, AuthenticationManager.AuthResult sso) {
        if (ActAsSession.isActAs(sso.session())) {
            return null;
        }
        // The admin console's client: Keycloak checks admin roles against the scope of the client they came
        // through, and the rights wanted here are exactly those the person has there.
        ClientModel adminConsole = realm.getClientByClientId(Constants.ADMIN_CONSOLE_CLIENT_ID);
        AdminAuth auth = new AdminAuth(realm, sso.token(), sso.user(), adminConsole);
        ActAsAdminResourceProvider admin = (ActAsAdminResourceProvider) session.getProvider(AdminRealmResourceProvider.class,
                ActAsAdminResourceProviderFactory.PROVIDER_ID);
        return admin.serviceAccounts(session, realm, auth);
    }
}
