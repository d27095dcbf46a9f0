package io.github.actas.keycloak.login;

import java.util.List;

import io.github.actas.keycloak.acting.BrowserFlowSetup;
import org.keycloak.Config;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.AuthenticatorFactory;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;

/** Registers the browser flow's "act as" step ({@link ActAsAuthenticator}). */
public final class ActAsAuthenticatorFactory implements AuthenticatorFactory {

    public static final String PROVIDER_ID = BrowserFlowSetup.AUTHENTICATOR;

    private static final AuthenticationExecutionModel.Requirement[] REQUIREMENTS = {
            AuthenticationExecutionModel.Requirement.REQUIRED,
            AuthenticationExecutionModel.Requirement.DISABLED
    };

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public Authenticator create(KeycloakSession session) {
        return new ActAsAuthenticator(session);
    }

    @Override
    public String getDisplayType() {
        return "Act-As: act as another user";
    }

    @Override
    public String getReferenceCategory() {
        return "act-as";
    }

    @Override
    public String getHelpText() {
        return "After sign-in: when the authorization request carries act_as=<username>, asks the Act-As policy,"
                + " shows a confirmation page and switches the browser to a session of that user that records the actor."
                + " Without act_as it only guards running Act-As sessions. Place it last, as REQUIRED.";
    }

    @Override
    public boolean isConfigurable() {
        return false;
    }

    @Override
    public AuthenticationExecutionModel.Requirement[] getRequirementChoices() {
        return REQUIREMENTS;
    }

    @Override
    public boolean isUserSetupAllowed() {
        return false;
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return List.of();
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public void close() {
    }
}
