package io.github.actas.keycloak.audit.delivery;

import java.net.URI;

import org.apache.http.client.config.RequestConfig;

/**
 * A sink, resolved once per batch: its config and the {@link Sink} that sends to it; for webhooks also
 * its signing key, address and request timeouts.
 */
record SinkTarget(AuditSinkConfig config, Sink sink, byte[] key, URI uri, String host, RequestConfig requestConfig) {

    static SinkTarget of(AuditSinkConfig config, Sink log, Sink webhook) {
        if (!AuditSinkConfig.WEBHOOK.equals(config.type())) {
            return new SinkTarget(config, log, null, null, null, null);
        }
        int timeout = config.timeoutMillis();
        return new SinkTarget(config, webhook, config.signingKey(), URI.create(config.url()), host(config),
                RequestConfig.custom().setConnectTimeout(timeout).setSocketTimeout(timeout)
                        .setConnectionRequestTimeout(timeout).build());
    }

    String id() {
        return config.id();
    }

    /** Only scheme, host and port: the URL's path or query could carry a token. */
    static String host(AuditSinkConfig sink) {
        URI uri = URI.create(sink.url());
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
    }
}
