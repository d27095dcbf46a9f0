package io.github.actas.keycloak.admin;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.github.actas.keycloak.persistence.ActAsSessionEntity;

/** An Act-As session as the admin API shows it. */
@JsonPropertyOrder({"id", "mode", "actor", "target", "grant", "client", "reason", "started", "expires"})
public record SessionRepresentation(String id, String mode, Party actor, Party target, String grant, String client,
                                    String reason, String started, String expires) {

    public record Party(String id, String username) {
    }

    static SessionRepresentation of(ActAsSessionEntity row) {
        return new SessionRepresentation(row.getId(), row.getMode(),
                new Party(row.getActorId(), row.getActorUsername()),
                new Party(row.getTargetId(), row.getTargetUsername()),
                row.getGrantName(), row.getClientId(), row.getReason(),
                Instant.ofEpochSecond(row.getStarted()).toString(),
                Instant.ofEpochSecond(row.getExpires()).toString());
    }
}
