package io.github.actas.keycloak.it;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import io.github.actas.keycloak.harness.Http;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A key's expiry, against the real server and a real SMTP receiver: "expires soon" is recorded once and its
 * creator told by e-mail, "expired" is recorded once, and the account reads as such.
 */
class ServiceAccountExpiryIT extends KeycloakIT {

    private static final String REALM = ServiceAccountsIT.REALM;

    @BeforeAll
    static void realm() {
        ensureRealm(REALM);
    }

    /** The account's records of one type (the account is their effective user). */
    private static JsonNode records(String type, String principalId) {
        return Http.get(actAsUrl(REALM, "audit?type=" + type + "&target=" + principalId), masterAdminToken()).json();
    }

    @Test
    void aKeyAboutToExpireIsRecordedAndItsCreatorToldOnceThenItsExpiryIsRecordedOnce() throws Exception {
        GreenMail mail = SmtpReceiver.start();
        String master = masterAdminToken();
        try {
            SmtpReceiver.useFor(server, REALM, master, mail, "keycloak@sa-it.example");
            String name = "expiring-" + UUID.randomUUID().toString().substring(0, 8);
            // Created by sa-admin (who has an e-mail address); within the warning window at once.
            Http.Response created = Http.postJson(actAsUrl(REALM, "service-accounts"), token(REALM, "sa-admin", TEST_PASSWORD),
                    Map.of("name", name, "clients", List.of("ci"), "expiresAt", Instant.now().plusSeconds(8).toString()));
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            String id = created.json().get("id").asText();
            String principalId = created.json().get("principal").get("id").asText();

            assertThat(mail.waitForIncomingEmail(15_000, 1)).isTrue();
            MimeMessage message = mail.getReceivedMessages()[0];
            assertThat(message.getAllRecipients()[0].toString()).isEqualTo("sa-admin@sa-it.example");
            assertThat(message.getSubject()).isEqualTo("The key of service account " + name + " expires soon");
            assertThat(GreenMailUtil.getBody(message)).contains(name);
            JsonNode expiring = records("service-account.expiring", principalId);
            assertThat(expiring).hasSize(1);
            assertThat(expiring.get(0).get("reason").asText()).startsWith("expires ");
            assertThat(Http.get(actAsUrl(REALM, "service-accounts/" + id), master).json().get("state").asText())
                    .isEqualTo("expiring");

            Await.until("the expired record", 20_000, () -> records("service-account.expired", principalId).size() == 1);
            assertThat(Http.get(actAsUrl(REALM, "service-accounts/" + id), master).json().get("state").asText())
                    .isEqualTo("expired");
            TokenExchangeIT.sleep(5_000); // several more housekeeping rounds: nothing is said twice
            assertThat(records("service-account.expiring", principalId)).hasSize(1);
            assertThat(records("service-account.expired", principalId)).hasSize(1);
            assertThat(mail.getReceivedMessages()).hasSize(1);
        } finally {
            Http.putJson(server.adminUrl(REALM), master, Map.of("realm", REALM, "smtpServer", Map.of()));
            mail.stop();
        }
    }
}
