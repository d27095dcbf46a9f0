package io.github.actas.keycloak.it;

import java.util.function.BooleanSupplier;

/** Waiting for something the server does in the background (delivery, housekeeping, another node). */
final class Await {

    private Await() {
    }

    static void until(String what, long millis, BooleanSupplier condition) {
        long deadline = System.currentTimeMillis() + millis;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            TokenExchangeIT.sleep(100);
        }
    }
}
