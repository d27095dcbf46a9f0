package io.github.actas.keycloak.policy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import static io.github.actas.keycloak.policy.Grants.grant;
import static org.assertj.core.api.Assertions.assertThat;

class PolicyTest {

    private static final long NOW = Instant.parse("2026-11-22T10:00:00Z").toEpochMilli();

    private static final Principal ADMIN1 = user("admin1").groupPaths(Set.of("/support"))
            .roles(Set.of("support-agent", "default-roles-acme")).build();
    private static final Principal SUPPORT1 = user("support1").groupPaths(Set.of("/support", "/support/tier1")).build();
    private static final Principal LEAD1 = user("lead1").roles(Set.of("support-lead", "support-agent")).build();
    private static final Principal HELPDESK = user("helpdesk").roles(Set.of("ticket-service/impersonator")).build();
    private static final Principal USER1 = user("user_1").groupPaths(Set.of("/customers", "/customers/eu")).build();
    private static final Principal USER2 = user("user_2").groupPaths(Set.of("/customers", "/customers/us")).build();
    private static final Principal VIP1 = user("vip1").groupPaths(Set.of("/customers")).roles(Set.of("vip")).build();
    private static final Principal GHOST = user("ghost").enabled(false).groupPaths(Set.of("/customers")).build();
    private static final Principal SVC = user("service-account-ticket-service").serviceAccountOf("ticket-service")
            .groupPaths(Set.of("/customers")).roles(Set.of("customer")).build();
    private static final Set<String> ADMIN_ROLES = Set.of("realm-management/manage-users", "realm-management/view-users");
    private static final Principal REALM_ADMIN = user("realmadmin").roles(ADMIN_ROLES).adminRoles(ADMIN_ROLES).build();
    private static final Principal SUPER = user("super").roles(ADMIN_ROLES).adminRoles(ADMIN_ROLES).build();
    private static final Principal HALF_SUPER = user("halfsuper").roles(Set.of("realm-management/view-users"))
            .adminRoles(Set.of("realm-management/view-users")).build();
    private static final GroupPrincipal CUSTOMERS_EU =
            new GroupPrincipal("g-eu", "/customers/eu", Set.of("/customers", "/customers/eu"), Set.of());
    private static final GroupPrincipal ADMINS =
            new GroupPrincipal("g-admins", "/admins", Set.of("/admins"), Set.of("realm-management/realm-admin"));

    private final FakeDirectory directory = new FakeDirectory()
            .add(ADMIN1).add(SUPPORT1).add(LEAD1).add(HELPDESK).add(USER1).add(USER2).add(VIP1).add(GHOST).add(SVC)
            .add(REALM_ADMIN).add(SUPER).add(HALF_SUPER).add(CUSTOMERS_EU).add(ADMINS)
            .loa("silver", 1).loa("gold", 2);

    private static Principal.Builder user(String name) {
        return Principal.builder("id-" + name, name);
    }

    private static Policy policy(Grants... grants) {
        List<Grant> list = new ArrayList<>();
        for (Grants g : grants) {
            list.add(g.build());
        }
        return Policy.compile("r1", list, PolicySettings.DEFAULTS);
    }

    private Decision impersonate(Policy policy, Principal actor, String target) {
        return policy.decide(new ActAsRequest(actor, Mode.IMPERSONATE, target, null, "app", null, null), directory, NOW, true);
    }

    private Decision decide(Policy policy, ActAsRequest request) {
        return policy.decide(request, directory, NOW, true);
    }

    // --- actors -----------------------------------------------------------------------------------

    @Test
    void allowsThroughActorUsernameGlob() {
        Decision d = impersonate(policy(grant("g").actorUsers("admin*").targetUsers("user_*")), ADMIN1, "user_1");
        assertThat(d.allowed()).isTrue();
        assertThat(d.grant().name()).isEqualTo("g");
        assertThat(d.target().id()).isEqualTo("id-user_1");
    }

    @Test
    void allowsThroughActorGroupSubtree() {
        Policy p = policy(grant("g").actorGroups("/support").targetGroups("/customers"));
        assertThat(impersonate(p, SUPPORT1, "user_1").allowed()).isTrue(); // member of /support/tier1
    }

    @Test
    void allowsThroughCompositeAndClientRoles() {
        assertThat(impersonate(policy(grant("g").actorRoles("support-agent").targetUsers("user_1")), LEAD1, "user_1")
                .allowed()).isTrue();
        assertThat(impersonate(policy(grant("g").actorRoles("ticket-service/impersonator").targetUsers("user_1")),
                HELPDESK, "user_1").allowed()).isTrue();
    }

    @Test
    void serviceAccountsActOnlyThroughClientsOrExactName() {
        ActAsRequest request = new ActAsRequest(SVC, Mode.DELEGATE, "user_1", null, "app", null, null);
        assertThat(decide(policy(grant("g").actorUsers("*").targetUsers("user_1").modes(Mode.DELEGATE)), request)
                .denial()).isEqualTo(Denial.NO_GRANT);
        assertThat(decide(policy(grant("g").actorRoles("customer").targetUsers("user_1").modes(Mode.DELEGATE)), request)
                .denial()).isEqualTo(Denial.NO_GRANT);
        assertThat(decide(policy(grant("g").actorClients("ticket-service").targetUsers("user_1").modes(Mode.DELEGATE)),
                request).allowed()).isTrue();
        assertThat(decide(policy(grant("g").actorUsers("service-account-ticket-service").targetUsers("user_1")
                .modes(Mode.DELEGATE)), request).allowed()).isTrue();
    }

    private static Principal account(String name, Principal.Namespace namespace) {
        return Principal.builder("id-sa-" + name, Principal.serviceAccountName(name))
                .groupPaths(Set.of("/support")).roles(Set.of("support-agent"))
                .actAsServiceAccount(name, namespace).build();
    }

    @Test
    void actAsServiceAccountsActOnlyThroughActorsServiceAccounts() {
        Principal ci = account("ci-deploy", Principal.Namespace.REALM);
        // Its principal's groups, roles and the "sa:" name match nothing else a grant says.
        assertThat(impersonate(policy(grant("g").actorUsers("*").actorGroups("/support").actorRoles("support-agent")
                .targetUsers("*")), ci, "user_1").denial()).isEqualTo(Denial.NO_GRANT);
        assertThat(impersonate(policy(grant("g").actorServiceAccounts("ci-*").targetUsers("*")), ci, "user_1")
                .allowed()).isTrue();
        assertThat(impersonate(policy(grant("g").actorServiceAccounts("CI-DEPLOY").targetUsers("*")), ci, "user_1")
                .allowed()).isTrue();
        assertThat(impersonate(policy(grant("g").actorServiceAccounts("ci-test").targetUsers("*")), ci, "user_1")
                .denial()).isEqualTo(Denial.NO_GRANT);
        // And no person is ever an Act-As service account, whatever their name.
        Principal person = user("ci-deploy").build();
        assertThat(impersonate(policy(grant("g").actorServiceAccounts("*").targetUsers("*")), person, "user_1")
                .denial()).isEqualTo(Denial.NO_GRANT);
    }

    @Test
    void aNamespacedServiceAccountNeverActsOutsideItsSubtreeWhateverTheGrantSays() {
        Policy everyone = policy(grant("g").actorServiceAccounts("*").targetUsers("*").targetGroups("/customers")
                .modes(Mode.IMPERSONATE, Mode.GROUP));
        Principal eu = account("eu-bot", new Principal.Namespace("/customers/eu"));
        assertThat(impersonate(everyone, eu, "user_1").allowed()).isTrue(); // in /customers/eu
        Decision outside = impersonate(everyone, eu, "user_2"); // in /customers/us
        assertThat(outside.denial()).isEqualTo(Denial.OUTSIDE_NAMESPACE);
        assertThat(outside.reasons()).anyMatch(r -> r.contains("outside the namespace"));
        assertThat(decide(everyone, new ActAsRequest(eu, Mode.GROUP, null, "/customers/eu", "app", null, null)).allowed())
                .isTrue();
        assertThat(decide(everyone, new ActAsRequest(eu, Mode.GROUP, null, "/admins", "app", null, null)).denial())
                .isEqualTo(Denial.OUTSIDE_NAMESPACE);
        // A namespace whose group is gone holds nobody: it never widens into the whole realm.
        Principal orphan = account("orphan", new Principal.Namespace(null));
        assertThat(impersonate(everyone, orphan, "user_1").denial()).isEqualTo(Denial.OUTSIDE_NAMESPACE);
        assertThat(impersonate(everyone, account("realm-bot", Principal.Namespace.REALM), "user_2").allowed()).isTrue();
    }

    @Test
    void actorUsernamesAreCaseInsensitive() {
        assertThat(impersonate(policy(grant("g").actorUsers("ADMIN1").targetUsers("USER_1")), ADMIN1, "user_1")
                .allowed()).isTrue();
    }

    // --- the actor-without-grants oracle --------------------------------------------------------

    @Test
    void actorWithoutGrantsLearnsNothingAndNoLookupHappens() {
        Policy p = policy(grant("g").actorUsers("someone-else").targetUsers("*"));
        Decision existing = impersonate(p, ADMIN1, "user_1");
        Decision missing = impersonate(p, ADMIN1, "no-such-user");
        assertThat(existing.denial()).isEqualTo(Denial.NO_GRANT);
        assertThat(missing.denial()).isEqualTo(Denial.NO_GRANT);
        assertThat(existing.reasons()).isEqualTo(missing.reasons());
        assertThat(directory.lookups).isZero();
    }

    @Test
    void disabledGrantsNameNoActor() {
        assertThat(impersonate(policy(grant("g").actorUsers("admin1").targetUsers("*").disabled()), ADMIN1, "user_1")
                .denial()).isEqualTo(Denial.NO_GRANT);
    }

    // --- guards ---------------------------------------------------------------------------------

    @Test
    void guardsHoldWhateverTheGrantSays() {
        Policy p = policy(grant("all").actorUsers("*").targetUsers("*").allowPrivileged());
        assertThat(impersonate(p, ADMIN1, "admin1").denial()).isEqualTo(Denial.SELF);
        assertThat(impersonate(p, ADMIN1, "id-admin1").denial()).isEqualTo(Denial.SELF);
        assertThat(impersonate(p, ADMIN1, "ghost").denial()).isEqualTo(Denial.TARGET_DISABLED);
        assertThat(impersonate(p, ADMIN1, "nobody").denial()).isEqualTo(Denial.TARGET_NOT_FOUND);
        assertThat(impersonate(p, ADMIN1.asActing(), "user_1").denial()).isEqualTo(Denial.CHAINED);
        Principal disabledActor = user("admin9").enabled(false).build();
        assertThat(impersonate(p, disabledActor, "user_1").denial()).isEqualTo(Denial.ACTOR_DISABLED);
    }

    @Test
    void serviceAccountTargetsOnlyWhenNamedExactly() {
        Decision byWildcard = impersonate(policy(grant("g").actorUsers("admin1").targetUsers("service-account-*")),
                ADMIN1, "service-account-ticket-service");
        assertThat(byWildcard.allowed()).isFalse();
        assertThat(byWildcard.reasons()).anyMatch(r -> r.contains("must be named exactly"));
        assertThat(impersonate(policy(grant("g").actorUsers("admin1").targetGroups("/customers")),
                ADMIN1, "service-account-ticket-service").allowed()).isFalse();
        assertThat(impersonate(policy(grant("g").actorUsers("admin1").targetUsers("service-account-ticket-service")),
                ADMIN1, "service-account-ticket-service").allowed()).isTrue();
    }

    @Test
    void privilegedTargetsNeedTheFlagAndEveryAdminRoleOfTheTarget() {
        Decision noFlag = impersonate(policy(grant("g").actorUsers("*").targetUsers("realmadmin")), SUPER, "realmadmin");
        assertThat(noFlag.allowed()).isFalse();
        assertThat(noFlag.reasons()).anyMatch(r -> r.contains("allowPrivilegedTargets"));

        Policy flagged = policy(grant("g").actorUsers("*").targetUsers("realmadmin").allowPrivileged());
        Decision lacking = impersonate(flagged, HALF_SUPER, "realmadmin");
        assertThat(lacking.allowed()).isFalse();
        assertThat(lacking.reasons()).anyMatch(r -> r.contains("realm-management/manage-users"));
        assertThat(impersonate(flagged, SUPER, "realmadmin").allowed()).isTrue();
    }

    // --- targets, modes, clients, time, conditions --------------------------------------------

    @Test
    void excludesWinOverTargets() {
        Policy p = policy(grant("g").actorUsers("admin1").targetGroups("/customers").excludeUsers("vip*"));
        assertThat(impersonate(p, ADMIN1, "user_1").allowed()).isTrue();
        Decision vip = impersonate(p, ADMIN1, "vip1");
        assertThat(vip.allowed()).isFalse();
        assertThat(vip.reasons()).anyMatch(r -> r.contains("excluded"));
        assertThat(impersonate(policy(grant("g").actorUsers("admin1").targetGroups("/customers").excludeRoles("vip")),
                ADMIN1, "vip1").allowed()).isFalse();
        assertThat(impersonate(policy(grant("g").actorUsers("admin1").targetGroups("/customers").excludeGroups("/customers/us")),
                ADMIN1, "user_2").allowed()).isFalse();
    }

    @Test
    void everyRequestedAudienceMustBeAmongTheGrantsClients() {
        Policy p = policy(grant("a-narrow").actorUsers("admin1").targetUsers("*").clients("app"));
        ActAsRequest toApi = new ActAsRequest(ADMIN1, Mode.IMPERSONATE, "user_1", null, "app", null, null, List.of("api"));
        Decision refused = decide(p, toApi);
        assertThat(refused.denial()).isEqualTo(Denial.AUDIENCE_NOT_ALLOWED);
        assertThat(refused.pendingGrant()).as("no condition the actor could still meet").isNull();
        assertThat(refused.reasons()).anyMatch(r -> r.contains("audience 'api'"));
        // the door path (no explanation) answers the same
        assertThat(p.decide(toApi, directory, NOW, false).denial()).isEqualTo(Denial.AUDIENCE_NOT_ALLOWED);
        assertThat(decide(p, new ActAsRequest(ADMIN1, Mode.IMPERSONATE, "user_1", null, "app", null, null, List.of("app")))
                .allowed()).isTrue();

        // another grant that covers the audience allows it; a grant for any client covers every audience
        Policy wider = policy(grant("a-narrow").actorUsers("admin1").targetUsers("*").clients("app"),
                grant("b-wide").actorUsers("admin1").targetUsers("*").clients("app", "api"));
        assertThat(decide(wider, toApi).grant().name()).isEqualTo("b-wide");
        assertThat(decide(policy(grant("g").actorUsers("admin1").targetUsers("*")), toApi).allowed()).isTrue();

        // an actor without grants still learns nothing about the target
        assertThat(decide(p, new ActAsRequest(user("nobody").build(), Mode.IMPERSONATE, "user_1", null, "app", null, null,
                List.of("api"))).denial()).isEqualTo(Denial.NO_GRANT);
    }

    @Test
    void modeClientAndWindowMustFit() {
        Policy delegateOnly = policy(grant("g").actorUsers("admin1").targetUsers("*").modes(Mode.DELEGATE));
        assertThat(impersonate(delegateOnly, ADMIN1, "user_1").reasons()).anyMatch(r -> r.contains("mode 'impersonate'"));

        Policy webOnly = policy(grant("g").actorUsers("admin1").targetUsers("*").clients("web"));
        assertThat(impersonate(webOnly, ADMIN1, "user_1").allowed()).isFalse();
        assertThat(decide(webOnly, new ActAsRequest(ADMIN1, Mode.IMPERSONATE, "user_1", null, "web", null, null))
                .allowed()).isTrue();
        assertThat(decide(webOnly, new ActAsRequest(ADMIN1, Mode.IMPERSONATE, "user_1", null, null, null, null))
                .allowed()).isFalse();

        Instant now = Instant.ofEpochMilli(NOW);
        assertThat(impersonate(policy(grant("g").actorUsers("admin1").targetUsers("*")
                .window(now.plusSeconds(60), null)), ADMIN1, "user_1").reasons()).anyMatch(r -> r.contains("not valid before"));
        assertThat(impersonate(policy(grant("g").actorUsers("admin1").targetUsers("*")
                .window(null, now)), ADMIN1, "user_1").reasons()).anyMatch(r -> r.contains("expired"));
        assertThat(impersonate(policy(grant("g").actorUsers("admin1").targetUsers("*")
                .window(now.minusSeconds(60), now.plusSeconds(60))), ADMIN1, "user_1").allowed()).isTrue();
    }

    @Test
    void durationIsTheGrantsAndNeverOutlastsNotAfter() {
        Instant now = Instant.ofEpochMilli(NOW);
        assertThat(impersonate(policy(grant("g").actorUsers("admin1").targetUsers("*").maxDuration(1800)),
                ADMIN1, "user_1").durationSeconds()).isEqualTo(1800);
        assertThat(impersonate(policy(grant("g").actorUsers("admin1").targetUsers("*")), ADMIN1, "user_1")
                .durationSeconds()).isEqualTo(PolicySettings.DEFAULT_DEFAULT_DURATION_SECONDS);
        assertThat(impersonate(policy(grant("g").actorUsers("admin1").targetUsers("*").maxDuration(1800)
                .window(null, now.plusSeconds(300))), ADMIN1, "user_1").durationSeconds()).isEqualTo(300);
    }

    @Test
    void reasonsAreRequiredAndMatched() {
        Policy p = policy(grant("g").actorUsers("admin1").targetUsers("*").requireReason("[A-Z]+-[0-9]+"));
        Decision missing = impersonate(p, ADMIN1, "user_1");
        assertThat(missing.denial()).isEqualTo(Denial.REASON_REQUIRED);
        assertThat(decide(p, new ActAsRequest(ADMIN1, Mode.IMPERSONATE, "user_1", null, "app", "because", null))
                .denial()).isEqualTo(Denial.REASON_REQUIRED);
        assertThat(decide(p, new ActAsRequest(ADMIN1, Mode.IMPERSONATE, "user_1", null, "app", "T-1", null))
                .allowed()).isTrue();
    }

    @Test
    void aConditionOnlyRefusalNamesTheGrantThatWouldAllowIt() {
        Policy p = policy(grant("a-strict").actorUsers("admin1").targetUsers("*").requireReason("T-[0-9]+").maxDuration(600),
                grant("b-other").actorUsers("admin1").targetUsers("vip*"));
        Decision missing = impersonate(p, ADMIN1, "user_1");
        assertThat(missing.allowed()).isFalse();
        assertThat(missing.grant()).isNull();
        assertThat(missing.pendingGrant().name()).isEqualTo("a-strict");
        assertThat(missing.durationSeconds()).isEqualTo(600);
        // A structural refusal has no pending grant: nothing the actor could add would help.
        assertThat(impersonate(policy(grant("g").actorUsers("admin1").targetUsers("user_2")), ADMIN1, "user_1")
                .pendingGrant()).isNull();
    }

    @Test
    void grantsOfAnActorAreTheOnesNamingIt() {
        Policy p = policy(grant("b").actorUsers("admin*").targetUsers("*"), grant("a").actorGroups("/support").targetUsers("*"),
                grant("c").actorUsers("lead1").targetUsers("*"));
        assertThat(p.grantsOf(ADMIN1, directory)).extracting(Grant::name).containsExactly("a", "b");
        assertThat(p.grantsOf(USER1, directory)).isEmpty();
    }

    @Test
    void acrLevelsAreCompared() {
        Policy p = policy(grant("g").actorUsers("admin1").targetUsers("*").requireAcr("gold"));
        assertThat(impersonate(p, ADMIN1, "user_1").denial()).isEqualTo(Denial.STEP_UP_REQUIRED);
        assertThat(decide(p, new ActAsRequest(ADMIN1, Mode.IMPERSONATE, "user_1", null, "app", null, "1")).denial())
                .isEqualTo(Denial.STEP_UP_REQUIRED);
        assertThat(decide(p, new ActAsRequest(ADMIN1, Mode.IMPERSONATE, "user_1", null, "app", null, "2")).allowed()).isTrue();
        assertThat(decide(p, new ActAsRequest(ADMIN1, Mode.IMPERSONATE, "user_1", null, "app", null, "gold")).allowed()).isTrue();
    }

    @Test
    void groupModeMatchesGroupSubtreesAndGuardsAdminGroups() {
        Policy p = policy(grant("g").actorUsers("admin1").targetGroups("/customers", "/admins").modes(Mode.GROUP));
        Decision eu = decide(p, new ActAsRequest(ADMIN1, Mode.GROUP, null, "/customers/eu", "app", null, null));
        assertThat(eu.allowed()).isTrue();
        assertThat(eu.group().id()).isEqualTo("g-eu");
        assertThat(decide(p, new ActAsRequest(ADMIN1, Mode.GROUP, null, "/admins", "app", null, null)).allowed()).isFalse();
        assertThat(decide(p, new ActAsRequest(ADMIN1, Mode.GROUP, null, "/nowhere", "app", null, null)).denial())
                .isEqualTo(Denial.TARGET_NOT_FOUND);
    }

    @Test
    void theFirstAllowingGrantByNameDecides() {
        Policy p = policy(
                grant("zeta").actorUsers("admin1").targetUsers("*").maxDuration(60),
                grant("alpha").actorGroups("/support").targetUsers("user_*").maxDuration(120),
                grant("beta").actorUsers("admin*").targetUsers("*").clients("web"));
        Decision d = impersonate(p, ADMIN1, "user_1");
        assertThat(d.grant().name()).isEqualTo("alpha");
        assertThat(d.durationSeconds()).isEqualTo(120);
        assertThat(p.grants()).extracting(Grant::name).containsExactly("alpha", "beta", "zeta");
    }

    @Test
    void explainNamesEveryFailedConditionOfEveryGrant() {
        Policy p = policy(
                grant("one").actorUsers("admin1").targetUsers("user_2").modes(Mode.DELEGATE),
                grant("two").actorUsers("admin1").targetUsers("user_*").clients("web").requireReason(null));
        Decision d = impersonate(p, ADMIN1, "user_1");
        assertThat(d.denial()).isEqualTo(Denial.NOT_PERMITTED);
        assertThat(d.reasons()).containsExactly(
                "grant 'one': mode 'impersonate' is not allowed (it allows delegate)",
                "grant 'one': 'user_1' is not among its targets",
                "grant 'two': client 'app' is not among its clients [web]",
                "grant 'two': a reason is required");
    }

    @Test
    void theDoorPathCollectsNoReasons() {
        Policy p = policy(grant("g").actorUsers("admin1").targetUsers("*"));
        Decision d = p.decide(new ActAsRequest(ADMIN1, Mode.IMPERSONATE, "user_1", null, "app", null, null), directory, NOW, false);
        assertThat(d.allowed()).isTrue();
        assertThat(d.reasons()).isEmpty();
    }

    @Test
    void scalesByIndexNotByScanning() {
        List<Grant> many = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            many.add(grant("team-" + i).actorGroups("/teams/team-" + i + "/leads").targetGroups("/customers").build());
        }
        many.add(grant("admins").actorUsers("admin1").targetUsers("user_1").build());
        Policy p = Policy.compile("r", many, PolicySettings.DEFAULTS);
        Decision d = impersonate(p, ADMIN1, "user_1");
        assertThat(d.allowed()).isTrue();
        assertThat(d.reasons()).containsExactly("allowed by grant 'admins'"); // no other grant was even considered
    }

    // --- no stored value breaks a realm; patterns run in linear time; names people choose ----------

    @Test
    void aGrantThatCannotBeCompiledAllowsNothingAndTheOthersStillDecide() {
        // An instant epoch milliseconds cannot hold: validation refuses it, but a hand-edited database might not.
        Grant broken = new Grant("id-broken", "broken", null, true, grant("x").actorUsers("admin1").build().actors(),
                grant("x").targetUsers("user_1").build().targets(), null, Set.of(Mode.IMPERSONATE), List.of("*"), null,
                false, null, null, null, false, false, null, Instant.parse("+1000000000-01-01T00:00:00Z"), false);
        Policy p = Policy.compile("r", List.of(broken, grant("fine").actorUsers("admin1").targetUsers("user_*").build()),
                PolicySettings.DEFAULTS);
        assertThat(p.rejected()).extracting(Policy.Rejected::name).containsExactly("broken");
        Decision d = impersonate(p, ADMIN1, "user_1");
        assertThat(d.allowed()).isTrue();
        assertThat(d.grant().name()).isEqualTo("fine");
    }

    @Test
    void aCatastrophicReasonPatternRunsInLinearTime() {
        Policy p = policy(grant("g").actorUsers("admin1").targetUsers("user_*").requireReason("(.*a){20}"));
        String reason = "a".repeat(64) + "!";
        long started = System.nanoTime();
        Decision d = decide(p, new ActAsRequest(ADMIN1, Mode.IMPERSONATE, "user_1", null, "app", reason, null));
        // java.util.regex tries about C(64, 20) = 2e16 ways to split the reason; RE2/J reads it once
        assertThat(System.nanoTime() - started).isLessThan(5_000_000_000L);
        assertThat(d.denial()).isEqualTo(Denial.REASON_REQUIRED);
    }

    @Test
    void whereUsersChooseTheirUsernamesOnlyIdsGroupsRolesAndTrustingGrantsMatch() {
        directory.usernamesChosenByUsers = true;
        Policy byName = policy(grant("by-name").actorUsers("admin*").targetUsers("user_*"));
        Decision refused = impersonate(byName, ADMIN1, "user_1");
        assertThat(refused.denial()).isEqualTo(Denial.NO_GRANT);
        assertThat(refused.reasons()).anySatisfy(r -> assertThat(r).contains("names the actor by username"));
        assertThat(directory.lookups).isZero(); // still said before looking at the target

        assertThat(impersonate(policy(grant("by-id").actorUsers("id-admin1").targetUsers("user_*")), ADMIN1, "user_1")
                .allowed()).isTrue();
        assertThat(impersonate(policy(grant("by-group").actorGroups("/support").targetUsers("user_*")), ADMIN1, "user_1")
                .allowed()).isTrue();
        assertThat(impersonate(policy(grant("trusting").actorUsers("admin*").trustActorUsernames().targetUsers("user_*")),
                ADMIN1, "user_1").allowed()).isTrue();
        assertThat(byName.grantsOf(ADMIN1, directory)).isEmpty();
    }

    @Test
    void aSessionEndsAtTheGrantsDurationAndNeverAfterNotAfter() {
        Instant notAfter = Instant.ofEpochMilli(NOW).plusSeconds(900);
        Decision d = impersonate(policy(grant("g").actorUsers("admin1").targetUsers("user_*").maxDuration(600)
                .window(null, notAfter)), ADMIN1, "user_1");
        long nowSeconds = NOW / 1000;
        assertThat(d.sessionLimit().endFor(nowSeconds)).isEqualTo(nowSeconds + 600);
        assertThat(d.sessionLimit().endFor(nowSeconds + 500)).isEqualTo(notAfter.getEpochSecond());
    }
}
