package io.github.actas.keycloak.benchmarks;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.actas.keycloak.harness.KeycloakServer;

/** A browser's sign-in to the scale realm, without a browser: the account pages' endpoints trust its cookies. */
final class CookieLogin {

    private static final Pattern FORM_ACTION = Pattern.compile("action=\"([^\"]+)\"");

    private CookieLogin() {
    }

    /**
     * A browser's Keycloak session for {@code username}, as the {@code Cookie} header the account pages' endpoints
     * trust (kept by hand: Java's CookieManager drops cookies of a host without a dot, such as localhost).
     */
    static String of(KeycloakServer server, String username) throws Exception {
        HttpClient browser = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        Map<String, String> cookies = new LinkedHashMap<>();
        String auth = server.realmUrl(ScaleRealm.REALM) + "/protocol/openid-connect/auth?client_id=portal&response_type=code"
                + "&scope=openid&redirect_uri=" + enc("http://127.0.0.1:1/cb");
        HttpResponse<String> form = browser.send(HttpRequest.newBuilder(URI.create(auth)).build(), HttpResponse.BodyHandlers.ofString());
        keep(form, cookies);
        Matcher action = FORM_ACTION.matcher(form.body());
        if (!action.find()) {
            throw new IllegalStateException("no login form: " + form.body());
        }
        HttpResponse<String> signedIn = browser.send(HttpRequest.newBuilder(URI.create(action.group(1).replace("&amp;", "&")))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Cookie", header(cookies))
                .POST(HttpRequest.BodyPublishers.ofString("username=" + enc(username) + "&password=" + enc(ScaleRealm.PASSWORD)))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (signedIn.statusCode() != 302) {
            throw new IllegalStateException("sign-in of " + username + ": " + signedIn.statusCode());
        }
        keep(signedIn, cookies);
        return header(cookies);
    }

    private static void keep(HttpResponse<?> response, Map<String, String> cookies) {
        for (String set : response.headers().allValues("Set-Cookie")) {
            String pair = set.split(";", 2)[0];
            int eq = pair.indexOf('=');
            cookies.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
    }

    private static String header(Map<String, String> cookies) {
        StringBuilder out = new StringBuilder();
        cookies.forEach((name, value) -> out.append(out.length() == 0 ? "" : "; ").append(name).append('=').append(value));
        return out.toString();
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
