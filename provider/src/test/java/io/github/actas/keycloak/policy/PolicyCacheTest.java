package io.github.actas.keycloak.policy;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

class PolicyCacheTest {

    private final PolicyCache cache = new PolicyCache();
    private final AtomicInteger compiled = new AtomicInteger();

    private Policy get(String realm, String revision) {
        return cache.get(realm, revision, () -> {
            compiled.incrementAndGet();
            return Policy.compile(revision, List.of(), PolicySettings.DEFAULTS);
        });
    }

    @Test
    void compilesOncePerRevisionNotPerRequest() {
        Policy first = get("realm-a", "r1");
        for (int i = 0; i < 1_000; i++) {
            assertThat(get("realm-a", "r1")).isSameAs(first);
        }
        assertThat(compiled.get()).isEqualTo(1);
        assertThat(cache.compilations()).isEqualTo(1);

        Policy second = get("realm-a", "r2");
        assertThat(second).isNotSameAs(first);
        assertThat(get("realm-a", "r2")).isSameAs(second);
        assertThat(compiled.get()).isEqualTo(2);
    }

    @Test
    void realmsAreIndependentAndEvictionForgets() {
        get("realm-a", "r1");
        get("realm-b", "r1");
        assertThat(compiled.get()).isEqualTo(2);
        get("realm-a", "r1");
        assertThat(compiled.get()).isEqualTo(2);
        assertThat(cache.realmIds()).containsExactlyInAnyOrder("realm-a", "realm-b");
        cache.evict("realm-a");
        assertThat(cache.realmIds()).containsExactly("realm-b");
        get("realm-a", "r1");
        assertThat(compiled.get()).isEqualTo(3);
    }

    @Test
    void aRealmThatNeverChangedItsGrantsHasANullRevision() {
        Policy first = get("realm-a", null);
        assertThat(get("realm-a", null)).isSameAs(first);
        assertThat(compiled.get()).isEqualTo(1);
    }
}
