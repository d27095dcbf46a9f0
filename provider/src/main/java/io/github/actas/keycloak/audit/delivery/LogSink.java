package io.github.actas.keycloak.audit.delivery;

import java.util.ArrayList;
import java.util.List;

import org.apache.http.impl.client.CloseableHttpClient;
import org.jboss.logging.Logger;

/** One INFO line per record in the category {@value #CATEGORY}, which operators route to their log store. */
final class LogSink implements Sink {

    static final String CATEGORY = "io.github.actas.audit";
    private static final Logger AUDIT_LOG = Logger.getLogger(CATEGORY);

    @Override
    public List<DeliveryResult> send(CloseableHttpClient http, List<Delivery> deliveries) {
        List<DeliveryResult> results = new ArrayList<>(deliveries.size());
        for (Delivery delivery : deliveries) {
            AUDIT_LOG.info(LogLine.of(delivery.task().record()));
            results.add(DeliveryResult.ok(delivery.task(), delivery.target()));
        }
        return results;
    }
}
