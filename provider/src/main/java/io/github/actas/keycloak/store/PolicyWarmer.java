package io.github.actas.keycloak.store;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.github.actas.keycloak.policy.PolicyCache;
import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * Reloads a realm and recompiles its policy off the request path soon after its grants change, on every node.
 * A grant is a Keycloak component, and a component change makes Keycloak drop the whole realm from its realm
 * cache (on every node); with thousands of grants reloading it takes seconds, which the next request to the
 * realm (Act-As's or Keycloak's own) would otherwise pay. Every second this node asks for the policy of each
 * realm it holds one for: a realm still cached with an unchanged revision costs two map lookups and no query.
 */
final class PolicyWarmer {

    private static final long INTERVAL_MILLIS = 1000;
    private static final Logger LOG = Logger.getLogger(PolicyWarmer.class);

    private final KeycloakSessionFactory factory;
    private final PolicyCache cache;
    private ScheduledExecutorService executor;

    PolicyWarmer(KeycloakSessionFactory factory, PolicyCache cache) {
        this.factory = factory;
        this.cache = cache;
    }

    void start() {
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "act-as-policy-warmer");
            thread.setDaemon(true);
            return thread;
        });
        executor.scheduleWithFixedDelay(this::runSafely, INTERVAL_MILLIS, INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
    }

    void stop() {
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    private void runSafely() {
        try {
            for (String realmId : cache.realmIds()) {
                KeycloakModelUtils.runJobInTransaction(factory, session -> {
                    RealmModel realm = session.realms().getRealm(realmId);
                    if (realm == null) {
                        cache.evict(realmId);
                    } else {
                        session.getProvider(ActAsPolicyProvider.class).policy(realm);
                    }
                });
            }
        } catch (RuntimeException e) {
            // The next request compiles as it always did; the next round tries again.
            LOG.debugf("Policy warm-up round failed: %s", e.toString());
        }
    }
}
