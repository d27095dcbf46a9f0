package io.github.actas.keycloak.admin;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.github.actas.keycloak.persistence.ActAsSessionEntity;

/** An Act-As session as the admin API shows it: a user session names its {@code target}, a group session its {@code group}. */
@JsonPropertyOrder({"id", "mode", "actor", "target", "group", "grant", "client", "reason", "started", "expires"})
public record SessionRepresentation(String id, String mode, Party actor,
                                    @JsonInclude(JsonInclude.Include.NON_NULL) Party target,
                                    @JsonInclude(JsonInclude.Include.NON_NULL) Group group,
                                    String grant, String client, String reason, String started, String expires) {

    public record Party(String id, String username) {
    }

    public record Group(String id, String path) {
    }

    static SessionRepresentation of(ActAsSessionEntity row) {
        boolean group = row.getGroupId() != null;
        return new SessionRepresentation(row.getId(), row.getMode(),
                new Party(row.getActorId(), row.getActorUsername()),
                group ? null : new Party(row.getTargetId(), row.getTargetUsername()),
                group ? new Group(row.getGroupId(), row.getGroupPath()) : null,
                row.getGrantName(), row.getClientId(), row.getReason(),
                Instant.ofEpochSecond(row.getStarted()).toString(),
                Instant.ofEpochSecond(row.getExpires()).toString());
    }
}
