package io.github.actas.keycloak.admin;

import java.time.Duration;

/**
 * Server options of service-account keys ({@code --spi-admin-realm-restapi-extension--act-as--…}).
 *
 * @param maxLifetime     the latest a key may expire, from its creation (or rotation)
 * @param defaultLifetime when a key expires if its creator does not say
 */
record ServiceAccountSettings(Duration maxLifetime, Duration defaultLifetime) {

    static final String MAX_DAYS = "service-account-max-days";
    static final String DEFAULT_DAYS = "service-account-default-days";
    static final int DEFAULT_MAX_DAYS = 365;
    static final int DEFAULT_DEFAULT_DAYS = 90;

    /** Out-of-range values are brought into range: at least a day, and the default never above the maximum. */
    static ServiceAccountSettings of(int maxDays, int defaultDays) {
        int max = Math.max(1, maxDays);
        return new ServiceAccountSettings(Duration.ofDays(max), Duration.ofDays(Math.min(max, Math.max(1, defaultDays))));
    }
}
