package io.github.actas.keycloak.admin;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.github.actas.keycloak.persistence.ServiceAccountEntity;

/**
 * A service account as the admin API shows it. {@code key} is present only in the answers that create it
 * (creation, rotation): the server keeps nothing from which it could be shown again.
 */
@JsonPropertyOrder({"id", "name", "description", "namespace", "actsAs", "clients", "principal", "state", "created",
        "createdBy", "expiresAt", "lastUsed", "rotated", "revoked", "key"})
public record ServiceAccountRepresentation(String id, String name, String description, String namespace,
                                           Map<String, String> actsAs, List<String> clients, Party principal,
                                           String state, String created, Party createdBy, String expiresAt,
                                           String lastUsed, String rotated, String revoked,
                                           @JsonInclude(JsonInclude.Include.NON_NULL) String key) {

    public record Party(String id, String username) {
    }

    /**
     * @param namespacePath the namespace group's current path (null: the whole realm)
     * @param actsAs        {@code {"user": username}} or {@code {"group": path}}, or null
     */
    static ServiceAccountRepresentation of(ServiceAccountEntity a, String namespacePath, Map<String, String> actsAs,
                                           Party principal, long now, String key) {
        String state = a.getRevoked() > 0 ? "revoked" : a.getExpires() <= now ? "expired"
                : a.getExpiryNotice() == ServiceAccountEntity.EXPIRING_NOTICE ? "expiring" : "active";
        return new ServiceAccountRepresentation(a.getId(), a.getName(), a.getDescription(), namespacePath, actsAs,
                a.clientIds(), principal, state, time(a.getCreated()),
                new Party(a.getCreatedById(), a.getCreatedByUsername()), time(a.getExpires()), time(a.getLastUsed()),
                time(a.getRotated()), time(a.getRevoked()), key);
    }

    private static String time(long epochMillis) {
        return epochMillis == 0 ? null : Instant.ofEpochMilli(epochMillis).toString();
    }
}
