package io.github.actas.keycloak.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.github.actas.keycloak.harness.Http;
import io.github.actas.keycloak.harness.KeycloakServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Base of the integration tests: the shared real server, tokens, and the test realms (imported through
 * the admin API on first use).
 */
public abstract class KeycloakIT {

    protected static final String POLICY_REALM = "policy-it";
    protected static final String OTHER_REALM = "other-it";
    protected static final String TEST_PASSWORD = "pass";

    private static final Map<String, Boolean> IMPORTED = new ConcurrentHashMap<>();
    /** Server log markers a test class provoked on purpose (for example Keycloak's own "failed to send email"). */
    private static final Set<String> TOLERATED = ConcurrentHashMap.newKeySet();
    protected static KeycloakServer server;
    private static int logLineAtStart;

    @BeforeAll
    static void startServer() {
        server = shared();
        ensureRealm(POLICY_REALM);
        ensureRealm(OTHER_REALM);
        logLineAtStart = server.logLineCount();
        TOLERATED.clear();
    }

    /** The server may log errors containing {@code marker} for the rest of this test class. */
    protected static void tolerateServerError(String marker) {
        TOLERATED.add(marker);
    }

    /** Whatever a test does, the server must log no error: no 500, no failed background task. */
    @AfterAll
    static void noServerErrors() {
        assertThat(server.errorsSince(logLineAtStart).stream()
                .filter(line -> TOLERATED.stream().noneMatch(line::contains)).toList())
                .as("errors in " + server.logFile()).isEmpty();
    }

    private static KeycloakServer shared;

    /**
     * The server shared by all test classes of this run: the distribution unpacked by the build, started
     * once with the demo realm from realm-export/ imported, stopped when the JVM exits.
     */
    static synchronized KeycloakServer shared() {
        if (shared == null) {
            String home = System.getProperty("keycloak.home");
            if (home == null) {
                throw new IllegalStateException("keycloak.home is not set: run the tests through Maven (./mvnw verify)");
            }
            KeycloakServer server = KeycloakServer.of(Path.of(home),
                    List.of("--db=dev-file", "--health-enabled=true", "--metrics-enabled=true", "--cache=local"),
                    // housekeeping every 2 s, so a test can watch a session end at its hard end;
                    // audit retries within seconds, so tests can watch outages heal; a short lease, so a test
                    // can watch a restarted server take over what it was sending when it was killed
                    List.of("--spi-events-listener--act-as-sessions--purge-interval-seconds=2",
                            "--spi-act-as-audit--act-as-audit--lease-seconds=5",
                            "--spi-act-as-audit--act-as-audit--poll-interval-millis=200",
                            "--spi-act-as-audit--act-as-audit--retry-base-millis=200",
                            "--spi-act-as-audit--act-as-audit--retry-max-millis=2000",
                            // the tests' webhook receivers listen on 127.0.0.1; everything else private stays refused
                            "--spi-act-as-audit--act-as-audit--webhook-private-networks=127.0.0.1/32"));
            server.startFresh(Path.of(System.getProperty("actas.realm-export", "../realm-export")));
            Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "keycloak-stop"));
            shared = server;
        }
        return shared;
    }

    /** A fresh access token (password grant through the realm's admin-cli client). */
    protected static String token(String realm, String username, String password) {
        Http.Response response = Http.postForm(server.realmUrl(realm) + "/protocol/openid-connect/token", Map.of(
                "grant_type", "password", "client_id", "admin-cli", "username", username, "password", password));
        assertThat(response.status()).as("token for %s@%s: %s", username, realm, response).isEqualTo(200);
        return response.json().get("access_token").asText();
    }

    protected static String masterAdminToken() {
        return token("master", KeycloakServer.ADMIN_USER, KeycloakServer.ADMIN_PASSWORD);
    }

    protected static String policyAdminToken() {
        return token(POLICY_REALM, "manager-realm", TEST_PASSWORD);
    }

    protected static String actAsUrl(String realm, String path) {
        return server.adminUrl(realm) + "/act-as/" + path;
    }

    protected static void ensureRealm(String realm) {
        IMPORTED.computeIfAbsent(realm, name -> {
            String admin = masterAdminToken();
            if (Http.get(server.adminUrl(name), admin).status() == 404) {
                Http.Response created = Http.postJson(server.baseUrl() + "/admin/realms", admin, resource("realms/" + name + "-realm.json"));
                assertThat(created.status()).as("import %s: %s", name, created).isEqualTo(201);
            }
            return true;
        });
    }

    protected static String resource(String path) {
        try (InputStream in = KeycloakIT.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
