package io.github.actas.keycloak.policy;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import static io.github.actas.keycloak.policy.Grants.grant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GrantValidatorTest {

    private static final RealmCatalog REALM = new TestCatalog(null);

    /** A realm for validation tests; {@code selfChosen} says why people pick their own usernames there (or null). */
    private static final class TestCatalog implements RealmCatalog {
        private final String selfChosen;

        TestCatalog(String selfChosen) {
            this.selfChosen = selfChosen;
        }

        @Override
        public String selfChosenUsernames() {
            return selfChosen;
        }

        @Override
        public boolean userIdExists(String id) {
            return id.equals("0f6c6a8e-8d3b-4c6e-9a51-2f1e3d4c5b6a");
        }

        @Override
        public boolean groupExists(String path) {
            return Set.of("/support", "/customers", "/customers/eu").contains(path);
        }

        @Override
        public boolean clientExists(String clientId) {
            return Set.of("app", "ticket-service").contains(clientId);
        }

        @Override
        public boolean roleExists(String role) {
            return Set.of("support-agent", "app/reader").contains(role);
        }

        @Override
        public boolean acrKnown(String acr) {
            return acr.chars().allMatch(Character::isDigit) || acr.equals("gold");
        }

        @Override
        public boolean grantNameTaken(String name, String exceptId) {
            return name.equalsIgnoreCase("taken") && !"id-taken".equals(exceptId);
        }
    }

    private static Grants valid() {
        return grant("ok").actorUsers("admin*").actorGroups("/support").actorRoles("app/reader")
                .actorClients("ticket-service").targetGroups("/customers").clients("app", "*").requireAcr("gold");
    }

    private static Grant with(UnaryOperator<Grants> change) {
        return change.apply(valid()).build();
    }

    static Stream<Arguments> invalid() {
        Instant t = Instant.parse("2026-06-01T00:00:00Z");
        PolicySettings s = PolicySettings.DEFAULTS;
        return Stream.of(
                Arguments.of("name", new Grant(null, null, null, true, valid().build().actors(), valid().build().targets(),
                        null, Set.of(Mode.IMPERSONATE), List.of("*"), null, false, null, null, null, false, false, null, null, false)),
                Arguments.of("name", with(g -> Grants.grant("TAKEN").actorUsers("a").targetUsers("b"))),
                Arguments.of("name", with(g -> Grants.grant("bad name!").actorUsers("a").targetUsers("b"))),
                Arguments.of("name", with(g -> Grants.grant("-leading-dash").actorUsers("a").targetUsers("b"))),
                Arguments.of("actors", with(g -> Grants.grant("x").targetUsers("b"))),
                Arguments.of("targets", with(g -> Grants.grant("x").actorUsers("a"))),
                Arguments.of("actors.groups", with(g -> g.actorGroups("/nowhere"))),
                Arguments.of("actors.groups", with(g -> g.actorGroups("support"))),
                Arguments.of("actors.roles", with(g -> g.actorRoles("no-such-role"))),
                Arguments.of("actors.clients", with(g -> g.actorClients("ghost-client"))),
                Arguments.of("actors.serviceAccounts", with(g -> g.actorServiceAccounts("ci deploy"))),
                Arguments.of("actors.serviceAccounts", with(g -> g.actorServiceAccounts("x".repeat(65)))),
                Arguments.of("targets.groups", with(g -> g.targetGroups("/customers/mars"))),
                Arguments.of("targets.roles", with(g -> g.targetRoles("nope"))),
                Arguments.of("targets.exclude.groups", with(g -> g.excludeGroups("/nope"))),
                Arguments.of("targets.exclude.roles", with(g -> g.excludeRoles("nope"))),
                Arguments.of("modes", with(g -> g.modes())),
                Arguments.of("clients", with(g -> g.clients())),
                Arguments.of("clients", with(g -> g.clients("unknown-app"))),
                Arguments.of("maxDurationSeconds", with(g -> g.maxDuration(0))),
                Arguments.of("maxDurationSeconds", with(g -> g.maxDuration(-5))),
                Arguments.of("maxDurationSeconds", with(g -> g.maxDuration(s.maxDurationSeconds() + 1))),
                Arguments.of("reasonPattern", with(g -> g.requireReason("[unclosed"))),
                // RE2 syntax: backreferences and lookaround need backtracking, so they are refused
                Arguments.of("reasonPattern", with(g -> g.requireReason("(a)\\1"))),
                Arguments.of("reasonPattern", with(g -> g.requireReason("(?=T)T-[0-9]+"))),
                Arguments.of("requireAcr", with(g -> g.requireAcr("platinum"))),
                Arguments.of("notAfter", with(g -> g.window(t, t.minusSeconds(1)))),
                Arguments.of("notAfter", with(g -> g.window(t, t))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void refusesNamingTheField(String field, Grant grant) {
        assertThatThrownBy(() -> GrantValidator.validate(grant, REALM, PolicySettings.DEFAULTS))
                .isInstanceOfSatisfying(GrantValidationException.class,
                        e -> Assertions.assertThat(e.field()).isEqualTo(field));
    }

    @Test
    void acceptsAValidGrantAndItsOwnName() {
        assertThatCode(() -> GrantValidator.validate(valid().maxDuration(28_800).build(), REALM, PolicySettings.DEFAULTS))
                .doesNotThrowAnyException();
        Grant renamedToItself = new Grant("id-taken", "taken", null, true, valid().build().actors(),
                valid().build().targets(), null, Set.of(Mode.GROUP), List.of("*"), null, false, null, null, null,
                false, false, null, null, false);
        assertThatCode(() -> GrantValidator.validate(renamedToItself, REALM, PolicySettings.DEFAULTS))
                .doesNotThrowAnyException();
    }

    @Test
    void whereUsersChooseTheirUsernamesActorsAreNamedByIdGroupOrRole() {
        RealmCatalog open = new TestCatalog("user registration is on");
        for (String user : List.of("admin*", "admin1")) {
            assertThatThrownBy(() -> GrantValidator.validate(grant("g").actorUsers(user).targetUsers("u").build(), open,
                    PolicySettings.DEFAULTS))
                    .isInstanceOfSatisfying(GrantValidationException.class, e -> {
                        assertThat(e.field()).isEqualTo("actors.users");
                        assertThat(e.getMessage()).contains("user registration is on").contains("trustActorUsernames");
                    });
        }
        assertThatCode(() -> GrantValidator.validate(grant("g").actorUsers("0f6c6a8e-8d3b-4c6e-9a51-2f1e3d4c5b6a")
                .actorGroups("/support").targetUsers("u").build(), open, PolicySettings.DEFAULTS)).doesNotThrowAnyException();
        assertThatCode(() -> GrantValidator.validate(grant("g").actorUsers("admin*").trustActorUsernames().targetUsers("u")
                .build(), open, PolicySettings.DEFAULTS)).doesNotThrowAnyException();
        assertThatCode(() -> GrantValidator.validate(grant("g").actorUsers("admin*").targetUsers("u").build(), REALM,
                PolicySettings.DEFAULTS)).doesNotThrowAnyException();
    }
}
