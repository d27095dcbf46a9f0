package io.github.actas.keycloak.audit;

/** The way in a decision came through, as metrics name it. */
public enum Door {
    EXCHANGE("exchange"),
    BROWSER("browser"),
    SERVICE_ACCOUNT("service-account"),
    EXPLAIN("explain");

    private final String label;

    Door(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
