package io.github.actas.keycloak.login;

import java.util.List;

import io.github.actas.keycloak.acting.BrowserFlowSetup;
import org.keycloak.Config;
import org.keycloak.authentication.AuthenticationFlowCallbackFactory;
import org.keycloak.authentication.authenticators.conditional.ConditionalAuthenticator;
import org.keycloak.authentication.authenticators.conditional.ConditionalAuthenticatorFactory;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;

/** Registers {@link StepUpCondition} as "Condition - Act-As step-up". */
public final class StepUpConditionFactory implements ConditionalAuthenticatorFactory, AuthenticationFlowCallbackFactory {

    public static final String PROVIDER_ID = BrowserFlowSetup.STEP_UP_CONDITION;

    private static final AuthenticationExecutionModel.Requirement[] REQUIREMENTS = {
            AuthenticationExecutionModel.Requirement.REQUIRED,
            AuthenticationExecutionModel.Requirement.DISABLED
    };

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public ConditionalAuthenticator getSingleton() {
        return StepUpCondition.SINGLETON;
    }

    @Override
    public String getDisplayType() {
        return "Condition - Act-As step-up";
    }

    @Override
    public String getHelpText() {
        return "True when the request asks to act as someone (act_as) and the matching Act-As grant's requireAcr is"
                + " above the actor's current level. Put the actor's second factor (e.g. OTP Form) in the same subflow.";
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
