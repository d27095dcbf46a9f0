package io.github.actas.keycloak.audit;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** Audit records as JSON: the DESIGN.md record, and the CloudEvents 1.0 structured event around it. */
public final class AuditJson {

    /** CloudEvents {@code type} prefix; the record type follows. */
    public static final String EVENT_TYPE_PREFIX = "io.github.actas.";
    public static final String CONTENT_TYPE = "application/cloudevents+json";

    // Configured once; thread-safe for writing.
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .serializationInclusion(JsonInclude.Include.ALWAYS).build();

    private AuditJson() {
    }

    /** The record in the DESIGN.md shape; {@code effectiveGroup} replaces {@code effectiveUser} for groups. */
    public static Map<String, Object> record(AuditRecord r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("time", Instant.ofEpochMilli(r.time()).toString());
        m.put("realm", r.realmName());
        m.put("type", r.type());
        m.put("initiatingUser", party(r.initiatingUser()));
        if (r.effectiveGroup() != null) {
            m.put("effectiveGroup", r.effectiveGroup());
        } else {
            m.put("effectiveUser", party(r.effectiveUser()));
        }
        if (r.endedBy() != null) {
            m.put("endedBy", party(r.endedBy()));
        }
        m.put("mode", r.mode());
        m.put("grant", r.grant());
        m.put("reason", r.reason());
        m.put("client", r.client());
        m.put("ipAddress", r.ipAddress());
        m.put("sessionId", r.sessionId());
        m.put("tokenId", r.tokenId());
        m.put("outcome", r.outcome());
        m.put("error", r.error());
        return m;
    }

    /** A CloudEvents 1.0 structured-mode event carrying the record; the event id is the record id. */
    public static String cloudEvent(AuditRecord r) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("specversion", "1.0");
        event.put("id", r.id());
        event.put("source", "/realms/" + r.realmName() + "/act-as");
        event.put("type", EVENT_TYPE_PREFIX + r.type());
        event.put("time", Instant.ofEpochMilli(r.time()).toString());
        if (r.effectiveUser() != null && r.effectiveUser().id() != null) {
            event.put("subject", r.effectiveUser().id());
        }
        event.put("datacontenttype", "application/json");
        event.put("data", record(r));
        return write(event);
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("audit record could not be serialized", e);
        }
    }

    private static Map<String, Object> party(AuditRecord.Party party) {
        if (party == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", party.id());
        m.put("username", party.username());
        return m;
    }
}
