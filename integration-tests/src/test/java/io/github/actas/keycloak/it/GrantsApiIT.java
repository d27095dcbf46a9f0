package io.github.actas.keycloak.it;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.actas.keycloak.harness.Http;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code /admin/realms/{realm}/act-as/grants} against the real server. */
class GrantsApiIT extends KeycloakIT {

    private static String grantsUrl() {
        return actAsUrl(POLICY_REALM, "grants");
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void createGetListReplaceDeleteRoundTrip() {
        String token = policyAdminToken();
        ObjectNode grant = GrantJson.valid(unique("round-trip"));

        Http.Response created = Http.postJson(grantsUrl(), token, grant);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String id = created.json().get("id").asText();
        assertThat(created.header("Location")).isEqualTo(grantsUrl() + "/" + id);

        ObjectNode expected = grant.deepCopy();
        expected.put("id", id);
        expected.put("enabled", true);
        expected.put("trustActorUsernames", false);
        ((ObjectNode) expected.get("actors")).putArray("serviceAccounts"); // every list is answered, empty or not
        assertThat(created.json()).isEqualTo(expected);

        Http.Response fetched = Http.get(created.header("Location"), token);
        assertThat(fetched.status()).isEqualTo(200);
        assertThat(fetched.json()).isEqualTo(created.json());

        Http.Response list = Http.get(grantsUrl(), token);
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.json().findValuesAsText("id")).contains(id);

        ObjectNode replacement = created.json().deepCopy();
        replacement.put("description", "changed");
        replacement.put("maxDurationSeconds", 60);
        replacement.put("enabled", false);
        Http.Response replaced = Http.putJson(grantsUrl() + "/" + id, token, replacement);
        assertThat(replaced.status()).as(replaced.toString()).isEqualTo(200);
        assertThat(replaced.json()).isEqualTo(replacement);
        assertThat(Http.get(grantsUrl() + "/" + id, token).json()).isEqualTo(replacement);

        assertThat(Http.delete(grantsUrl() + "/" + id, token).status()).isEqualTo(204);
        assertThat(Http.get(grantsUrl() + "/" + id, token).status()).isEqualTo(404);
        assertThat(Http.delete(grantsUrl() + "/" + id, token).status()).isEqualTo(404);
        assertThat(Http.putJson(grantsUrl() + "/" + id, token, replacement).status()).isEqualTo(404);
    }

    @Test
    void omittedDurationBecomesTheServerDefaultAndListsPage() {
        String token = policyAdminToken();
        Http.Response created = Http.postJson(grantsUrl(), token, GrantJson.simple(unique("defaults"), "alice", "carol"));
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().get("maxDurationSeconds").asInt()).isEqualTo(3600);
        assertThat(created.json().get("requireReason").asBoolean()).isFalse();

        int total = Http.get(grantsUrl(), token).json().size();
        assertThat(total).isGreaterThanOrEqualTo(2);
        assertThat(Http.get(grantsUrl() + "?first=1&max=1", token).json().size()).isEqualTo(1);
        assertThat(Http.get(grantsUrl() + "?first=" + total, token).json().size()).isZero();
        assertThat(Http.get(grantsUrl() + "?first=-1", token).status()).isEqualTo(400);
        Http.delete(grantsUrl() + "/" + created.json().get("id").asText(), token);
    }

    static Stream<Arguments> invalidGrants() {
        return Stream.of(
                invalid("name", "missing name", g -> g.remove("name")),
                invalid("name", "blank name", g -> g.put("name", "  ")),
                invalid("name", "duplicate name", g -> g.put("name", "live-helpdesk")),
                invalid("name", "duplicate name, other case", g -> g.put("name", "LIVE-HELPDESK")),
                invalid("name", "bad name characters", g -> g.put("name", "support desk!")),
                invalid("name", "name starting with a dash", g -> g.put("name", "-x")),
                invalid("actors", "empty actor selector", g -> g.set("actors", GrantJson.parse("{}"))),
                invalid("actors", "no actor selector", g -> g.remove("actors")),
                invalid("targets", "empty target selector", g -> g.set("targets", GrantJson.parse("{\"users\":[]}"))),
                invalid("modes", "unknown mode", g -> g.set("modes", GrantJson.json("[\"impersonate\",\"sudo\"]"))),
                invalid("modes", "no mode", g -> g.set("modes", GrantJson.json("[]"))),
                invalid("clients", "unknown receiving client", g -> g.set("clients", GrantJson.json("[\"no-such-app\"]"))),
                invalid("clients", "no receiving client", g -> g.remove("clients")),
                invalid("actors.clients", "unknown actor client", g -> g.withObjectProperty("actors").set("clients", GrantJson.json("[\"ghost\"]"))),
                invalid("actors.groups", "actor group does not exist", g -> g.withObjectProperty("actors").set("groups", GrantJson.json("[\"/nope\"]"))),
                invalid("targets.groups", "target group does not exist", g -> g.withObjectProperty("targets").set("groups", GrantJson.json("[\"/customers/mars\"]"))),
                invalid("targets.exclude.groups", "excluded group does not exist", g -> g.withObjectProperty("targets").withObjectProperty("exclude").set("groups", GrantJson.json("[\"/nope\"]"))),
                invalid("actors.roles", "unknown role", g -> g.withObjectProperty("actors").set("roles", GrantJson.json("[\"no-such-role\"]"))),
                invalid("maxDurationSeconds", "zero duration", g -> g.put("maxDurationSeconds", 0)),
                invalid("maxDurationSeconds", "negative duration", g -> g.put("maxDurationSeconds", -1)),
                invalid("maxDurationSeconds", "duration above the server cap", g -> g.put("maxDurationSeconds", 28_801)),
                invalid("maxDurationSeconds", "duration as a string", g -> g.put("maxDurationSeconds", "1800")),
                invalid("notAfter", "notAfter before notBefore", g -> g.put("notAfter", "2025-01-01T00:00:00Z")),
                invalid("notBefore", "notBefore not a date", g -> g.put("notBefore", "next tuesday")),
                invalid("reasonPattern", "invalid reasonPattern", g -> g.put("reasonPattern", "[A-Z+")),
                invalid("reasonHint", "reasonHint over 100 characters", g -> g.put("reasonHint", "T".repeat(101))),
                invalid("requireAcr", "unknown acr level", g -> g.put("requireAcr", "platinum")),
                invalid("enabled", "enabled not a boolean", g -> g.put("enabled", "yes")),
                invalid("colour", "unknown top-level field", g -> g.put("colour", "blue")),
                invalid("targets.exclude.teams", "unknown nested field", g -> g.withObjectProperty("targets").withObjectProperty("exclude").put("teams", "x")),
                invalid("actors.users", "blank username glob", g -> g.withObjectProperty("actors").set("users", GrantJson.json("[\"\"]"))));
    }

    private static Arguments invalid(String field, String description, Consumer<ObjectNode> change) {
        return Arguments.of(description, field, change);
    }

    @ParameterizedTest(name = "{0} -> 400 naming {1}")
    @MethodSource("invalidGrants")
    void invalidGrantsAreRefusedNamingTheField(String description, String field, Consumer<ObjectNode> change) {
        String token = policyAdminToken();
        int before = Http.get(grantsUrl(), token).json().size();

        Http.Response created = Http.postJson(grantsUrl(), token, GrantJson.valid(unique("invalid"), change));
        assertThat(created.status()).as(created.toString()).isEqualTo(400);
        assertThat(created.json().get("field").asText()).isEqualTo(field);
        assertThat(created.json().get("errorMessage").asText()).startsWith(field + ": ");

        // The same validation guards replacement, and nothing is half-written either way.
        String id = Http.postJson(grantsUrl(), token, GrantJson.valid(unique("target-of-put"))).json().get("id").asText();
        ObjectNode replacement = GrantJson.valid(unique("replacement"), change);
        Http.Response replaced = Http.putJson(grantsUrl() + "/" + id, token, replacement);
        assertThat(replaced.status()).as(replaced.toString()).isEqualTo(400);
        assertThat(replaced.json().get("field").asText()).isEqualTo(field);
        Http.delete(grantsUrl() + "/" + id, token);
        assertThat(Http.get(grantsUrl(), token).json().size()).isEqualTo(before);
    }

    @Test
    void malformedBodiesAreRefusedAsBadRequests() {
        String token = policyAdminToken();
        for (String body : List.of("", "not json", "[]", "null", "{\"name\":\"a\",\"name\":\"b\"}", "{} trailing", "42")) {
            Http.Response response = Http.postJson(grantsUrl(), token, body);
            assertThat(response.status()).as("body %s -> %s", body, response).isEqualTo(400);
            assertThat(response.json().get("errorMessage").asText()).isNotBlank();
        }
    }

    @Test
    void idInTheBodyMustMatchThePath() {
        String token = policyAdminToken();
        JsonNode created = Http.postJson(grantsUrl(), token, GrantJson.simple(unique("id-check"), "alice", "carol")).json();
        ObjectNode other = created.deepCopy();
        other.put("id", "someone-else");
        Http.Response response = Http.putJson(grantsUrl() + "/" + created.get("id").asText(), token, other);
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("field").asText()).isEqualTo("id");
        Http.delete(grantsUrl() + "/" + created.get("id").asText(), token);
    }

    @Test
    void idsOfOtherComponentsAreNotGrants() {
        String token = policyAdminToken();
        JsonNode components = Http.get(server.adminUrl(POLICY_REALM) + "/components", masterAdminToken()).json();
        String keyProviderId = null;
        for (JsonNode component : components) {
            if (!component.get("providerType").asText().contains("act")) {
                keyProviderId = component.get("id").asText();
                break;
            }
        }
        assertThat(keyProviderId).isNotNull();
        assertThat(Http.get(grantsUrl() + "/" + keyProviderId, token).status()).isEqualTo(404);
        assertThat(Http.delete(grantsUrl() + "/" + keyProviderId, token).status()).isEqualTo(404);
    }

    @Test
    void keycloaksOwnComponentApiCannotBypassValidation() {
        ObjectNode component = GrantJson.parse("""
                { "name": "%s", "providerId": "act-as-grant", "providerType": "io.github.actas.keycloak.policy.GrantProvider",
                  "config": { "actors.users": ["alice"], "targets.users": ["carol"], "modes": ["sudo"], "clients": ["*"] } }
                """.formatted(unique("via-components")));
        Http.Response response = Http.postJson(server.adminUrl(POLICY_REALM) + "/components", masterAdminToken(), component);
        assertThat(response.status()).as(response.toString()).isEqualTo(400);
        assertThat(response.body()).contains("modes");
    }

    @Test
    void permissionMatrix() {
        String url = grantsUrl();
        ObjectNode grant = GrantJson.simple(unique("perm"), "alice", "carol");

        // No token: Keycloak itself answers 401 before Act-As is reached.
        assertThat(Http.get(url, null).status()).isEqualTo(401);
        assertThat(Http.postJson(url, null, grant).status()).isEqualTo(401);
        assertThat(Http.postJson(actAsUrl(POLICY_REALM, "explain"), null, "{}").status()).isEqualTo(401);

        // A plain user of the realm, and an administrator of another realm: 403.
        for (String token : List.of(token(POLICY_REALM, "plain", TEST_PASSWORD), token(OTHER_REALM, "other-admin", TEST_PASSWORD))) {
            assertThat(Http.get(url, token).status()).isEqualTo(403);
            assertThat(Http.postJson(url, token, grant).status()).isEqualTo(403);
            assertThat(Http.postJson(actAsUrl(POLICY_REALM, "explain"), token,
                    "{\"actor\":\"alice\",\"target\":\"carol\"}").status()).isEqualTo(403);
        }

        // Viewers read, but may not write.
        for (String viewer : List.of("viewer-realm", "viewer-users")) {
            String token = token(POLICY_REALM, viewer, TEST_PASSWORD);
            assertThat(Http.get(url, token).status()).as(viewer).isEqualTo(200);
            assertThat(Http.postJson(actAsUrl(POLICY_REALM, "explain"), token,
                    "{\"actor\":\"alice\",\"target\":\"carol\"}").status()).as(viewer).isEqualTo(200);
            Http.Response refused = Http.postJson(url, token, grant);
            assertThat(refused.status()).as(viewer).isEqualTo(403);
            assertThat(refused.json().get("errorMessage").asText()).contains("manage-realm or manage-users");
        }

        // Managers write.
        for (String manager : List.of("manager-realm", "manager-users")) {
            String token = token(POLICY_REALM, manager, TEST_PASSWORD);
            Http.Response created = Http.postJson(url, token, GrantJson.simple(unique(manager), "alice", "carol"));
            assertThat(created.status()).as(manager + ": " + created).isEqualTo(201);
            String id = created.json().get("id").asText();
            assertThat(Http.putJson(url + "/" + id, token, created.json()).status()).as(manager).isEqualTo(200);
            assertThat(Http.delete(url + "/" + id, token).status()).as(manager).isEqualTo(204);
        }

        // The master administrator may manage any realm.
        String master = masterAdminToken();
        Http.Response created = Http.postJson(url, master, GrantJson.simple(unique("by-master"), "alice", "carol"));
        assertThat(created.status()).isEqualTo(201);
        assertThat(Http.delete(url + "/" + created.json().get("id").asText(), master).status()).isEqualTo(204);
    }

    @Test
    void everyChangeIsAnAdminEvent() {
        String token = policyAdminToken();
        String name = unique("audited");
        String id = Http.postJson(grantsUrl(), token, GrantJson.simple(name, "alice", "carol")).json().get("id").asText();
        ObjectNode changed = Http.get(grantsUrl() + "/" + id, token).json().deepCopy();
        changed.put("description", "changed");
        assertThat(Http.putJson(grantsUrl() + "/" + id, token, changed).status()).isEqualTo(200);
        assertThat(Http.delete(grantsUrl() + "/" + id, token).status()).isEqualTo(204);

        JsonNode events = Http.get(server.adminUrl(POLICY_REALM) + "/admin-events?resourceTypes=CUSTOM&resourcePath=act-as/grants/" + id + "&max=200",
                masterAdminToken()).json();
        List<String> operations = new ArrayList<>();
        for (JsonNode event : events) {
            assertThat(event.get("resourcePath").asText()).isEqualTo("act-as/grants/" + id);
            assertThat(event.get("resourceType").asText()).isEqualTo("CUSTOM");
            assertThat(event.get("authDetails").get("userId").asText()).isNotBlank();
            assertThat(event.get("representation").asText()).contains(name);
            operations.add(event.get("operationType").asText());
        }
        assertThat(operations).containsExactlyInAnyOrder("CREATE", "UPDATE", "DELETE");
    }
}
