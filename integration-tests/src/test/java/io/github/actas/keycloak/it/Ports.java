package io.github.actas.keycloak.it;

import java.io.IOException;
import java.net.ServerSocket;

/** Loopback ports for the real servers a test starts (receivers, SMTP, JGroups). */
final class Ports {

    private Ports() {
    }

    /** A port free right now, for a server that must keep it across its own restarts. */
    static int free() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
