package io.github.actas.keycloak.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/** Loopback ports for the real servers a test or benchmark starts (Keycloak, receivers, SMTP, JGroups). */
public final class Ports {

    private Ports() {
    }

    /** A port free right now, for a server that must keep it across its own restarts. */
    public static int free() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
