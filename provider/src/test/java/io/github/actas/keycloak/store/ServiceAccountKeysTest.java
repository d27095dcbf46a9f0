package io.github.actas.keycloak.store;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

class ServiceAccountKeysTest {

    @Test
    void aKeyHasThePrefixTheLengthAndAChecksumAndIsNeverRepeated() {
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String key = ServiceAccountKeys.generate();
            assertThat(key).startsWith("actas_").hasSize(ServiceAccountKeys.LENGTH).matches("actas_[0-9A-Za-z]{49}");
            assertThat(ServiceAccountKeys.wellFormed(key)).isTrue();
            keys.add(key);
        }
        assertThat(keys).hasSize(1000);
    }

    @Test
    void aTypoIsCaughtByTheChecksum() {
        String key = ServiceAccountKeys.generate();
        int at = ServiceAccountKeys.PREFIX.length() + 10;
        char changed = key.charAt(at) == 'a' ? 'b' : 'a';
        assertThat(ServiceAccountKeys.wellFormed(key.substring(0, at) + changed + key.substring(at + 1))).isFalse();
        // two characters swapped
        String swapped = key.substring(0, at) + key.charAt(at + 1) + key.charAt(at) + key.substring(at + 2);
        assertThat(swapped.equals(key) || !ServiceAccountKeys.wellFormed(swapped)).isTrue();
    }

    @Test
    void anythingElseIsNotAKey() {
        String key = ServiceAccountKeys.generate();
        assertThat(ServiceAccountKeys.wellFormed(null)).isFalse();
        assertThat(ServiceAccountKeys.wellFormed("")).isFalse();
        assertThat(ServiceAccountKeys.wellFormed("ghp_" + key.substring(6))).isFalse();
        assertThat(ServiceAccountKeys.wellFormed(key + "x")).isFalse();
        assertThat(ServiceAccountKeys.wellFormed(key.substring(0, key.length() - 1))).isFalse();
        assertThat(ServiceAccountKeys.wellFormed("x".repeat(20_000))).isFalse();
        assertThat(ServiceAccountKeys.wellFormed(key.replace(key.charAt(20), '-'))).isFalse();
    }

    @Test
    void onlyTheHashIsKeptAndItIsStable() {
        String key = ServiceAccountKeys.generate();
        String hash = ServiceAccountKeys.hash(key);
        assertThat(hash).hasSize(64).matches("[0-9a-f]{64}").doesNotContain(key.substring(6, 20));
        assertThat(ServiceAccountKeys.hash(key)).isEqualTo(hash);
        assertThat(ServiceAccountKeys.hash(ServiceAccountKeys.generate())).isNotEqualTo(hash);
    }
}
