package io.github.actas.keycloak.it;

import java.util.Map;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.github.actas.keycloak.harness.Http;
import io.github.actas.keycloak.harness.KeycloakServer;
import io.github.actas.keycloak.harness.Ports;
import static org.assertj.core.api.Assertions.assertThat;

/** A real SMTP server on loopback (GreenMail), and the realm settings that send Keycloak's mail to it. */
final class SmtpReceiver {

    private SmtpReceiver() {
    }

    static GreenMail start() {
        ServerSetup setup = new ServerSetup(Ports.free(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP);
        setup.setServerStartupTimeout(15_000);
        GreenMail mail = new GreenMail(setup);
        mail.start();
        return mail;
    }

    /** Points {@code realm}'s SMTP settings at {@code mail}, sending as {@code from}. */
    static void useFor(KeycloakServer server, String realm, String adminToken, GreenMail mail, String from) {
        Map<String, Object> smtp = Map.of("host", "127.0.0.1", "port", Integer.toString(mail.getSmtp().getPort()),
                "from", from, "fromDisplayName", "Keycloak");
        assertThat(Http.putJson(server.adminUrl(realm), adminToken, Map.of("realm", realm, "smtpServer", smtp)).status())
                .isEqualTo(204);
    }
}
