package io.github.actas.keycloak.it;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.actas.keycloak.harness.Http;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The account console's "Service accounts" page, in headless Chromium against the real server: a person who may
 * manage accounts creates one and sees its key once (with a copy button), rotates and revokes it; keys about
 * to expire are flagged; someone without the right sees an empty state; and the page's endpoint refuses calls
 * that do not come from the page.
 */
class ServiceAccountsPageIT extends KeycloakIT {

    private static final String REALM = ServiceAccountsIT.REALM;
    private static final String KEY_TYPE = "urn:io.github.actas:token-type:service-account-key";

    @BeforeAll
    static void realm() {
        assumeTrue(Browser.available(), "Chromium and chromedriver are needed (Debian: apt-get install chromium chromium-driver)");
        ensureRealm(REALM);
    }

    private static int use(String key) {
        List<String[]> form = new ArrayList<>(List.of(new String[] {"grant_type", Oidc.TOKEN_EXCHANGE},
                new String[] {"client_id", "ci"}, new String[] {"subject_token", key},
                new String[] {"subject_token_type", KEY_TYPE}));
        return Http.postForm(server.realmUrl(REALM) + "/protocol/openid-connect/token", form).status();
    }

    private static String row(String name) {
        return "tr.act-as-sa-row[data-name='" + name + "']";
    }

    @Test
    void aUserManagerCreatesSeesTheKeyOnceRotatesAndRevokes() {
        String name = "page-" + UUID.randomUUID().toString().substring(0, 8);
        String soon = "soon-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(Http.postJson(actAsUrl(REALM, "service-accounts"), masterAdminToken(), Map.of("name", soon,
                "clients", List.of("ci"), "expiresAt", Instant.now().plus(3, ChronoUnit.DAYS).toString())).status())
                .isEqualTo(201);
        try (Browser browser = new Browser()) {
            // From the console's menu entry, shown to someone who may manage service accounts.
            browser.open(server.realmUrl(REALM) + "/account/content/impersonation");
            browser.signIn("sa-admin", TEST_PASSWORD);
            browser.click("nav a[href$='/content/service-accounts']");
            browser.waitFor("#act-as-sa-form");
            // A key expiring within the warning window is flagged.
            browser.waitForText(row(soon) + " .act-as-sa-expiring", "Expires in");

            browser.type("#act-as-sa-name", name);
            browser.type("#act-as-sa-description", "deploys from the page");
            browser.type("#act-as-sa-clients", "ci");
            browser.click("#act-as-sa-create");
            String key = browser.waitFor("#act-as-sa-key").getDomProperty("value");
            assertThat(key).matches("actas_[0-9A-Za-z]{49}");
            assertThat(browser.present("#act-as-sa-copy")).isTrue();
            browser.waitForText(row(name), name);
            browser.screenshot("account-console-service-accounts-page");
            assertThat(use(key)).isEqualTo(200);

            browser.click("#act-as-sa-key-done");
            browser.open(server.realmUrl(REALM) + "/account/content/service-accounts");
            browser.waitForText(row(name), "deploys from the page");
            assertThat(browser.pageSource()).doesNotContain(key);

            browser.click(row(name) + " .act-as-sa-rotate");
            browser.waitFor("#act-as-sa-key");
            String rotated = (String) browser.script("return document.getElementById('act-as-sa-key').value");
            assertThat(rotated).matches("actas_[0-9A-Za-z]{49}").isNotEqualTo(key);
            assertThat(use(key)).isEqualTo(400);
            assertThat(use(rotated)).isEqualTo(200);

            browser.click(row(name) + " .act-as-sa-revoke");
            browser.click(row(name) + " .act-as-sa-confirm");
            browser.waitForText(row(name), "Revoked");
            assertThat(use(rotated)).isEqualTo(400);

            // Recorded as the person's doing, like the admin API's.
            JsonNode revoked = Http.get(actAsUrl(REALM, "audit?type=service-account.revoked&max=500"), masterAdminToken()).json();
            assertThat(revoked).anySatisfy(r -> {
                assertThat(r.get("effectiveUser").get("username").asText()).isEqualTo("sa:" + name);
                assertThat(r.get("initiatingUser").get("username").asText()).isEqualTo("sa-admin");
            });

            // Only the page may call the endpoint: a navigation to it (no page header) is refused.
            browser.open(server.realmUrl(REALM) + "/act-as-admin/service-accounts");
            assertThat(browser.pageText()).contains("forbidden");
        }
        assertThat(Http.get(server.realmUrl(REALM) + "/act-as-admin/service-accounts", null).status()).isEqualTo(403);
    }

    @Test
    void someoneWhoManagesNoAccountsSeesAnEmptyState() {
        try (Browser browser = new Browser()) {
            browser.open(server.realmUrl(REALM) + "/account/content/service-accounts");
            browser.signIn("nobody", TEST_PASSWORD);
            browser.waitForText("#act-as-sa-none", "You manage no service accounts");
            assertThat(browser.present("#act-as-sa-form")).isFalse();
        }
    }
}
