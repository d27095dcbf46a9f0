package io.github.actas.keycloak.acting;

/** Durations for people: the largest unit that divides evenly, else minutes and seconds. */
public final class Durations {

    private Durations() {
    }

    public static String describe(long seconds) {
        if (seconds >= 3600 && seconds % 3600 == 0) {
            return plural(seconds / 3600, "hour");
        }
        if (seconds >= 60 && seconds % 60 == 0) {
            return plural(seconds / 60, "minute");
        }
        if (seconds > 60) {
            return plural(seconds / 60, "minute") + " " + plural(seconds % 60, "second");
        }
        return plural(seconds, "second");
    }

    private static String plural(long n, String unit) {
        return n + " " + unit + (n == 1 ? "" : "s");
    }
}
