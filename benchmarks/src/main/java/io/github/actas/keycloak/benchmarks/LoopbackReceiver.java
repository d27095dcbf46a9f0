package io.github.actas.keycloak.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.net.httpserver.HttpServer;

/**
 * A webhook receiver on loopback for the benchmark: answers 204 (or 503 while "down") and counts. It stands
 * for a system elsewhere but shares the server's cores here, so it answers on its dispatcher thread (no
 * hand-over to a pool) to take as little of them as it can.
 */
final class LoopbackReceiver implements AutoCloseable {

    private final HttpServer server;
    private final AtomicLong received = new AtomicLong();
    private volatile boolean available = true;

    LoopbackReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
        server.createContext("/hook", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                in.readAllBytes();
            }
            if (available) {
                received.incrementAndGet();
                exchange.sendResponseHeaders(204, -1);
            } else {
                exchange.sendResponseHeaders(503, -1);
            }
            exchange.close();
        });
        server.start();
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
