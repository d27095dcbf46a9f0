package io.github.actas.keycloak.it;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.actas.keycloak.harness.Http;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The account console's Act-As pages in headless Chromium against the real server: a realm administrator
 * manages grants, ends a live session and filters the audit trail from the menu's "Act-As administration";
 * each person sees the entries their grants and rights allow; a target reads who acted as them.
 */
class ConsolePagesIT extends KeycloakIT {

    static final String REALM = "console-it";

    private static Oidc oidc;

    @BeforeAll
    static void realm() {
        assumeTrue(Browser.available(), "Chromium and chromedriver are needed (Debian: apt-get install chromium chromium-driver)");
        ensureRealm(REALM);
        oidc = new Oidc(server, REALM);
    }

    @AfterAll
    static void noLeftovers() {
        if (oidc != null) {
            Http.delete(actAsUrl(REALM, "sessions?actor=agent"), masterAdminToken());
        }
    }

    private static String menu(String page) {
        return "nav a[href$='/content/" + page + "']";
    }

    /** Signs {@code username} in to the realm's account console and waits for its menu. */
    private static void signIn(Browser browser, String username, String menuText) {
        browser.open(server.realmUrl(REALM) + "/account/");
        browser.signIn(username, TEST_PASSWORD);
        browser.waitForText("nav", menuText);
    }

    /** Opens a page from the menu, expanding the "Act-As administration" group if it is closed. */
    static void openFromMenu(Browser browser, String page) {
        browser.waitFor("nav");
        browser.script("const link = document.querySelector(\"nav a[href$='/content/" + page + "']\");"
                + "if (link && !link.offsetParent) { [...document.querySelectorAll('nav button')]"
                + ".find(b => b.textContent.includes('Act-As administration')).click(); }");
        browser.click("nav a[href$='/content/" + page + "']");
    }

    private static JsonNode grant(String name) {
        for (JsonNode grant : Http.get(actAsUrl(REALM, "grants"), masterAdminToken()).json()) {
            if (grant.get("name").asText().equals(name)) {
                return grant;
            }
        }
        return null;
    }

    private static String row(String name) {
        return "tr.act-as-grant-row[data-name='" + name + "']";
    }

    @Test
    void aRealmAdministratorManagesGrantsEndsASessionAndFiltersTheAuditTrail() {
        // A live session to end: agent acts as customer_1 through token exchange.
        String acting = oidc.impersonate("exchange-app", oidc.login("exchange-app", "agent"), "customer_1",
                "reason", "T-100", "scope", "openid").json().get("access_token").asText();
        assertThat(oidc.userinfo(acting).status()).isEqualTo(200);
        assertThat(Http.postJson(actAsUrl(REALM, "audit/sinks"), masterAdminToken(),
                Map.of("name", "console-log", "type", "log")).status()).isIn(201, 409);

        try (Browser browser = new Browser()) {
            signIn(browser, "boss", "Act-As administration");
            openFromMenu(browser, "act-as-grants");
            browser.waitForText(row("agent-desk"), "customer_*");
            browser.screenshot("account-console-grants-page");

            // Create: the API's field error shows under its field, nothing is stored until it is valid.
            browser.click("#act-as-grant-new");
            browser.type("#act-as-grant-name", "page-desk");
            browser.type("#act-as-grant-actors-users", "agent");
            browser.type("#act-as-grant-targets-groups", "/no-such-group");
            browser.type("#act-as-grant-clients", "dem");
            // The client picker suggests the realm's clients.
            Await.until("the client picker's suggestions", 10_000,
                    () -> browser.present("#act-as-grant-clients-options option[value='demo-app']"));
            browser.type("#act-as-grant-clients", "demo-app");
            browser.type("#act-as-grant-reasonHint", "T-1234");
            browser.click("#act-as-grant-save");
            browser.waitForText("#act-as-grant-targets-groups-helper", "/no-such-group");
            browser.screenshot("account-console-grant-form-error");
            assertThat(grant("page-desk")).isNull();
            browser.type("#act-as-grant-targets-groups", "");
            browser.type("#act-as-grant-targets-users", "customer_2");
            browser.click("#act-as-grant-save");
            browser.waitForText("#act-as-grants-message", "Grant created");
            browser.waitForText(row("page-desk"), "customer_2");
            JsonNode created = grant("page-desk");
            assertThat(created.get("clients").toString()).isEqualTo("[\"demo-app\"]");
            assertThat(created.get("reasonHint").asText()).isEqualTo("T-1234");

            // Edit, disable, delete.
            browser.click(row("page-desk") + " .act-as-grant-edit");
            browser.type("#act-as-grant-maxDurationSeconds", "300");
            browser.click("#act-as-grant-save");
            browser.waitForText(row("page-desk"), "5 min");
            assertThat(grant("page-desk").get("maxDurationSeconds").asInt()).isEqualTo(300);
            browser.click(row("page-desk") + " .act-as-grant-toggle");
            browser.waitForText(row("page-desk"), "Disabled");
            assertThat(grant("page-desk").get("enabled").asBoolean()).isFalse();
            browser.click(row("page-desk") + " .act-as-grant-delete");
            browser.click(row("page-desk") + " .act-as-grant-confirm-delete");
            browser.waitForText("#act-as-grants-message", "Grant page-desk deleted");
            browser.waitForGone(row("page-desk"));
            assertThat(grant("page-desk")).isNull();

            // Live sessions: filter by the actor, end the session; its tokens stop working.
            openFromMenu(browser, "act-as-sessions");
            browser.type("#act-as-sessions-actor", "agent");
            browser.click("#act-as-sessions-filter button[type='submit']");
            browser.waitForText("tr.act-as-session-row[data-actor='agent']", "customer_1");
            browser.screenshot("account-console-sessions-page");
            browser.click("tr.act-as-session-row[data-actor='agent'] .act-as-session-end");
            browser.waitForText("#act-as-sessions-message", "Ended agent acting as customer_1");
            assertThat(oidc.userinfo(acting).status()).isEqualTo(401);

            // The audit trail, filtered: the revocation just made, then the grant's deletion.
            openFromMenu(browser, "act-as-audit");
            browser.waitFor("#act-as-audit-table");
            browser.type("#act-as-audit-actor", "agent");
            browser.script("const s = document.getElementById('act-as-audit-type');"
                    + "Object.getOwnPropertyDescriptor(HTMLSelectElement.prototype, 'value').set.call(s, 'impersonation.revoked');"
                    + "s.dispatchEvent(new Event('change', { bubbles: true }));");
            browser.click("#act-as-audit-apply");
            browser.waitForText("tr.act-as-audit-row[data-type='impersonation.revoked']", "customer_1");
            assertThat(browser.all("tr.act-as-audit-row").stream()
                    .map(r -> r.getDomAttribute("data-type")).distinct().toList()).containsExactly("impersonation.revoked");
            browser.screenshot("account-console-audit-page");

            openFromMenu(browser, "act-as-sinks");
            browser.waitForText("tr.act-as-sink-row[data-name='console-log']", "log");
            browser.screenshot("account-console-sinks-page");
        }
    }

    @Test
    void theLiveSessionsPagePagesByCursorWithoutRepeatingOrSkippingASession() {
        String agent = oidc.login("exchange-app", "agent");
        for (int i = 0; i < 25; i++) {
            assertThat(oidc.impersonate("exchange-app", agent, "customer_" + (1 + i % 2), "reason", "T-" + (200 + i),
                    "scope", "openid").status()).isEqualTo(200);
        }
        try (Browser browser = new Browser()) {
            List<String> all = new ArrayList<>();
            for (JsonNode s : Http.get(actAsUrl(REALM, "sessions?actor=agent&max=100"), masterAdminToken()).json()) {
                all.add(s.get("id").asText());
            }
            assertThat(all).hasSizeGreaterThan(20);

            signIn(browser, "boss", "Act-As administration");
            openFromMenu(browser, "act-as-sessions");
            browser.type("#act-as-sessions-actor", "agent");
            browser.click("#act-as-sessions-filter button[type='submit']");
            Await.until("a full first page of agent's sessions", 15_000, () -> ids(browser).size() == 20);
            List<String> firstPage = ids(browser);
            browser.click("#act-as-sessions-pager-next");
            Await.until("the second page", 15_000, () -> !ids(browser).isEmpty() && !ids(browser).equals(firstPage));
            List<String> secondPage = ids(browser);
            browser.click("#act-as-sessions-pager-previous");
            Await.until("the first page again", 15_000, () -> ids(browser).equals(firstPage));

            List<String> paged = new ArrayList<>(firstPage);
            paged.addAll(secondPage);
            // Newest first, as the API lists them: the pages are the list, cut after its twentieth session.
            assertThat(paged).doesNotHaveDuplicates().isEqualTo(all.subList(0, paged.size()));
            assertThat(secondPage).hasSize(Math.min(20, all.size() - 20));
        } finally {
            Http.delete(actAsUrl(REALM, "sessions?actor=agent"), masterAdminToken());
        }
    }

    /** The ids of the agent's sessions the page shows, read in one script (React may re-render between two reads). */
    private static List<String> ids(Browser browser) {
        Object ids = browser.script("return [...document.querySelectorAll(\"tr.act-as-session-row[data-actor='agent']\")]"
                + ".map(r => r.dataset.id);");
        return ids instanceof List<?> list ? list.stream().map(String::valueOf).toList() : List.of();
    }

    @Test
    void eachPersonSeesTheEntriesTheirGrantsAndRightsAllow() {
        try (Browser browser = new Browser()) {
            signIn(browser, "agent", "Who acted as me");
            assertThat(browser.present(menu("impersonation"))).isTrue();
            assertThat(browser.present(menu("act-as-grants"))).isFalse();
            assertThat(browser.textOf("nav")).doesNotContain("Act-As administration");
            // The menu entry opens the list (not an empty page).
            browser.click(menu("impersonation"));
            browser.waitForText("tr[data-username='customer_2']", "agent-desk");
            // The admin pages' API answers what the person may do there: nothing.
            assertThat(browser.script("return fetch('" + server.realmUrl(REALM) + "/act-as-admin/access',"
                    + " { headers: { 'X-Act-As-Console': '1' } }).then(r => r.text())").toString())
                    .contains("\"grants\":false").contains("\"sinks\":false");
        }
        try (Browser browser = new Browser()) {
            signIn(browser, "plain", "Who acted as me");
            assertThat(browser.present(menu("impersonation"))).isFalse();
            assertThat(browser.present(menu("service-accounts"))).isFalse();
            assertThat(browser.textOf("nav")).doesNotContain("Act-As administration");
        }
        try (Browser browser = new Browser()) {
            // view-users: sessions, grants and the audit trail to read, no sinks (realm configuration)
            signIn(browser, "watcher", "Act-As administration");
            assertThat(browser.present(menu("act-as-grants"))).isTrue();
            assertThat(browser.present(menu("act-as-sinks"))).isFalse();
            openFromMenu(browser, "act-as-grants");
            browser.waitForText(row("agent-desk"), "customer_*");
            assertThat(browser.present("#act-as-grant-new")).isFalse();
        }
        // Without the pages' header, or from nowhere, the admin pages' API refuses.
        assertThat(Http.get(server.realmUrl(REALM) + "/act-as-admin/access", null).status()).isEqualTo(403);
        assertThat(Http.get(server.realmUrl(REALM) + "/act-as-admin/lookup/roles", null).status()).isEqualTo(403);
    }

    @Test
    void aTargetSeesWhoActedAsThemAndWhy() {
        String acting = oidc.impersonate("exchange-app", oidc.login("exchange-app", "agent"), "customer_2",
                "reason", "T-4242", "scope", "openid").json().get("access_token").asText();
        assertThat(Http.delete(actAsUrl(REALM, "sessions?actor=agent"), masterAdminToken()).status()).isEqualTo(200);
        assertThat(oidc.userinfo(acting).status()).isEqualTo(401);
        try (Browser browser = new Browser()) {
            signIn(browser, "customer_2", "Who acted as me");
            browser.click(menu("acted-as-me"));
            browser.waitForText("tr.act-as-acted-as-me-row[data-actor='agent']", "T-4242");
            String text = browser.textOf("tr.act-as-acted-as-me-row[data-actor='agent']");
            assertThat(text).contains("exchange-app").contains("agent-desk").contains("revoked");
            browser.screenshot("account-console-who-acted-as-me");
        }
        try (Browser browser = new Browser()) {
            // Somebody nobody acted as sees an empty page, not someone else's entries.
            browser.open(server.realmUrl(REALM) + "/account/content/acted-as-me");
            browser.signIn("plain", TEST_PASSWORD);
            browser.waitForText("#act-as-acted-as-me-empty", "Nobody has acted as you");
        }
    }

    @Test
    void thePickersLookUpTheRealmsNamesForPeopleWhoMayReadGrants() {
        try (Browser browser = new Browser()) {
            signIn(browser, "boss", "Act-As administration");
            String base = server.realmUrl(REALM) + "/act-as-admin/lookup/";
            Object clients = browser.script("return fetch('" + base + "clients?search=exch', { headers: { 'X-Act-As-Console': '1' } })"
                    + ".then(r => r.text())");
            assertThat(clients.toString()).isEqualTo("[\"exchange-app\"]");
            Object roles = browser.script("return fetch('" + base + "roles?search=realm-management/manage-u',"
                    + " { headers: { 'X-Act-As-Console': '1' } }).then(r => r.text())");
            assertThat(roles.toString()).isEqualTo("[\"realm-management/manage-users\"]");
        }
        assertThat(List.of(403)).contains(Http.get(server.realmUrl(REALM) + "/act-as-admin/lookup/clients", null).status());
    }
}
