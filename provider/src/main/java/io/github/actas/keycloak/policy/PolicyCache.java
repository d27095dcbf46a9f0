package io.github.actas.keycloak.policy;

import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * This node's compiled policy per realm. An entry is reused only while the realm's stored grants
 * revision is unchanged; the revision is held by a component of the realm, so Keycloak's own replicated
 * realm-cache invalidation tells every node when to recompile. Nothing here is authoritative.
 */
public final class PolicyCache {

    private final ConcurrentHashMap<String, Policy> byRealm = new ConcurrentHashMap<>();
    private final LongAdder compilations = new LongAdder();

    /**
     * @param compiler compiles the realm's grants; called only when the revision changed
     */
    public Policy get(String realmId, String revision, Supplier<Policy> compiler) {
        Policy current = byRealm.get(realmId);
        if (current != null && Objects.equals(current.revision(), revision)) {
            return current;
        }
        // compute() makes concurrent requests for the same realm wait for one compilation.
        return byRealm.compute(realmId, (id, existing) -> {
            if (existing != null && Objects.equals(existing.revision(), revision)) {
                return existing;
            }
            compilations.increment();
            return compiler.get();
        });
    }

    /** @return the policy this node holds for the realm, whatever its revision, or null */
    public Policy current(String realmId) {
        return byRealm.get(realmId);
    }

    /** The realms this node holds a policy for. */
    public Set<String> realmIds() {
        return Set.copyOf(byRealm.keySet());
    }

    public void evict(String realmId) {
        byRealm.remove(realmId);
    }

    /** How many times grants were compiled on this node since start (server info, tests). */
    public long compilations() {
        return compilations.sum();
    }
}
