package io.github.actas.keycloak.store;

import java.util.List;

import io.github.actas.keycloak.audit.ActAsAuditProvider;
import io.github.actas.keycloak.policy.Grant;
import io.github.actas.keycloak.policy.GrantConfig;
import io.github.actas.keycloak.policy.GrantProvider;
import io.github.actas.keycloak.policy.GrantValidationException;
import io.github.actas.keycloak.policy.GrantValidator;
import org.keycloak.Config;
import org.keycloak.component.ComponentFactory;
import org.keycloak.component.ComponentModel;
import org.keycloak.component.ComponentValidationException;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

/**
 * Stores grants as realm components. Keycloak calls {@link #validateConfiguration} on every way a
 * component is written (the Act-As API, Keycloak's own component API, realm import), so every grant
 * in a realm has passed {@link GrantValidator}; {@link #onCreate}, {@link #onUpdate} and
 * {@link #preRemove} bump the realm's {@link GrantsRevision} in the same transaction.
 */
public final class GrantProviderFactory implements ComponentFactory<GrantProvider, GrantProvider> {

    public static final String PROVIDER_ID = "act-as-grant";

    /** The component provider type, as it appears in realm exports. */
    public static final String PROVIDER_TYPE = GrantProvider.class.getName();

    private static final List<ProviderConfigProperty> CONFIG_PROPERTIES = ProviderConfigurationBuilder.create()
            .property().name(GrantConfig.DESCRIPTION).type(ProviderConfigProperty.STRING_TYPE).label("Description").add()
            .property().name(GrantConfig.ENABLED).type(ProviderConfigProperty.BOOLEAN_TYPE).label("Enabled").defaultValue("true").add()
            .property().name(GrantConfig.ACTORS_USERS).type(ProviderConfigProperty.MULTIVALUED_STRING_TYPE).label("Actor username globs").add()
            .property().name(GrantConfig.ACTORS_GROUPS).type(ProviderConfigProperty.MULTIVALUED_STRING_TYPE).label("Actor group paths").add()
            .property().name(GrantConfig.ACTORS_ROLES).type(ProviderConfigProperty.MULTIVALUED_STRING_TYPE).label("Actor roles").add()
            .property().name(GrantConfig.ACTORS_CLIENTS).type(ProviderConfigProperty.MULTIVALUED_STRING_TYPE).label("Actor clients (service accounts)").add()
            .property().name(GrantConfig.ACTORS_SERVICE_ACCOUNTS).type(ProviderConfigProperty.MULTIVALUED_STRING_TYPE).label("Actor Act-As service accounts (name globs)").add()
            .property().name(GrantConfig.TARGETS_USERS).type(ProviderConfigProperty.MULTIVALUED_STRING_TYPE).label("Target username globs").add()
            .property().name(GrantConfig.TARGETS_GROUPS).type(ProviderConfigProperty.MULTIVALUED_STRING_TYPE).label("Target group paths").add()
            .property().name(GrantConfig.TARGETS_ROLES).type(ProviderConfigProperty.MULTIVALUED_STRING_TYPE).label("Target roles").add()
            .property().name(GrantConfig.EXCLUDE_USERS).type(ProviderConfigProperty.MULTIVALUED_STRING_TYPE).label("Excluded username globs").add()
            .property().name(GrantConfig.EXCLUDE_GROUPS).type(ProviderConfigProperty.MULTIVALUED_STRING_TYPE).label("Excluded group paths").add()
            .property().name(GrantConfig.EXCLUDE_ROLES).type(ProviderConfigProperty.MULTIVALUED_STRING_TYPE).label("Excluded roles").add()
            .property().name(GrantConfig.MODES).type(ProviderConfigProperty.MULTIVALUED_STRING_TYPE).label("Modes (impersonate, delegate, group)").add()
            .property().name(GrantConfig.CLIENTS).type(ProviderConfigProperty.MULTIVALUED_STRING_TYPE).label("Receiving clients (* = any)").add()
            .property().name(GrantConfig.MAX_DURATION_SECONDS).type(ProviderConfigProperty.INTEGER_TYPE).label("Maximum duration (seconds)").add()
            .property().name(GrantConfig.REQUIRE_REASON).type(ProviderConfigProperty.BOOLEAN_TYPE).label("Require a reason").defaultValue("false").add()
            .property().name(GrantConfig.REASON_PATTERN).type(ProviderConfigProperty.STRING_TYPE).label("Reason pattern (regex)").add()
            .property().name(GrantConfig.REASON_HINT).type(ProviderConfigProperty.STRING_TYPE).label("Reason hint (shown to the actor)").add()
            .property().name(GrantConfig.REQUIRE_ACR).type(ProviderConfigProperty.STRING_TYPE).label("Minimum actor acr").add()
            .property().name(GrantConfig.NOTIFY_TARGET).type(ProviderConfigProperty.BOOLEAN_TYPE).label("Notify the target").defaultValue("false").add()
            .property().name(GrantConfig.ALLOW_PRIVILEGED_TARGETS).type(ProviderConfigProperty.BOOLEAN_TYPE).label("Allow privileged targets").defaultValue("false").add()
            .property().name(GrantConfig.NOT_BEFORE).type(ProviderConfigProperty.STRING_TYPE).label("Not before (ISO-8601)").add()
            .property().name(GrantConfig.NOT_AFTER).type(ProviderConfigProperty.STRING_TYPE).label("Not after (ISO-8601)").add()
            .property().name(GrantConfig.TRUST_ACTOR_USERNAMES).type(ProviderConfigProperty.BOOLEAN_TYPE)
            .label("Trust actor usernames where people choose their own").defaultValue("false").add()
            .build();

    /** Reads a stored component as a grant (refusing malformed config with the key as field). */
    public static Grant toGrant(ComponentModel model) {
        return GrantConfig.fromConfig(model.getId(), model.getName(), model.getConfig());
    }

    @Override
    public GrantProvider create(KeycloakSession session, ComponentModel model) {
        toGrant(model);
        return new GrantProvider() {
        };
    }

    @Override
    public void validateConfiguration(KeycloakSession session, RealmModel realm, ComponentModel model)
            throws ComponentValidationException {
        if (model.getParentId() != null && !model.getParentId().equals(realm.getId())) {
            throw new ComponentValidationException("parentId: a grant belongs to its realm");
        }
        try {
            ActAsPolicyProvider policy = session.getProvider(ActAsPolicyProvider.class);
            GrantValidator.validate(toGrant(model), policy.catalog(realm), policy.settings());
        } catch (GrantValidationException e) {
            throw new ComponentValidationException(e.getMessage());
        }
    }

    @Override
    public void onCreate(KeycloakSession session, RealmModel realm, ComponentModel model) {
        GrantsRevision.bump(realm);
        audit(session, realm, ActAsAuditProvider.GrantChange.CREATED, model);
    }

    @Override
    public void onUpdate(KeycloakSession session, RealmModel realm, ComponentModel oldModel, ComponentModel newModel) {
        GrantsRevision.bump(realm);
        audit(session, realm, ActAsAuditProvider.GrantChange.UPDATED, newModel);
    }

    @Override
    public void preRemove(KeycloakSession session, RealmModel realm, ComponentModel model) {
        GrantsRevision.bump(realm);
        audit(session, realm, ActAsAuditProvider.GrantChange.DELETED, model);
    }

    /**
     * Every way a grant changes (Act-As API, Keycloak's component API) passes here, in the change's
     * transaction; the administrator is the one Keycloak authenticated for the request.
     */
    private static void audit(KeycloakSession session, RealmModel realm, ActAsAuditProvider.GrantChange change,
                              ComponentModel model) {
        session.getProvider(ActAsAuditProvider.class).grantChanged(realm, change, model.getName());
    }

    @Override
    public String getHelpText() {
        return "An Act-As grant: who may act as whom, in which modes, for which clients. Manage grants through "
                + "/admin/realms/{realm}/act-as/grants.";
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return CONFIG_PROPERTIES;
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

    @Override
    public String getId() {
        return PROVIDER_ID;
    }
}
