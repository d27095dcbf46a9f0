package io.github.actas.keycloak.audit.delivery;

import java.util.List;

import org.apache.http.impl.client.CloseableHttpClient;

/** Where records go: the log ({@link LogSink}) or a signed webhook ({@link WebhookSink}). */
interface Sink {

    /** One record for one target of this kind. */
    record Delivery(DeliveryTask task, SinkTarget target) {
    }

    /**
     * Sends every delivery once, outside any transaction.
     *
     * @param http Keycloak's HTTP client (owned by Keycloak)
     * @return one result per delivery, in no particular order
     */
    List<DeliveryResult> send(CloseableHttpClient http, List<Delivery> deliveries);

    /** Releases threads the sink holds (a node shutting down). */
    default void close() {
    }
}
