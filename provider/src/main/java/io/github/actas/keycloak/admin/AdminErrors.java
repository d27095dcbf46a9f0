package io.github.actas.keycloak.admin;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Error bodies in the shape of Keycloak's admin API ({@code errorMessage}, plus {@code field} for 400s). */
final class AdminErrors {

    private AdminErrors() {
    }

    static Response badRequest(String field, String message) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("field", field);
        body.put("errorMessage", message);
        return json(Response.Status.BAD_REQUEST, body);
    }

    static Response forbidden(String message) {
        return json(Response.Status.FORBIDDEN, Map.of("errorMessage", message));
    }

    static Response conflict(String field, String message) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("field", field);
        body.put("errorMessage", message);
        return json(Response.Status.CONFLICT, body);
    }

    static Response notFound(String message) {
        return json(Response.Status.NOT_FOUND, Map.of("errorMessage", message));
    }

    private static Response json(Response.Status status, Object body) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(StrictJson.write(body)).build();
    }
}
