package io.github.actas.keycloak.policy;

import java.util.Map;

/** acr values to levels of assurance: a number is its own level, a name goes through Keycloak's acr-to-LoA map. */
public final class AcrLevels {

    private static final int MAX_LEVEL = 1_000_000;

    private AcrLevels() {
    }

    /** @return the level of a purely numeric acr, or -1 */
    public static int parseNumber(String acr) {
        if (acr == null || acr.isEmpty() || acr.length() > 7) {
            return -1;
        }
        for (int i = 0; i < acr.length(); i++) {
            if (acr.charAt(i) < '0' || acr.charAt(i) > '9') {
                return -1;
            }
        }
        int level = Integer.parseInt(acr);
        return level <= MAX_LEVEL ? level : -1;
    }

    public static int level(String acr, Map<String, Integer> loaMap) {
        int number = parseNumber(acr);
        if (number >= 0) {
            return number;
        }
        Integer mapped = acr == null ? null : loaMap.get(acr);
        return mapped == null ? -1 : mapped;
    }
}
