package io.github.actas.keycloak.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Minimal HTTP for tests: JDK client, raw status and body, JSON on demand. */
public final class Http {

    public static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    private Http() {
    }

    public record Response(int status, String body, HttpHeaders headers) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (status " + status + "): " + body, e);
            }
        }

        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    public static Response get(String url, String token) {
        return send(request(url, token).GET().build());
    }

    /** A GET for plain text (Prometheus' /metrics answers 406 to Accept: application/json). */
    public static Response getText(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).header("Accept", "text/plain").GET().build());
    }

    public static Response delete(String url, String token) {
        return send(request(url, token).DELETE().build());
    }

    /** A DELETE with a JSON body (Keycloak's admin API removes role mappings so). */
    public static Response deleteJson(String url, String token, Object body) {
        return send(request(url, token).header("Content-Type", "application/json")
                .method("DELETE", HttpRequest.BodyPublishers.ofString(asJson(body))).build());
    }

    public static Response postJson(String url, String token, Object body) {
        return send(request(url, token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(asJson(body))).build());
    }

    public static Response putJson(String url, String token, Object body) {
        return send(request(url, token).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(asJson(body))).build());
    }

    public static Response postForm(String url, Map<String, String> form) {
        return postForm(url, form.entrySet().stream().map(e -> new String[] {e.getKey(), e.getValue()}).toList());
    }

    /** A form post; pairs may repeat a name. */
    public static Response postForm(String url, List<String[]> form) {
        return postForm(url, form, Map.of());
    }

    /** A form post with extra request headers (cookies, Origin, Sec-Fetch-Site: what a browser would send). */
    public static Response postForm(String url, List<String[]> form, Map<String, String> headers) {
        String encoded = form.stream()
                .map(p -> URLEncoder.encode(p[0], StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(p[1], StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/x-www-form-urlencoded");
        headers.forEach(builder::header);
        return send(builder.POST(HttpRequest.BodyPublishers.ofString(encoded)).build());
    }

    /** A JSON string is sent as is; anything else is serialized. */
    static String asJson(Object body) {
        if (body instanceof String s) {
            return s;
        }
        try {
            return JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static HttpRequest.Builder request(String url, String token) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Accept", "application/json");
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }

    private static Response send(HttpRequest request) {
        try {
            HttpResponse<String> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body(), response.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
