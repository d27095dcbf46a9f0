package io.github.actas.keycloak.store;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.actas.keycloak.ActAsVersion;
import io.github.actas.keycloak.policy.PolicyCache;
import io.github.actas.keycloak.policy.PolicySettings;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.PostMigrationEvent;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.provider.ProviderEvent;
import org.keycloak.provider.ProviderFactory;
import org.keycloak.provider.ServerInfoAwareProviderFactory;

/**
 * Holds the server-wide policy options, this node's compiled-policy cache and its {@link PolicyWarmer}. Options, read once:
 * {@code --spi-act-as-policy--act-as-policy--max-duration-seconds} and
 * {@code --spi-act-as-policy--act-as-policy--default-duration-seconds}.
 */
public final class ActAsPolicyProviderFactory implements ProviderFactory<ActAsPolicyProvider>, ServerInfoAwareProviderFactory {

    public static final String PROVIDER_ID = "act-as-policy";

    static final String MAX_DURATION_SECONDS = "max-duration-seconds";
    static final String DEFAULT_DURATION_SECONDS = "default-duration-seconds";

    private final PolicyCache cache = new PolicyCache();
    private PolicySettings settings = PolicySettings.DEFAULTS;
    private String adminRealmName = "master";
    private PolicyWarmer warmer;

    @Override
    public ActAsPolicyProvider create(KeycloakSession session) {
        return new ActAsPolicyProvider(session, cache, settings, adminRealmName);
    }

    @Override
    public void init(Config.Scope config) {
        // Keycloak 26 resolves Config lookups live; read the admin realm name once, not per role checked.
        adminRealmName = Config.getAdminRealm();
        settings = new PolicySettings(
                config.getInt(MAX_DURATION_SECONDS, PolicySettings.DEFAULT_MAX_DURATION_SECONDS),
                config.getInt(DEFAULT_DURATION_SECONDS, PolicySettings.DEFAULT_DEFAULT_DURATION_SECONDS));
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        warmer = new PolicyWarmer(factory, cache);
        factory.register(this::onEvent);
    }

    private void onEvent(ProviderEvent event) {
        if (event instanceof PostMigrationEvent) {
            warmer.start();
        } else if (event instanceof RealmModel.RealmPostCreateEvent created) {
            // Imports add components without their factories' onCreate: a realm (re)created from an export
            // may reuse an id and a revision this node has cached, so its grants get a revision of their own.
            RealmModel realm = created.getCreatedRealm();
            if (GrantsRevision.of(realm) != null
                    || realm.getComponentsStream(realm.getId(), GrantProviderFactory.PROVIDER_TYPE).findAny().isPresent()) {
                GrantsRevision.bump(realm);
            }
        } else if (event instanceof RealmModel.RealmRemovedEvent removed) {
            cache.evict(removed.getRealm().getId());
        }
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return ProviderConfigurationBuilder.create()
                .property().name(MAX_DURATION_SECONDS).type("int")
                .helpText("Upper bound for any grant's maxDurationSeconds; grants above it are refused, stored ones are capped.")
                .defaultValue(PolicySettings.DEFAULT_MAX_DURATION_SECONDS).add()
                .property().name(DEFAULT_DURATION_SECONDS).type("int")
                .helpText("Duration used when a grant does not set maxDurationSeconds.")
                .defaultValue(PolicySettings.DEFAULT_DEFAULT_DURATION_SECONDS).add()
                .build();
    }

    @Override
    public Map<String, String> getOperationalInfo() {
        Map<String, String> info = new LinkedHashMap<>();
        info.put("version", ActAsVersion.VERSION);
        info.put(MAX_DURATION_SECONDS, Integer.toString(settings.maxDurationSeconds()));
        info.put(DEFAULT_DURATION_SECONDS, Integer.toString(settings.defaultDurationSeconds()));
        info.put("policy-compilations", Long.toString(cache.compilations()));
        return info;
    }

    @Override
    public void close() {
        if (warmer != null) {
            warmer.stop();
        }
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }
}
