package io.github.actas.keycloak.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.net.httpserver.HttpServer;

/**
 * A webhook receiver on loopback for the benchmark: answers 204 (or 503 while "down") and counts records
 * (one per structured event, each event of a batch). It stands
 * for a system elsewhere but shares the server's cores here, so it answers on its dispatcher thread (no
 * hand-over to a pool) to take as little of them as it can.
 */
final class LoopbackReceiver implements AutoCloseable {

    private static final String BATCH = "application/cloudevents-batch+json";
    private static final byte[] SPECVERSION = "\"specversion\"".getBytes(StandardCharsets.US_ASCII);

    private final HttpServer server;
    private final AtomicLong received = new AtomicLong();
    private volatile boolean available = true;

    LoopbackReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
        server.createContext("/hook", exchange -> {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            if (available) {
                received.addAndGet(BATCH.equals(exchange.getRequestHeaders().getFirst("Content-Type")) ? events(body) : 1);
                exchange.sendResponseHeaders(204, -1);
            } else {
                exchange.sendResponseHeaders(503, -1);
            }
            exchange.close();
        });
        server.start();
    }

    /** Events in a CloudEvents JSON batch: one {@code "specversion"} member each (record fields cannot contain it unquoted). */
    private static int events(byte[] body) {
        int count = 0;
        for (int i = 0; i + SPECVERSION.length <= body.length; i++) {
            if (body[i] == '"' && java.util.Arrays.equals(body, i, i + SPECVERSION.length, SPECVERSION, 0, SPECVERSION.length)) {
                count++;
                i += SPECVERSION.length - 1;
            }
        }
        return count;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    void available(boolean value) {
        available = value;
    }

    long received() {
        return received.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
