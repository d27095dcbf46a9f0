package io.github.actas.keycloak.admin;

import java.io.IOException;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.github.actas.keycloak.policy.GrantValidationException;

/**
 * JSON in and out of the Act-As admin API. Reading is strict (unknown fields, duplicate keys, wrong
 * types and trailing garbage are refused) and every error names the field, so a typo in a grant is
 * a 400 rather than a silently ignored condition.
 */
final class StrictJson {

    /** Larger bodies are refused before parsing. */
    static final int MAX_BODY_CHARS = 1_000_000;

    // Configured once, never reconfigured: ObjectMapper is thread-safe for reading and writing.
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .serializationInclusion(JsonInclude.Include.ALWAYS)
            .build();

    private StrictJson() {
    }

    static <T> T read(String body, Class<T> type) {
        if (body == null || body.isBlank()) {
            throw new GrantValidationException("body", "a JSON object is required");
        }
        if (body.length() > MAX_BODY_CHARS) {
            throw new GrantValidationException("body", "is larger than " + MAX_BODY_CHARS + " characters");
        }
        try {
            T value = MAPPER.readValue(body, type);
            if (value == null) {
                throw new GrantValidationException("body", "a JSON object is required");
            }
            return value;
        } catch (UnrecognizedPropertyException e) {
            throw new GrantValidationException(path(e.getPath()), "unknown field");
        } catch (JsonMappingException e) {
            String field = path(e.getPath());
            throw new GrantValidationException(field.isEmpty() ? "body" : field,
                    field.isEmpty() ? "must be a JSON object" : "has the wrong type or a duplicate key");
        } catch (JsonProcessingException e) {
            throw new GrantValidationException("body", "is not valid JSON");
        } catch (IOException e) {
            throw new GrantValidationException("body", "could not be read");
        }
    }

    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Act-As representation could not be serialized", e);
        }
    }

    /** {@code actors.users[2]} style path of a Jackson error. */
    private static String path(List<JsonMappingException.Reference> references) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference reference : references) {
            if (reference.getFieldName() != null) {
                if (sb.length() > 0) {
                    sb.append('.');
                }
                sb.append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                sb.append('[').append(reference.getIndex()).append(']');
            }
        }
        return sb.toString();
    }
}
