package io.github.actas.keycloak.policy;

import java.util.Locale;

/** What kind of acting a request asks for; the wire names are part of the public grant contract. */
public enum Mode {
    /** Act as a user. */
    IMPERSONATE("impersonate"),
    /** A service acts for a user who presented their own token. */
    DELEGATE("delegate"),
    /** Act as a group principal. */
    GROUP("group");

    private final String wireName;

    Mode(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    int bit() {
        return 1 << ordinal();
    }

    /** @return the mode with this wire name, or {@code null} when there is none */
    public static Mode fromWireName(String name) {
        if (name == null) {
            return null;
        }
        String folded = name.toLowerCase(Locale.ROOT);
        for (Mode mode : values()) {
            if (mode.wireName.equals(folded)) {
                return mode;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return wireName;
    }
}
