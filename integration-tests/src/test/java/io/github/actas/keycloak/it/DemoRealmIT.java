package io.github.actas.keycloak.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.actas.keycloak.harness.Http;
import org.junit.jupiter.api.Test;

/** The demo realm imported from realm-export/ carries working grants (what the README shows). */
class DemoRealmIT extends KeycloakIT {

    private static String acmeAdmin() {
        return token("acme", "acme-admin", "demo");
    }

    private static JsonNode explain(String json) {
        Http.Response response = Http.postJson(actAsUrl("acme", "explain"), acmeAdmin(), json);
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return response.json();
    }

    @Test
    void demoGrantsAreImportedWithTheRealm() {
        JsonNode grants = Http.get(actAsUrl("acme", "grants"), acmeAdmin()).json();
        assertThat(grants.findValuesAsText("name"))
                .contains("admins-test-accounts", "eu-holiday-cover", "support-desk", "ticket-service-delegation");
    }

    @Test
    void demoGrantsDecideAsDocumented() {
        // wildcard actor and target
        assertThat(explain("{\"actor\":\"admin1\",\"target\":\"user_1\",\"client\":\"demo-app\"}").get("grant").asText())
                .isEqualTo("admins-test-accounts");
        // ... but only for the listed clients
        assertThat(explain("{\"actor\":\"admin1\",\"target\":\"user_1\",\"client\":\"ticket-service\"}")
                .get("allowed").asBoolean()).isFalse();
        // group subtree + reason pattern
        assertThat(explain("{\"actor\":\"support1\",\"target\":\"user_2\",\"client\":\"demo-app\",\"reason\":\"INC-7\"}")
                .get("grant").asText()).isEqualTo("support-desk");
        assertThat(explain("{\"actor\":\"support1\",\"target\":\"user_2\",\"client\":\"demo-app\"}")
                .get("reasons").toString()).contains("a reason is required");
        // exclusion
        assertThat(explain("{\"actor\":\"support1\",\"target\":\"vip1\",\"client\":\"demo-app\",\"reason\":\"INC-7\"}")
                .get("reasons").toString()).contains("'vip1' is excluded");
        // client actor (delegation) by role
        assertThat(explain("{\"actor\":\"service-account-ticket-service\",\"target\":\"user_2\",\"mode\":\"delegate\"}")
                .get("grant").asText()).isEqualTo("ticket-service-delegation");
        // time-boxed grant, group mode
        assertThat(explain("{\"actor\":\"admin2\",\"group\":\"/customers/eu\"}").get("grant").asText())
                .isEqualTo("eu-holiday-cover");
        // the realm administrator is privileged: nobody may act as them
        assertThat(explain("{\"actor\":\"admin1\",\"target\":\"acme-admin\",\"client\":\"demo-app\"}")
                .get("allowed").asBoolean()).isFalse();
    }
}
