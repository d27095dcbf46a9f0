package io.github.actas.keycloak.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.actas.keycloak.harness.Http;

/** Grant JSON for tests: a valid base, changed per case. */
final class GrantJson {

    private GrantJson() {
    }

    /** A valid grant in the policy-it realm. */
    static ObjectNode valid(String name) {
        return parse("""
                {
                  "name": "%s",
                  "description": "integration test grant",
                  "actors":  { "users": ["ali*"], "groups": ["/staff"], "roles": ["agent"], "clients": ["crm"] },
                  "targets": { "users": ["carol"], "groups": ["/customers"], "roles": [],
                               "exclude": { "users": ["dave"], "groups": [], "roles": [] } },
                  "modes": ["impersonate", "delegate"],
                  "clients": ["app", "web"],
                  "maxDurationSeconds": 1200,
                  "requireReason": true,
                  "reasonPattern": "[A-Z]+-[0-9]+",
                  "reasonHint": "T-1234",
                  "requireAcr": "silver",
                  "notifyTarget": false,
                  "allowPrivilegedTargets": false,
                  "notBefore": "2026-01-01T00:00:00Z",
                  "notAfter": "2030-01-01T00:00:00Z"
                }
                """.formatted(name));
    }

    static ObjectNode valid(String name, Consumer<ObjectNode> change) {
        ObjectNode grant = valid(name);
        change.accept(grant);
        return grant;
    }

    /** A small grant: actors and targets by username, any client. */
    static ObjectNode simple(String name, String actor, String target) {
        return parse("""
                { "name": "%s", "actors": { "users": ["%s"] }, "targets": { "users": ["%s"] },
                  "modes": ["impersonate"], "clients": ["*"] }
                """.formatted(name, actor, target));
    }

    static ObjectNode parse(String json) {
        return (ObjectNode) json(json);
    }

    static JsonNode json(String json) {
        try {
            return Http.JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
