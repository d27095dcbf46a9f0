package io.github.actas.keycloak.admin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.github.actas.keycloak.audit.delivery.AuditSinkConfig;

/**
 * An audit sink in the admin API. The secret is write-only: reads show {@value #MASK} when one is set,
 * and a replacement that sends the mask (or no secret) keeps the stored one, as Keycloak's own APIs do.
 */
@JsonPropertyOrder({"id", "name", "type", "enabled", "url", "secret", "timeoutMillis", "retentionHours", "batchSize"})
public record SinkRepresentation(String id, String name, String type, Boolean enabled, String url, String secret,
                                 Integer timeoutMillis, Integer retentionHours, Integer batchSize) {

    public static final String MASK = "**********";

    static SinkRepresentation of(AuditSinkConfig c) {
        return new SinkRepresentation(c.id(), c.name(), c.type(), c.enabled(), c.url(),
                c.secret() == null ? null : MASK, c.timeoutMillis(), c.retentionHours(),
                AuditSinkConfig.WEBHOOK.equals(c.type()) ? c.batchSize() : null);
    }

    /** The component config; {@code storedSecret} is kept when this representation carries none or the mask. */
    Map<String, List<String>> toConfig(String storedSecret) {
        Map<String, List<String>> config = new LinkedHashMap<>();
        put(config, AuditSinkConfig.TYPE, type);
        put(config, AuditSinkConfig.ENABLED, enabled == null ? null : enabled.toString());
        put(config, AuditSinkConfig.URL, url);
        put(config, AuditSinkConfig.SECRET, secret == null || MASK.equals(secret) ? storedSecret : secret);
        put(config, AuditSinkConfig.TIMEOUT_MILLIS, timeoutMillis == null ? null : timeoutMillis.toString());
        put(config, AuditSinkConfig.RETENTION_HOURS, retentionHours == null ? null : retentionHours.toString());
        put(config, AuditSinkConfig.BATCH_SIZE, batchSize == null ? null : batchSize.toString());
        return config;
    }

    private static void put(Map<String, List<String>> config, String key, String value) {
        if (value != null && !value.isBlank()) {
            config.put(key, new ArrayList<>(List.of(value)));
        }
    }
}
