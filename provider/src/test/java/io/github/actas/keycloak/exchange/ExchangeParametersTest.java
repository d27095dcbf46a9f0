package io.github.actas.keycloak.exchange;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.github.actas.keycloak.exchange.ExchangeParameters.Kind;
import io.github.actas.keycloak.policy.Mode;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExchangeParametersTest {

    private static final String AT = ExchangeParameters.ACCESS_TOKEN_TYPE;

    private static Map<String, List<String>> form(String... pairs) {
        Map<String, List<String>> form = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            form.put(pairs[i], List.of(pairs[i + 1]));
        }
        return form;
    }

    @Test
    void detectsWhichDoorARequestIsFor() {
        assertThat(ExchangeParameters.detect(form("requested_subject", "u"), false)).isEqualTo(Kind.IMPERSONATE);
        assertThat(ExchangeParameters.detect(form("requested_group", "/g"), false)).isEqualTo(Kind.GROUP);
        assertThat(ExchangeParameters.detect(form("actor_token", "t"), false)).isEqualTo(Kind.DELEGATE);
        assertThat(ExchangeParameters.detect(form("actor_token_type", AT), false)).isEqualTo(Kind.DELEGATE);
        assertThat(ExchangeParameters.detect(form("act_as_mode", "delegate"), false)).isEqualTo(Kind.DELEGATE);
        assertThat(ExchangeParameters.detect(form("subject_token", "t"), true)).isEqualTo(Kind.CONTINUATION);
        // a plain standard exchange is left to Keycloak
        assertThat(ExchangeParameters.detect(form("subject_token", "t", "subject_token_type", AT, "audience", "x"), false)).isNull();
    }

    @Test
    void parsesAnImpersonation() {
        ExchangeParameters p = ExchangeParameters.parse(Kind.IMPERSONATE,
                form("subject_token", "tok", "subject_token_type", AT, "requested_subject", "user1", "reason", "T-1"));
        assertThat(p.kind.mode()).isEqualTo(Mode.IMPERSONATE);
        assertThat(p.requestedSubject).isEqualTo("user1");
        assertThat(p.reason).isEqualTo("T-1");
        assertThat(p.actorToken).isNull();
    }

    @Test
    void parsesADelegation() {
        ExchangeParameters p = ExchangeParameters.parse(Kind.DELEGATE,
                form("subject_token", "tok", "subject_token_type", AT, "actor_token", "act", "actor_token_type", AT));
        assertThat(p.kind.mode()).isEqualTo(Mode.DELEGATE);
        assertThat(p.actorToken).isEqualTo("act");
        assertThat(ExchangeParameters.parse(Kind.DELEGATE,
                form("subject_token", "tok", "subject_token_type", AT, "act_as_mode", "delegate")).actorToken).isNull();
    }

    @Test
    void refusesMalformedRequestsAsInvalidRequest() {
        assertInvalid(Kind.IMPERSONATE, form("subject_token_type", AT, "requested_subject", "u"), "subject_token");
        assertInvalid(Kind.IMPERSONATE, form("subject_token", "t", "requested_subject", "u"), "subject_token_type");
        assertInvalid(Kind.IMPERSONATE, form("subject_token", "t", "subject_token_type", "urn:x", "requested_subject", "u"), "subject_token_type");
        assertInvalid(Kind.IMPERSONATE, form("subject_token", "t", "subject_token_type", AT, "requested_subject", " "), "requested_subject");
        assertInvalid(Kind.IMPERSONATE, form("subject_token", "t", "subject_token_type", AT, "requested_subject", "u".repeat(256)), "longer");
        assertInvalid(Kind.IMPERSONATE, form("subject_token", "t", "subject_token_type", AT, "requested_subject", "u\u0000"), "control");
        assertInvalid(Kind.IMPERSONATE, form("subject_token", "t", "subject_token_type", AT, "requested_subject", "u",
                "actor_token", "a", "actor_token_type", AT), "cannot be combined");
        assertInvalid(Kind.IMPERSONATE, form("subject_token", "t", "subject_token_type", AT, "requested_subject", "u",
                "reason", " "), "reason");
        assertInvalid(Kind.IMPERSONATE, form("subject_token", "t", "subject_token_type", AT, "requested_subject", "u",
                "reason", "r".repeat(501)), "reason");
        assertInvalid(Kind.IMPERSONATE, form("subject_token", "t", "subject_token_type", AT, "requested_subject", "u",
                "subject_issuer", "x"), "subject_issuer");
        assertInvalid(Kind.DELEGATE, form("subject_token", "t", "subject_token_type", AT, "actor_token", "a"), "actor_token_type");
        assertInvalid(Kind.DELEGATE, form("subject_token", "t", "subject_token_type", AT, "actor_token_type", AT), "without actor_token");
        assertInvalid(Kind.DELEGATE, form("subject_token", "t", "subject_token_type", AT, "act_as_mode", "sudo"), "act_as_mode");
        assertInvalid(Kind.IMPERSONATE, form("subject_token", "t", "subject_token_type", AT, "requested_subject", "u",
                "act_as_mode", "delegate"), "act_as_mode");
        assertInvalid(Kind.GROUP, form("subject_token", "t", "subject_token_type", AT, "requested_group", "/g".repeat(501)),
                "requested_group");
        assertInvalid(Kind.GROUP, form("subject_token", "t", "subject_token_type", AT, "requested_group", "/g",
                "actor_token", "a", "actor_token_type", AT), "cannot be combined");
        assertInvalid(Kind.DELEGATE, form("subject_token", "t", "subject_token_type", AT, "act_as_mode", "group"),
                "needs requested_group");
        assertInvalid(Kind.GROUP, form("subject_token", "t", "subject_token_type", AT, "requested_group", "/g",
                "act_as_mode", "impersonate"), "act_as_mode");
    }

    @Test
    void aServiceAccountKeyIsItsOwnKindAndTakesNoActingParameters() {
        String keyType = "urn:io.github.actas:token-type:service-account-key";
        assertThat(ExchangeParameters.detect(form("subject_token", "k", "subject_token_type", keyType), false))
                .isEqualTo(Kind.SERVICE_ACCOUNT_KEY);
        ExchangeParameters p = ExchangeParameters.parse(Kind.SERVICE_ACCOUNT_KEY, form("subject_token", "k",
                "subject_token_type", keyType));
        assertThat(p.subjectToken).isEqualTo("k");
        assertInvalid(Kind.SERVICE_ACCOUNT_KEY, form("subject_token", "k", "subject_token_type", keyType,
                "requested_subject", "u"), "cannot be used with a service-account key");
        assertInvalid(Kind.SERVICE_ACCOUNT_KEY, form("subject_token_type", keyType), "subject_token");
    }

    @Test
    void aGroupRequestNamesItsGroup() {
        ExchangeParameters p = ExchangeParameters.parse(Kind.GROUP, form("subject_token", "t", "subject_token_type", AT,
                "requested_group", "/customers/eu", "act_as_mode", "group"));
        assertThat(p.requestedGroup).isEqualTo("/customers/eu");
        assertThat(p.kind.mode()).isEqualTo(Mode.GROUP);
    }

    private static void assertInvalid(Kind kind, Map<String, List<String>> form, String mentions) {
        assertThatThrownBy(() -> ExchangeParameters.parse(kind, form))
                .isInstanceOfSatisfying(ExchangeException.class, e -> {
                    assertThat(e.error()).isEqualTo("invalid_request");
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.getMessage()).contains(mentions);
                });
    }
}
