package io.github.actas.keycloak.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.actas.keycloak.harness.Http;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code POST /admin/realms/{realm}/act-as/explain}, one row per policy rule, against the real server.
 * Each row evaluates one draft grant named "row" (so rows do not disturb each other or the live grants).
 */
class ExplainIT extends KeycloakIT {

    private static final String ALLOWED = null;
    private static String acmeUser1Id;

    @BeforeAll
    static void findUserOfAnotherRealm() {
        JsonNode users = Http.get(server.adminUrl("acme") + "/users?username=user_1&exact=true", masterAdminToken()).json();
        acmeUser1Id = users.get(0).get("id").asText();
    }

    /** name, explain request (without grants), draft grant, expected denial reason fragment or ALLOWED */
    static Stream<Arguments> rows() {
        return Stream.of(
                row("allowed via actor username glob",
                        request("alice", "carol"), grant("{\"users\":[\"ali*\"]}", "{\"users\":[\"carol\"]}"), ALLOWED),
                row("allowed via group subtree (actor in a subgroup)",
                        request("alice", "carol"), grant("{\"groups\":[\"/staff\"]}", "{\"users\":[\"carol\"]}"), ALLOWED),
                row("allowed via target group subtree (target in a subgroup)",
                        request("alice", "carol"), grant("{\"users\":[\"alice\"]}", "{\"groups\":[\"/customers\"]}"), ALLOWED),
                row("allowed via composite role",
                        request("alice", "carol"), grant("{\"roles\":[\"agent\"]}", "{\"users\":[\"carol\"]}"), ALLOWED),
                row("allowed via client role",
                        request("alice", "carol"), grant("{\"roles\":[\"crm/impersonator\"]}", "{\"users\":[\"carol\"]}"), ALLOWED),
                row("allowed via target role inherited through a group",
                        request("alice", "carol"), grant("{\"users\":[\"alice\"]}", "{\"roles\":[\"customer\"]}"), ALLOWED),
                row("allowed via client actor (service account)",
                        request("service-account-crm", "carol").put("mode", "delegate"),
                        grant("{\"clients\":[\"crm\"]}", "{\"users\":[\"carol\"]}").set("modes", array("delegate")), ALLOWED),
                row("denied: a wildcard does not make a service account an actor",
                        request("service-account-crm", "carol").put("mode", "delegate"),
                        grant("{\"users\":[\"*\"]}", "{\"users\":[\"carol\"]}").set("modes", array("delegate")),
                        "no enabled grant names 'service-account-crm'"),
                row("denied by exclude",
                        request("alice", "dave"), grant("{\"users\":[\"alice\"]}",
                                "{\"groups\":[\"/customers\"],\"exclude\":{\"users\":[\"dave\"]}}"), "'dave' is excluded"),
                row("denied for wrong mode",
                        request("alice", "carol"), grant("{\"users\":[\"alice\"]}", "{\"users\":[\"carol\"]}")
                                .set("modes", array("delegate")), "mode 'impersonate' is not allowed"),
                row("denied for a client not in clients",
                        request("alice", "carol"), grant("{\"users\":[\"alice\"]}", "{\"users\":[\"carol\"]}")
                                .set("clients", array("web")), "client 'app' is not among its clients"),
                row("denied before notBefore",
                        request("alice", "carol"), grant("{\"users\":[\"alice\"]}", "{\"users\":[\"carol\"]}")
                                .put("notBefore", "2999-01-01T00:00:00Z"), "not valid before 2999-01-01T00:00:00Z"),
                row("denied after notAfter",
                        request("alice", "carol"), grant("{\"users\":[\"alice\"]}", "{\"users\":[\"carol\"]}")
                                .put("notBefore", "2020-01-01T00:00:00Z").put("notAfter", "2021-01-01T00:00:00Z"),
                        "expired at 2021-01-01T00:00:00Z"),
                row("denied when a required reason is missing",
                        request("alice", "carol"), grant("{\"users\":[\"alice\"]}", "{\"users\":[\"carol\"]}")
                                .put("requireReason", true), "a reason is required"),
                row("denied when the reason fails reasonPattern",
                        request("alice", "carol").put("reason", "because"), grant("{\"users\":[\"alice\"]}",
                                "{\"users\":[\"carol\"]}").put("reasonPattern", "[A-Z]+-[0-9]+"), "does not match [A-Z]+-[0-9]+"),
                row("allowed when the reason matches reasonPattern",
                        request("alice", "carol").put("reason", "T-42"), grant("{\"users\":[\"alice\"]}",
                                "{\"users\":[\"carol\"]}").put("reasonPattern", "[A-Z]+-[0-9]+"), ALLOWED),
                row("denied below requireAcr",
                        request("alice", "carol").put("acr", "1"), grant("{\"users\":[\"alice\"]}",
                                "{\"users\":[\"carol\"]}").put("requireAcr", "gold"), "requires authentication level 'gold'"),
                row("allowed at requireAcr",
                        request("alice", "carol").put("acr", "2"), grant("{\"users\":[\"alice\"]}",
                                "{\"users\":[\"carol\"]}").put("requireAcr", "gold"), ALLOWED),
                row("self denied",
                        request("alice", "alice"), grant("{\"users\":[\"alice\"]}", "{\"users\":[\"*\"]}"),
                        "acting as oneself is not allowed"),
                row("disabled target denied",
                        request("alice", "erin"), grant("{\"users\":[\"alice\"]}", "{\"users\":[\"*\"]}"),
                        "user 'erin' is disabled"),
                row("target in another realm denied",
                        request("alice", "@acme-user_1"), grant("{\"users\":[\"alice\"]}", "{\"users\":[\"*\"]}"),
                        "does not exist in this realm"),
                row("service-account target by wildcard denied",
                        request("alice", "service-account-crm"), grant("{\"users\":[\"alice\"]}",
                                "{\"users\":[\"service-account-*\"]}"), "must be named exactly"),
                row("service-account target by exact name allowed",
                        request("alice", "service-account-crm"), grant("{\"users\":[\"alice\"]}",
                                "{\"users\":[\"service-account-crm\"]}"), ALLOWED),
                row("privileged target denied without allowPrivilegedTargets",
                        request("boss", "root-admin"), grant("{\"users\":[\"*\"]}", "{\"users\":[\"root-admin\"]}"),
                        "does not set allowPrivilegedTargets"),
                row("privileged target denied when the actor lacks one of its admin roles",
                        request("half-boss", "root-admin"), grant("{\"users\":[\"*\"]}", "{\"users\":[\"root-admin\"]}")
                                .put("allowPrivilegedTargets", true), "realm-management/manage-users"),
                row("privileged target allowed when the actor holds all its admin roles",
                        request("boss", "root-admin"), grant("{\"users\":[\"*\"]}", "{\"users\":[\"root-admin\"]}")
                                .put("allowPrivilegedTargets", true), ALLOWED),
                row("group mode allowed for a subgroup of a target group",
                        GrantJson.parse("{\"actor\":\"alice\",\"group\":\"/customers/eu\",\"client\":\"app\"}"),
                        grant("{\"users\":[\"alice\"]}", "{\"groups\":[\"/customers\"]}").set("modes", array("group")), ALLOWED),
                row("group mode denied for a group outside the targets",
                        GrantJson.parse("{\"actor\":\"alice\",\"group\":\"/staff\",\"client\":\"app\"}"),
                        grant("{\"users\":[\"alice\"]}", "{\"groups\":[\"/customers\"]}").set("modes", array("group")),
                        "'/staff' is not among its targets"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void explains(String name, ObjectNode request, ObjectNode draft, String deniedBecause) {
        if (request.has("target") && request.get("target").asText().equals("@acme-user_1")) {
            request.put("target", acmeUser1Id);
        }
        request.set("grants", Http.JSON.createArrayNode().add(draft));

        Http.Response response = Http.postJson(actAsUrl(POLICY_REALM, "explain"), explainerToken(), request);

        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        JsonNode answer = response.json();
        if (deniedBecause == ALLOWED) {
            assertThat(answer.get("allowed").asBoolean()).as(answer.toString()).isTrue();
            assertThat(answer.get("grant").asText()).isEqualTo("row");
        } else {
            assertThat(answer.get("allowed").asBoolean()).as(answer.toString()).isFalse();
            assertThat(answer.get("grant").isNull()).isTrue();
            assertThat(answer.get("reasons").toString()).contains(deniedBecause);
        }
    }

    @Test
    void actorHoldingNoGrantGetsTheSameAnswerForExistingAndMissingTargets() {
        String token = explainerToken();
        Http.Response existing = Http.postJson(actAsUrl(POLICY_REALM, "explain"), token,
                "{\"actor\":\"frank\",\"target\":\"carol\",\"client\":\"app\"}");
        Http.Response missing = Http.postJson(actAsUrl(POLICY_REALM, "explain"), token,
                "{\"actor\":\"frank\",\"target\":\"no-such-user\",\"client\":\"app\"}");
        Http.Response disabled = Http.postJson(actAsUrl(POLICY_REALM, "explain"), token,
                "{\"actor\":\"frank\",\"target\":\"erin\",\"client\":\"app\"}");
        assertThat(existing.status()).isEqualTo(200);
        assertThat(existing.json().get("allowed").asBoolean()).isFalse();
        assertThat(missing.body()).isEqualTo(existing.body());
        assertThat(disabled.body()).isEqualTo(existing.body());
        assertThat(existing.body()).doesNotContain("carol");
    }

    @Test
    void liveGrantsDecideWhenNoDraftIsGiven() {
        Http.Response live = Http.postJson(actAsUrl(POLICY_REALM, "explain"), explainerToken(),
                "{\"actor\":\"alice\",\"target\":\"carol\",\"client\":\"app\"}");
        assertThat(live.json().get("allowed").asBoolean()).as(live.toString()).isTrue();
        assertThat(live.json().get("grant").asText()).isEqualTo("live-helpdesk");
    }

    @Test
    void draftGrantsAreEvaluatedWithoutTouchingTheLiveOnes() {
        String token = explainerToken();
        String grantsBefore = Http.get(actAsUrl(POLICY_REALM, "grants"), token).body();
        String revisionBefore = revision();

        // The live grant allows alice -> carol; an empty draft set must say no, and a draft must say its own name.
        ObjectNode emptyDraft = GrantJson.parse("{\"actor\":\"alice\",\"target\":\"carol\",\"client\":\"app\",\"grants\":[]}");
        Http.Response withEmptyDraft = Http.postJson(actAsUrl(POLICY_REALM, "explain"), token, emptyDraft);
        assertThat(withEmptyDraft.json().get("allowed").asBoolean()).isFalse();

        ObjectNode draft = GrantJson.parse("{\"actor\":\"frank\",\"target\":\"dave\",\"client\":\"app\"}");
        draft.set("grants", Http.JSON.createArrayNode().add(GrantJson.simple("proposed", "frank", "dave")));
        Http.Response withDraft = Http.postJson(actAsUrl(POLICY_REALM, "explain"), token, draft);
        assertThat(withDraft.json().get("allowed").asBoolean()).isTrue();
        assertThat(withDraft.json().get("grant").asText()).isEqualTo("proposed");

        assertThat(Http.get(actAsUrl(POLICY_REALM, "grants"), token).body()).isEqualTo(grantsBefore);
        assertThat(revision()).isEqualTo(revisionBefore);
        Http.Response liveAfter = Http.postJson(actAsUrl(POLICY_REALM, "explain"), token,
                "{\"actor\":\"frank\",\"target\":\"dave\",\"client\":\"app\"}");
        assertThat(liveAfter.json().get("allowed").asBoolean()).isFalse();
    }

    @Test
    void invalidDraftsAndRequestsAreBadRequestsNamingTheField() {
        String token = explainerToken();
        String url = actAsUrl(POLICY_REALM, "explain");
        assertField(Http.postJson(url, token, "{\"target\":\"carol\"}"), "actor");
        assertField(Http.postJson(url, token, "{\"actor\":\"alice\"}"), "target");
        assertField(Http.postJson(url, token, "{\"actor\":\"alice\",\"target\":\"carol\",\"group\":\"/customers\"}"), "target");
        assertField(Http.postJson(url, token, "{\"actor\":\"alice\",\"target\":\"carol\",\"mode\":\"sudo\"}"), "mode");
        assertField(Http.postJson(url, token, "{\"actor\":\"alice\",\"target\":\"carol\",\"mode\":\"group\"}"), "mode");
        assertField(Http.postJson(url, token, "{\"actor\":\"alice\",\"target\":\"carol\",\"tenant\":\"x\"}"), "tenant");
        ObjectNode badDraft = GrantJson.parse("{\"actor\":\"alice\",\"target\":\"carol\"}");
        badDraft.set("grants", Http.JSON.createArrayNode().add(GrantJson.simple("ok", "alice", "carol"))
                .add(GrantJson.simple("bad", "alice", "carol").put("maxDurationSeconds", 0)));
        assertField(Http.postJson(url, token, badDraft), "grants[1].maxDurationSeconds");
    }

    @Test
    void unknownActorIsAnAnswerNotAnError() {
        Http.Response response = Http.postJson(actAsUrl(POLICY_REALM, "explain"), explainerToken(),
                "{\"actor\":\"nobody-at-all\",\"target\":\"carol\"}");
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().get("allowed").asBoolean()).isFalse();
        assertThat(response.json().get("reasons").toString()).contains("does not exist");
    }

    private static void assertField(Http.Response response, String field) {
        assertThat(response.status()).as(response.toString()).isEqualTo(400);
        assertThat(response.json().get("field").asText()).isEqualTo(field);
    }

    private static String revision() {
        JsonNode realm = Http.get(server.adminUrl(POLICY_REALM), masterAdminToken()).json();
        JsonNode attributes = realm.get("attributes");
        return attributes == null || attributes.get("act-as.grants.revision") == null ? null
                : attributes.get("act-as.grants.revision").asText();
    }

    private static Arguments row(String name, ObjectNode request, ObjectNode grant, String deniedBecause) {
        return Arguments.of(name, request, grant, deniedBecause);
    }

    private static ObjectNode request(String actor, String target) {
        return GrantJson.parse("{\"actor\":\"%s\",\"target\":\"%s\",\"client\":\"app\"}".formatted(actor, target));
    }

    private static ObjectNode grant(String actors, String targets) {
        return GrantJson.parse("{\"name\":\"row\",\"actors\":%s,\"targets\":%s,\"modes\":[\"impersonate\"],\"clients\":[\"*\"]}"
                .formatted(actors, targets));
    }

    private static ArrayNode array(String... values) {
        ArrayNode array = Http.JSON.createArrayNode();
        for (String value : values) {
            array.add(value);
        }
        return array;
    }

    /**
     * An administrator who may see users (and groups): explain tells others nothing about who exists
     * (HardeningIT), so these cases need one who may.
     */
    private static String explainerToken() {
        return token(POLICY_REALM, "root-admin", TEST_PASSWORD);
    }
}
