package io.github.actas.keycloak.audit.delivery;

import java.net.URI;
import java.util.List;

import io.github.actas.keycloak.audit.ActAsAuditProvider;
import io.github.actas.keycloak.audit.AuditSinkProvider;
import io.github.actas.keycloak.policy.GrantValidationException;
import org.keycloak.Config;
import org.keycloak.component.ComponentFactory;
import org.keycloak.component.ComponentModel;
import org.keycloak.component.ComponentValidationException;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

/**
 * Stores audit sinks as realm components. Keycloak validates every write (Act-As API, its component API,
 * realm import) through {@link #validateConfiguration}; the secret is declared secret, so Keycloak's own
 * APIs and partial exports mask it.
 */
public final class AuditSinkProviderFactory implements ComponentFactory<AuditSinkProvider, AuditSinkProvider> {

    public static final String PROVIDER_ID = "act-as-audit-sink";
    public static final String PROVIDER_TYPE = AuditSinkProvider.class.getName();
    /** More sinks than this per realm are refused: each record names its pending sinks. */
    public static final int MAX_SINKS_PER_REALM = 10;

    private static final List<ProviderConfigProperty> CONFIG_PROPERTIES = ProviderConfigurationBuilder.create()
            .property().name(AuditSinkConfig.TYPE).type(ProviderConfigProperty.LIST_TYPE).label("Type")
            .options(AuditSinkConfig.LOG, AuditSinkConfig.WEBHOOK).add()
            .property().name(AuditSinkConfig.ENABLED).type(ProviderConfigProperty.BOOLEAN_TYPE).label("Enabled").defaultValue("true").add()
            .property().name(AuditSinkConfig.URL).type(ProviderConfigProperty.STRING_TYPE).label("Webhook URL").add()
            .property().name(AuditSinkConfig.SECRET).type(ProviderConfigProperty.PASSWORD).label("Webhook secret (whsec_...)").secret(true).add()
            .property().name(AuditSinkConfig.TIMEOUT_MILLIS).type(ProviderConfigProperty.INTEGER_TYPE).label("Timeout (ms)")
            .defaultValue(String.valueOf(AuditSinkConfig.DEFAULT_TIMEOUT_MILLIS)).add()
            .property().name(AuditSinkConfig.RETENTION_HOURS).type(ProviderConfigProperty.INTEGER_TYPE)
            .label("Give up on undelivered records after (hours, 0 = never)").defaultValue("0").add()
            .property().name(AuditSinkConfig.BATCH_SIZE).type(ProviderConfigProperty.INTEGER_TYPE)
            .label("Records per webhook request (1 = one structured CloudEvent; more = CloudEvents JSON batch)")
            .defaultValue(String.valueOf(AuditSinkConfig.DEFAULT_BATCH_SIZE)).add()
            .build();

    public static AuditSinkConfig toConfig(ComponentModel model) {
        return AuditSinkConfig.parse(model.getId(), model.getName(), model.getConfig());
    }

    @Override
    public AuditSinkProvider create(KeycloakSession session, ComponentModel model) {
        toConfig(model);
        return new AuditSinkProvider() {
        };
    }

    /** A sink enabled again gets its kept records at once, not at their next scheduled look. */
    @Override
    public void onUpdate(KeycloakSession session, RealmModel realm, ComponentModel oldModel, ComponentModel newModel) {
        if (!enabled(oldModel) && enabled(newModel)) {
            Outbox.resume(session, newModel.getId());
            DeliveryWorker worker = audit(session).worker();
            session.getTransactionManager().enlistAfterCompletion(new AbstractKeycloakTransaction() {
                @Override
                protected void commitImpl() {
                    worker.dueNow();
                }

                @Override
                protected void rollbackImpl() {
                    // nothing became due
                }
            });
        }
    }

    private static ActAsAuditProviderFactory audit(KeycloakSession session) {
        return (ActAsAuditProviderFactory) session.getKeycloakSessionFactory().getProviderFactory(ActAsAuditProvider.class);
    }

    private static boolean enabled(ComponentModel model) {
        return !"false".equalsIgnoreCase(model.getConfig().getFirst(AuditSinkConfig.ENABLED));
    }

    @Override
    public void validateConfiguration(KeycloakSession session, RealmModel realm, ComponentModel model)
            throws ComponentValidationException {
        AuditSinkConfig config;
        try {
            config = toConfig(model);
        } catch (GrantValidationException e) {
            throw new ComponentValidationException(e.getMessage());
        }
        if (AuditSinkConfig.WEBHOOK.equals(config.type())) {
            String refused = audit(session).destinations().refusalOnWrite(URI.create(config.url()));
            if (refused != null) {
                throw new ComponentValidationException("url: " + refused);
            }
        }
        long others = realm.getComponentsStream(realm.getId(), PROVIDER_TYPE)
                .filter(c -> !c.getId().equals(model.getId())).count();
        if (others >= MAX_SINKS_PER_REALM) {
            throw new ComponentValidationException("name: a realm has at most " + MAX_SINKS_PER_REALM + " audit sinks");
        }
        boolean nameTaken = realm.getComponentsStream(realm.getId(), PROVIDER_TYPE)
                .anyMatch(c -> !c.getId().equals(model.getId()) && c.getName() != null && c.getName().equalsIgnoreCase(model.getName()));
        if (nameTaken) {
            throw new ComponentValidationException("name: a sink named '" + model.getName() + "' already exists");
        }
    }

    @Override
    public String getHelpText() {
        return "An Act-As audit sink (log or webhook). Manage sinks through /admin/realms/{realm}/act-as/audit/sinks.";
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
