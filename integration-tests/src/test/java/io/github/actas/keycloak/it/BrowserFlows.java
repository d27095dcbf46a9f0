package io.github.actas.keycloak.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.github.actas.keycloak.harness.Http;
import io.github.actas.keycloak.harness.KeycloakServer;

/**
 * What the browser tests do over and over in one realm: authorization requests to a real OAuth callback
 * on loopback, redeeming codes, reading the Act-As status as the browser's session sees it, and the
 * realm's audit trail.
 */
final class BrowserFlows implements AutoCloseable {

    private final KeycloakServer server;
    private final String realm;
    private final HttpServer callback;
    private final String callbackUrl;

    BrowserFlows(KeycloakServer server, String realm) {
        this.server = server;
        this.realm = realm;
        try {
            callback = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        callback.createContext("/callback", exchange -> {
            byte[] body = "callback reached".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        callback.start();
        callbackUrl = "http://127.0.0.1:" + callback.getAddress().getPort() + "/callback";
    }

    String callbackUrl() {
        return callbackUrl;
    }

    String authUrl(String client, Map<String, String> extra) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("client_id", client);
        params.put("redirect_uri", callbackUrl);
        params.put("response_type", "code");
        params.put("scope", "openid");
        params.put("state", "s" + System.nanoTime());
        params.putAll(extra);
        StringJoiner query = new StringJoiner("&");
        params.forEach((k, v) -> query.add(k + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return server.realmUrl(realm) + "/protocol/openid-connect/auth?" + query;
    }

    /** Signs in to {@code client} through the browser's SSO session and redeems the code. */
    JsonNode tokensVia(Browser browser, String client, Map<String, String> extra) {
        browser.open(authUrl(client, extra));
        return redeem(client, codeFrom(browser));
    }

    String codeFrom(Browser browser) {
        browser.waitForUrlStart(callbackUrl);
        String code = query(browser.url()).get("code");
        assertThat(code).as("code in " + browser.url()).isNotNull();
        return code;
    }

    Http.Response redeemResponse(String client, String code) {
        return Http.postForm(server.realmUrl(realm) + "/protocol/openid-connect/token", Map.of(
                "grant_type", "authorization_code", "client_id", client, "client_secret", client + "-secret",
                "code", code, "redirect_uri", callbackUrl));
    }

    JsonNode redeem(String client, String code) {
        Http.Response response = redeemResponse(client, code);
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return response.json();
    }

    /**
     * The Act-As status as the browser's session sees it. The account console's own script may still be
     * finishing its sign-in redirect when we navigate, and its navigation can win over ours: then the page
     * is the console again, so the status page is opened again until it is the page shown.
     */
    JsonNode status(Browser browser) {
        String url = server.realmUrl(realm) + "/act-as/status";
        long deadline = System.nanoTime() + 20_000_000_000L;
        browser.open(url);
        while (true) {
            if (browser.url().startsWith(url)) {
                JsonNode json = jsonOrNull(browser.textOf("body"));
                if (json != null) {
                    return json;
                }
            } else {
                browser.open(url);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no status JSON on " + browser.url() + ": " + browser.pageText());
            }
            pause();
        }
    }

    /**
     * The JSON the page shows, once it shows it: right after navigating, Chromium can report an empty body
     * (the document is there, its text not yet), which parses as "missing" rather than failing.
     */
    static JsonNode json(Browser browser) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            JsonNode json = jsonOrNull(browser.textOf("body"));
            if (json != null) {
                return json;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no JSON on " + browser.url() + ": " + browser.pageText());
            }
            pause();
        }
    }

    static String errorText(Browser browser) {
        return browser.textOf("#kc-error-message, .kc-feedback-text, .pf-v5-c-alert__title");
    }

    static Map<String, String> query(String url) {
        Map<String, String> out = new LinkedHashMap<>();
        String query = URI.create(url).getRawQuery();
        if (query != null) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                out.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    String userId(String username) {
        return Http.get(server.adminUrl(realm) + "/users?exact=true&username=" + username, KeycloakIT.masterAdminToken())
                .json().get(0).get("id").asText();
    }

    /** The realm's audit records of one type, optionally of one actor (newest first). */
    List<JsonNode> audit(String type, String actor) {
        String url = server.adminUrl(realm) + "/act-as/audit?max=1000&type=" + type + (actor == null ? "" : "&actor=" + actor);
        List<JsonNode> out = new ArrayList<>();
        Http.get(url, KeycloakIT.masterAdminToken()).json().forEach(out::add);
        return out;
    }

    private static JsonNode jsonOrNull(String text) {
        try {
            JsonNode json = Http.JSON.readTree(text);
            return json != null && json.isContainerNode() ? json : null;
        } catch (IOException e) {
            return null;
        }
    }

    static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        callback.stop(0);
    }
}
