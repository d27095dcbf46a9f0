package io.github.actas.keycloak.audit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * Audit records as JSON: the DESIGN.md record, and the CloudEvents 1.0 structured event around it. Written
 * field by field with a streaming generator: every webhook delivery serializes one event, and this keeps
 * that to a single pass into UTF-8 bytes without building maps first.
 */
public final class AuditJson {

    /** CloudEvents {@code type} prefix; the record type follows. */
    public static final String EVENT_TYPE_PREFIX = "io.github.actas.";
    public static final String CONTENT_TYPE = "application/cloudevents+json";
    /** The CloudEvents JSON batch format's media type, for sinks that send several records per request. */
    public static final String BATCH_CONTENT_TYPE = "application/cloudevents-batch+json";

    /*
     * Always three fraction digits (Instant.toString drops them on a whole second), so that times sort as
     * strings too: consumers often order or compare records by this field without parsing it.
     */
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    // Configured once; thread-safe. Nulls are written: a field that is null says so rather than vanishing.
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .serializationInclusion(JsonInclude.Include.ALWAYS).build();
    private static final JsonFactory JSON = MAPPER.getFactory();

    private AuditJson() {
    }

    /** A CloudEvents 1.0 structured-mode event carrying the record, in UTF-8; the event id is the record id. */
    public static byte[] cloudEvent(AuditRecord r) {
        try (ByteArrayBuilder bytes = new ByteArrayBuilder(1024)) {
            try (JsonGenerator g = JSON.createGenerator(bytes, JsonEncoding.UTF8)) {
                writeCloudEvent(g, r);
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("audit record could not be serialized", e);
        }
    }

    /** A CloudEvents 1.0 JSON batch (an array of structured-mode events, one per record), in UTF-8. */
    public static byte[] cloudEventBatch(List<AuditRecord> records) {
        try (ByteArrayBuilder bytes = new ByteArrayBuilder(1024 * records.size())) {
            try (JsonGenerator g = JSON.createGenerator(bytes, JsonEncoding.UTF8)) {
                g.writeStartArray();
                for (AuditRecord r : records) {
                    writeCloudEvent(g, r);
                }
                g.writeEndArray();
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("audit records could not be serialized", e);
        }
    }

    private static void writeCloudEvent(JsonGenerator g, AuditRecord r) throws IOException {
        g.writeStartObject();
        g.writeStringField("specversion", "1.0");
        g.writeStringField("id", r.id());
        g.writeStringField("source", "/realms/" + r.realmName() + "/act-as");
        g.writeStringField("type", EVENT_TYPE_PREFIX + r.type().wireName());
        g.writeStringField("time", time(r));
        if (r.effectiveUser() != null && r.effectiveUser().id() != null) {
            g.writeStringField("subject", r.effectiveUser().id());
        }
        g.writeStringField("datacontenttype", "application/json");
        g.writeFieldName("data");
        writeRecord(g, r);
        g.writeEndObject();
    }

    /** Records in the DESIGN.md shape, as a JSON array (the query API's answer). */
    public static String records(List<AuditRecord> records) {
        try (ByteArrayBuilder bytes = new ByteArrayBuilder(512 * Math.max(1, records.size()))) {
            try (JsonGenerator g = JSON.createGenerator(bytes, JsonEncoding.UTF8)) {
                g.writeStartArray();
                for (AuditRecord r : records) {
                    writeRecord(g, r);
                }
                g.writeEndArray();
            }
            return new String(bytes.toByteArray(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("audit records could not be serialized", e);
        }
    }

    /** Any other answer of the admin API (maps and lists), nulls included. */
    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not be serialized", e);
        }
    }

    /** The record in the DESIGN.md shape; {@code effectiveGroup} replaces {@code effectiveUser} for groups. */
    private static void writeRecord(JsonGenerator g, AuditRecord r) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", r.id());
        g.writeStringField("time", time(r));
        g.writeStringField("realm", r.realmName());
        g.writeStringField("type", r.type().wireName());
        writeParty(g, "initiatingUser", r.initiatingUser());
        if (r.effectiveGroup() != null) {
            g.writeObjectFieldStart("effectiveGroup");
            g.writeStringField("id", r.effectiveGroup().id());
            g.writeStringField("path", r.effectiveGroup().path());
            g.writeEndObject();
        } else {
            writeParty(g, "effectiveUser", r.effectiveUser());
        }
        if (r.endedBy() != null) {
            writeParty(g, "endedBy", r.endedBy());
        }
        g.writeStringField("mode", r.mode());
        g.writeStringField("grant", r.grant());
        g.writeStringField("reason", r.reason());
        g.writeStringField("client", r.client());
        g.writeStringField("ipAddress", r.ipAddress());
        g.writeStringField("sessionId", r.sessionId());
        g.writeStringField("tokenId", r.tokenId());
        g.writeStringField("outcome", r.outcome().wireName());
        if (r.endReason() != null) {
            g.writeStringField("endReason", r.endReason().code());
        }
        g.writeStringField("error", r.error());
        g.writeEndObject();
    }

    private static void writeParty(JsonGenerator g, String name, AuditRecord.Party party) throws IOException {
        g.writeFieldName(name);
        if (party == null) {
            g.writeNull();
            return;
        }
        g.writeStartObject();
        g.writeStringField("id", party.id());
        g.writeStringField("username", party.username());
        g.writeEndObject();
    }

    private static String time(AuditRecord r) {
        return timestamp(r.time());
    }

    /** An epoch-millisecond time as an ISO-8601 UTC instant with exactly three fraction digits. */
    public static String timestamp(long epochMillis) {
        return TIME.format(Instant.ofEpochMilli(epochMillis));
    }
}
