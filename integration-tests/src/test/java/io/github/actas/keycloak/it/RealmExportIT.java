package io.github.actas.keycloak.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.actas.keycloak.harness.Http;
import org.junit.jupiter.api.Test;

/** Grants travel with a realm export and come back on import. */
class RealmExportIT extends KeycloakIT {

    private static final String REALM = "export-it";

    @Test
    void grantCreatedThroughTheApiSurvivesExportAndReimport() {
        String admin = masterAdminToken();
        Http.delete(server.adminUrl(REALM), admin);
        assertThat(Http.postJson(server.baseUrl() + "/admin/realms", admin, resource("realms/export-it-realm.json")).status())
                .isEqualTo(201);

        ObjectNode grant = GrantJson.parse("""
                { "name": "exported", "description": "travels with the realm",
                  "actors": { "users": ["lead*"], "groups": ["/desk"] },
                  "targets": { "groups": ["/clients"], "exclude": { "users": ["client-vip"] } },
                  "modes": ["impersonate", "group"], "clients": ["portal"], "maxDurationSeconds": 900,
                  "requireReason": true, "reasonPattern": "T-[0-9]+", "notAfter": "2031-01-01T00:00:00Z" }
                """);
        Http.Response created = Http.postJson(server.adminUrl(REALM) + "/act-as/grants", admin, grant);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        JsonNode stored = created.json();

        Http.Response export = Http.postJson(server.adminUrl(REALM)
                + "/partial-export?exportGroupsAndRoles=true&exportClients=true", admin, "");
        assertThat(export.status()).isEqualTo(200);
        JsonNode exportedGrants = export.json().get("components").get("io.github.actas.keycloak.policy.GrantProvider");
        assertThat(exportedGrants.findValuesAsText("name")).containsExactly("exported");
        assertThat(exportedGrants.get(0).get("config").get("targets.exclude.users").get(0).asText()).isEqualTo("client-vip");

        assertThat(Http.delete(server.adminUrl(REALM), admin).status()).isEqualTo(204);
        assertThat(Http.get(server.adminUrl(REALM) + "/act-as/grants", admin).status()).isEqualTo(404);

        Http.Response reimported = Http.postJson(server.baseUrl() + "/admin/realms", admin, export.body());
        assertThat(reimported.status()).as(reimported.toString()).isEqualTo(201);

        JsonNode grants = Http.get(server.adminUrl(REALM) + "/act-as/grants", admin).json();
        assertThat(grants.size()).isEqualTo(1);
        assertThat(grants.get(0)).isEqualTo(stored);

        // ... and the re-imported grant decides (a partial export carries no users: add them back).
        for (String[] user : new String[][] {{"lead1", "/desk"}, {"client1", "/clients"}}) {
            Http.Response createdUser = Http.postJson(server.adminUrl(REALM) + "/users", admin,
                    "{\"username\":\"%s\",\"enabled\":true,\"groups\":[\"%s\"]}".formatted(user[0], user[1]));
            assertThat(createdUser.status()).as(createdUser.toString()).isEqualTo(201);
        }
        JsonNode answer = Http.postJson(server.adminUrl(REALM) + "/act-as/explain", admin,
                "{\"actor\":\"lead1\",\"target\":\"client1\",\"client\":\"portal\",\"reason\":\"T-9\"}").json();
        assertThat(answer.get("grant").asText()).as(answer.toString()).isEqualTo("exported");
        Http.delete(server.adminUrl(REALM), admin);
    }
}
