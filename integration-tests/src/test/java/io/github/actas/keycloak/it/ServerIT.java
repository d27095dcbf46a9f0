package io.github.actas.keycloak.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.actas.keycloak.harness.Http;
import org.junit.jupiter.api.Test;

/** The jar is deployed the way users deploy it and Keycloak lists what it provides. */
class ServerIT extends KeycloakIT {

    @Test
    void demoRealmIsServed() {
        Http.Response discovery = Http.get(server.realmUrl("acme") + "/.well-known/openid-configuration", null);
        assertThat(discovery.status()).isEqualTo(200);
        assertThat(discovery.json().get("issuer").asText()).isEqualTo(server.realmUrl("acme"));
    }

    @Test
    void serverInfoListsTheActAsProvidersWithVersionAndEffectiveConfig() {
        JsonNode providers = Http.get(server.baseUrl() + "/admin/serverinfo", masterAdminToken()).json().get("providers");

        JsonNode policy = providers.get("act-as-policy").get("providers").get("act-as-policy");
        assertThat(policy.get("operationalInfo").get("version").asText()).matches("\\d+\\.\\d+\\.\\d+.*");
        assertThat(policy.get("operationalInfo").get("max-duration-seconds").asText()).isEqualTo("28800");
        assertThat(policy.get("operationalInfo").get("default-duration-seconds").asText()).isEqualTo("3600");

        assertThat(providers.get("act-as-grant").get("providers").has("act-as-grant")).isTrue();
        JsonNode admin = providers.get("admin-realm-restapi-extension").get("providers").get("act-as");
        assertThat(admin.get("operationalInfo").get("path").asText()).isEqualTo("/admin/realms/{realm}/act-as");
    }

    @Test
    void grantsAreCompiledOncePerChangeNotPerRequestAndBeforeTheNextRequestAsks() throws InterruptedException {
        String token = token(POLICY_REALM, "root-admin", TEST_PASSWORD); // may see users and write grants
        String explain = actAsUrl(POLICY_REALM, "explain");
        String request = "{\"actor\":\"alice\",\"target\":\"carol\",\"client\":\"app\"}";
        Http.postJson(explain, token, request); // make sure the current revision is compiled

        long before = settledCompilations();
        for (int i = 0; i < 25; i++) {
            assertThat(Http.postJson(explain, token, request).json().get("allowed").asBoolean()).isTrue();
        }
        assertThat(compilations()).as("no grant changed: no recompilation").isEqualTo(before);

        String id = Http.postJson(actAsUrl(POLICY_REALM, "grants"), token,
                GrantJson.simple("compile-count-" + System.nanoTime(), "frank", "dave")).json().get("id").asText();
        // The node's warmer reloads the realm and compiles its new grants within a second or two, with no request.
        Await.until("the changed grants compiled before any request", 10_000, () -> compilations() > before);
        long warmed = settledCompilations();
        assertThat(warmed).as("one change: one compilation").isEqualTo(before + 1);
        for (int i = 0; i < 5; i++) {
            Http.postJson(explain, token, request);
        }
        assertThat(compilations()).as("the requests after it found the change compiled").isEqualTo(warmed);
        Http.delete(actAsUrl(POLICY_REALM, "grants") + "/" + id, token);
    }

    /** The count once no other realm's change is still being compiled (earlier tests change grants too). */
    private static long settledCompilations() throws InterruptedException {
        long count = compilations();
        for (int i = 0; i < 10; i++) {
            Thread.sleep(1500);
            long again = compilations();
            if (again == count) {
                return count;
            }
            count = again;
        }
        return count;
    }

    private static long compilations() {
        JsonNode info = Http.get(server.baseUrl() + "/admin/serverinfo", masterAdminToken()).json()
                .get("providers").get("act-as-policy").get("providers").get("act-as-policy").get("operationalInfo");
        return info.get("policy-compilations").asLong();
    }
}
