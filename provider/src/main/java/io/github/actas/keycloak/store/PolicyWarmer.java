package io.github.actas.keycloak.store;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.github.actas.keycloak.policy.Policy;
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
 * After a realm was warmed it is left alone for {@value #PAUSE_AFTER_WARMING_MILLIS} ms, so that a bulk change
 * (grants created one after another) does not have every node reload the realm every second.
 */
final class PolicyWarmer {

    private static final long INTERVAL_MILLIS = 1000;
    private static final long PAUSE_AFTER_WARMING_MILLIS = 5000;
    private static final Logger LOG = Logger.getLogger(PolicyWarmer.class);

    private final KeycloakSessionFactory factory;
    private final PolicyCache cache;
    /** Realms whose last warm-up failed: told once when it starts failing and once when it recovers. */
    private final Set<String> failing = ConcurrentHashMap.newKeySet();
    /** Realms warmed lately, and until when (System.nanoTime) they are left alone; only the warmer's thread uses it. */
    private final Map<String, Long> pausedUntil = new HashMap<>();
    private volatile ScheduledExecutorService executor;

    PolicyWarmer(KeycloakSessionFactory factory, PolicyCache cache) {
        this.factory = factory;
        this.cache = cache;
    }

    /**
     * Its own thread, not Keycloak's timer: reloading a realm with thousands of grants takes seconds, which would
     * hold up every task on the timer's single thread.
     */
    synchronized void start() {
        if (executor != null) {
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "act-as-policy-warmer");
            thread.setDaemon(true);
            return thread;
        });
        executor.scheduleWithFixedDelay(this::round, INTERVAL_MILLIS, INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
    }

    synchronized void stop() {
        ScheduledExecutorService running = executor;
        if (running == null) {
            return;
        }
        running.shutdownNow();
        try {
            // Let a warm-up in progress finish its transaction before Keycloak closes the session factory.
            running.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        executor = null;
    }

    private void round() {
        long now = System.nanoTime();
        pausedUntil.values().removeIf(until -> until - now <= 0);
        for (String realmId : cache.realmIds()) {
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
            if (pausedUntil.containsKey(realmId)) {
                continue;
            }
            Policy before = cache.current(realmId);
            try {
                KeycloakModelUtils.runJobInTransaction(factory, session -> {
                    RealmModel realm = session.realms().getRealm(realmId);
                    if (realm == null) {
                        cache.evict(realmId);
                    } else {
                        session.getProvider(ActAsPolicyProvider.class).policy(realm);
                    }
                });
                if (cache.current(realmId) != before) {
                    pausedUntil.put(realmId, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PAUSE_AFTER_WARMING_MILLIS));
                }
                if (failing.remove(realmId)) {
                    LOG.infof("Act-As policy warm-up of realm %s works again", realmId);
                }
            } catch (RuntimeException e) {
                // The next request compiles as it always did; the next round tries again.
                if (failing.add(realmId)) {
                    LOG.warnf("Act-As policy warm-up of realm %s failed (requests compile the grants themselves meanwhile): %s",
                            realmId, e.toString());
                }
            }
        }
    }
}
