package io.github.actas.keycloak.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.actas.keycloak.harness.Http;

/**
 * A real webhook receiver on loopback: verifies every Standard Webhooks signature itself, remembers
 * what arrived (by webhook-id, duplicates counted), and can be told to fail in the ways receivers do.
 */
final class WebhookReceiver {

    enum Mode { OK, FAIL_500, SLOW, CLOSE, SLOW_OK }

    /**
     * One delivery attempt as the receiver saw it; {@code event} is the request body: one CloudEvent, or an
     * array of them for a batch ({@value #BATCH_CONTENT_TYPE}).
     */
    record Delivery(String id, String contentType, boolean signatureValid, JsonNode event, int answeredWith) {

        boolean batch() {
            return BATCH_CONTENT_TYPE.equals(contentType);
        }
    }

    static final String BATCH_CONTENT_TYPE = "application/cloudevents-batch+json";

    private final int port;
    private final byte[] key;
    private final long slowMillis;
    private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
    private final ConcurrentHashMap<String, AtomicInteger> accepted = new ConcurrentHashMap<>();
    private volatile Mode mode = Mode.OK;
    private HttpServer server;
    private ExecutorService executor;

    WebhookReceiver(int port, String secret, long slowMillis) {
        this.port = port;
        this.key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
        this.slowMillis = slowMillis;
    }

    static String newSecret() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return "whsec_" + Base64.getEncoder().encodeToString(bytes);
    }

    String url() {
        return "http://127.0.0.1:" + port + "/hook";
    }

    /** Starts listening; does nothing when already listening. */
    synchronized void start() {
        if (server != null) {
            return;
        }
        try {
            executor = Executors.newCachedThreadPool();
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
            server.setExecutor(executor);
            server.createContext("/hook", this::handle);
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    synchronized void stop() {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
            server = null;
        }
    }

    void mode(Mode value) {
        mode = value;
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] raw;
        try (InputStream in = exchange.getRequestBody()) {
            raw = in.readAllBytes();
        }
        String body = new String(raw, StandardCharsets.UTF_8);
        String id = exchange.getRequestHeaders().getFirst("webhook-id");
        String timestamp = exchange.getRequestHeaders().getFirst("webhook-timestamp");
        String signature = exchange.getRequestHeaders().getFirst("webhook-signature");
        boolean valid = id != null && timestamp != null && signature != null && signature.equals(sign(id, timestamp, body));
        JsonNode event = Http.JSON.readTree(body);
        Mode current = mode;
        switch (current) {
            case CLOSE:
                deliveries.add(new Delivery(id, contentType(exchange), valid, event, -1));
                exchange.close(); // no status line: the sender sees the connection end
                return;
            case SLOW:
                deliveries.add(new Delivery(id, contentType(exchange), valid, event, -2));
                try {
                    Thread.sleep(slowMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                exchange.close();
                return;
            case SLOW_OK:
                // Counted on receipt: a sender that dies while waiting has still delivered this copy.
                deliveries.add(new Delivery(id, contentType(exchange), valid, event, 204));
                if (valid) {
                    accept(id, event);
                }
                try {
                    Thread.sleep(slowMillis);
                    exchange.sendResponseHeaders(204, -1);
                } catch (InterruptedException | IOException e) {
                    // the sender went away
                }
                exchange.close();
                return;
            case FAIL_500:
                deliveries.add(new Delivery(id, contentType(exchange), valid, event, 500));
                exchange.sendResponseHeaders(500, -1);
                exchange.close();
                return;
            default:
                deliveries.add(new Delivery(id, contentType(exchange), valid, event, 204));
                if (valid) {
                    accept(id, event);
                }
                exchange.sendResponseHeaders(204, -1);
                exchange.close();
        }
    }

    /** Counts a structured event by its webhook-id, and each event of a batch by its own id. */
    private void accept(String id, JsonNode body) {
        if (body.isArray()) {
            body.forEach(event -> accepted.computeIfAbsent(event.get("id").asText(), k -> new AtomicInteger()).incrementAndGet());
        } else {
            accepted.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
        }
    }

    private static String contentType(HttpExchange exchange) {
        return exchange.getRequestHeaders().getFirst("Content-Type");
    }

    private String sign(String id, String timestamp, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return "v1," + Base64.getEncoder().encodeToString(
                    mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Record ids accepted (2xx, valid signature), each with how many times it was accepted. */
    Map<String, AtomicInteger> accepted() {
        return accepted;
    }

    List<Delivery> deliveries() {
        return new ArrayList<>(deliveries);
    }

    List<Delivery> attemptsOf(String id) {
        return deliveries.stream().filter(d -> id.equals(d.id())).toList();
    }
}
