package io.github.actas.keycloak.audit.delivery;

import java.io.IOException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;

import io.github.actas.keycloak.audit.AuditJson;
import io.github.actas.keycloak.audit.AuditRecord;
import org.apache.http.HttpEntity;
import org.apache.http.NoHttpResponseException;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpPost;
import org.apache.http.entity.ByteArrayEntity;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.util.EntityUtils;

/**
 * Sends a batch's webhook deliveries with blocking calls on Keycloak's own HTTP client (so the server's
 * proxy mappings and truststore apply), spread over at most {@code max-in-flight} threads. Blocking
 * calls on pooled keep-alive connections cost a fraction of the CPU of an asynchronous client per
 * request, which matters because delivery shares the cores with the token endpoint.
 */
final class WebhookSink implements Sink {

    /** Fewer records than this per thread are not worth a hand-over to another thread. */
    private static final int MIN_PER_THREAD = 8;
    /** Response bodies up to this size are read so the connection can be reused; larger ones close it. */
    private static final long MAX_DRAINED_BODY = 64 * 1024;

    private final int maxThreads;
    private final Destinations destinations;
    private final ThreadPoolExecutor pool;
    private final ScheduledThreadPoolExecutor deadlines;

    WebhookSink(int maxInFlight, Destinations destinations) {
        this.maxThreads = Math.max(1, maxInFlight);
        this.destinations = destinations;
        this.pool = new ThreadPoolExecutor(maxThreads, maxThreads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                r -> DeliveryWorker.daemon(r, "act-as-audit-http"));
        this.pool.allowCoreThreadTimeOut(true);
        // The socket timeout bounds each wait for bytes; this bounds the whole request, so a receiver
        // that trickles its answer cannot hold a sender past the sink's timeout.
        this.deadlines = new ScheduledThreadPoolExecutor(1, r -> DeliveryWorker.daemon(r, "act-as-audit-deadline"));
        this.deadlines.setRemoveOnCancelPolicy(true);
    }

    /** One HTTP request: a single record, or up to the sink's batch size of records for a batched sink. */
    private record Request(SinkTarget target, List<Delivery> deliveries) {
    }

    @Override
    public List<DeliveryResult> send(CloseableHttpClient http, List<Delivery> deliveries) {
        if (deliveries.isEmpty()) {
            return List.of();
        }
        List<Request> requests = requests(deliveries);
        int threads = Math.min(requests.size(),
                Math.min(maxThreads, (deliveries.size() + MIN_PER_THREAD - 1) / MIN_PER_THREAD));
        List<List<Request>> chunks = new ArrayList<>(threads);
        for (int t = 0; t < threads; t++) {
            chunks.add(new ArrayList<>(requests.size() / threads + 1));
        }
        for (int i = 0; i < requests.size(); i++) {
            chunks.get(i % threads).add(requests.get(i));
        }
        List<Future<List<DeliveryResult>>> others = new ArrayList<>(threads - 1);
        for (int t = 1; t < threads; t++) {
            List<Request> chunk = chunks.get(t);
            others.add(pool.submit(() -> sendAll(http, chunk)));
        }
        // The calling thread takes the first chunk itself: a small batch never changes threads.
        List<DeliveryResult> results = new ArrayList<>(deliveries.size());
        results.addAll(sendAll(http, chunks.get(0)));
        for (int t = 0; t < others.size(); t++) {
            String error = null;
            try {
                results.addAll(others.get(t).get());
            } catch (ExecutionException e) {
                // sendAll turns every failure into a result; this is a bug or an out-of-memory: retry later
                error = "internal error: " + e.getCause();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                error = "delivery interrupted (node shutting down)";
            }
            if (error != null) {
                for (Request request : chunks.get(t + 1)) {
                    for (Delivery delivery : request.deliveries()) {
                        results.add(DeliveryResult.failed(delivery.task(), delivery.target(), error));
                    }
                }
            }
        }
        return results;
    }

    /** Groups the deliveries of batched sinks into requests of up to their batch size; one request per record otherwise. */
    private static List<Request> requests(List<Delivery> deliveries) {
        List<Request> requests = new ArrayList<>(deliveries.size());
        Map<SinkTarget, List<Delivery>> open = new IdentityHashMap<>();
        for (Delivery delivery : deliveries) {
            SinkTarget target = delivery.target();
            int batchSize = target.config().batchSize();
            if (batchSize <= 1) {
                requests.add(new Request(target, List.of(delivery)));
                continue;
            }
            List<Delivery> batch = open.computeIfAbsent(target, t -> new ArrayList<>(batchSize));
            batch.add(delivery);
            if (batch.size() == batchSize) {
                requests.add(new Request(target, batch));
                open.remove(target);
            }
        }
        open.forEach((target, batch) -> requests.add(new Request(target, batch)));
        return requests;
    }

    private List<DeliveryResult> sendAll(CloseableHttpClient http, List<Request> chunk) {
        List<DeliveryResult> results = new ArrayList<>(chunk.size());
        Map<SinkTarget, Mac> macs = new IdentityHashMap<>();
        // A receiver that cannot be reached or does not answer in time is not tried again in this chunk: one
        // timeout per chunk, not one per record (the rest wait for their retry in the outbox).
        Map<SinkTarget, String> unreachable = new IdentityHashMap<>();
        for (Request request : chunk) {
            String error = unreachable.get(request.target());
            if (error == null) {
                Mac mac = macs.computeIfAbsent(request.target(), target -> WebhookSignature.mac(target.key()));
                Outcome outcome = sendOne(http, request, mac);
                error = outcome.error();
                if (outcome.unreachable()) {
                    unreachable.put(request.target(), error);
                }
            }
            for (Delivery delivery : request.deliveries()) {
                results.add(error == null ? DeliveryResult.ok(delivery.task(), delivery.target())
                        : DeliveryResult.failed(delivery.task(), delivery.target(), error));
            }
        }
        return results;
    }

    /** What a request came to: accepted (no error), answered with a refusal, or no answer at all. */
    private record Outcome(String error, boolean unreachable) {
        static final Outcome ACCEPTED = new Outcome(null, false);
    }

    private Outcome sendOne(CloseableHttpClient http, Request request, Mac mac) {
        SinkTarget target = request.target();
        AuditSinkConfig sink = target.config();
        // Again at send time, against what the name resolves to now (the JVM caches the answer for the request).
        String refused = destinations.refusal(target.uri());
        if (refused != null) {
            return new Outcome("destination refused: " + refused, true);
        }
        String messageId;
        String contentType;
        byte[] body;
        if (sink.batched()) {
            List<AuditRecord> records = new ArrayList<>(request.deliveries().size());
            for (Delivery delivery : request.deliveries()) {
                records.add(delivery.task().record());
            }
            messageId = WebhookSignature.batchId(records);
            contentType = AuditJson.BATCH_CONTENT_TYPE;
            body = AuditJson.cloudEventBatch(records);
        } else {
            DeliveryTask task = request.deliveries().get(0).task();
            messageId = task.recordId();
            contentType = AuditJson.CONTENT_TYPE;
            body = AuditJson.cloudEvent(task.record());
        }
        long timestamp = System.currentTimeMillis() / 1000;

        HttpPost post = new HttpPost(target.uri());
        post.setConfig(target.requestConfig());
        post.setHeader("Content-Type", contentType);
        post.setHeader(WebhookSignature.ID_HEADER, messageId);
        post.setHeader(WebhookSignature.TIMESTAMP_HEADER, Long.toString(timestamp));
        post.setHeader(WebhookSignature.SIGNATURE_HEADER, WebhookSignature.sign(mac, messageId, timestamp, body));
        post.setEntity(new ByteArrayEntity(body));

        ScheduledFuture<?> deadline = deadlines.schedule(post::abort, sink.timeoutMillis(), TimeUnit.MILLISECONDS);
        try (CloseableHttpResponse response = http.execute(post)) {
            int status = response.getStatusLine().getStatusCode();
            drain(response.getEntity());
            return status >= 200 && status < 300 ? Outcome.ACCEPTED : new Outcome("HTTP " + status + " from " + target.host(), false);
        } catch (IOException | RuntimeException e) {
            return new Outcome(describe(e, post.isAborted(), sink, target.host()), true);
        } finally {
            deadline.cancel(false);
        }
    }

    private static void drain(HttpEntity entity) throws IOException {
        if (entity != null && entity.getContentLength() >= 0 && entity.getContentLength() <= MAX_DRAINED_BODY) {
            EntityUtils.consume(entity);
        }
        // otherwise closing the response closes the connection instead of reading an unbounded body
    }

    /**
     * An error for the sink's status: that the receiver did not answer, and which host, never the URL's path
     * or query. Refused, reset and timed-out connections read the same, so a sink's status cannot be used to
     * probe which ports of a host are open.
     */
    static String describe(Exception e, boolean aborted, AuditSinkConfig sink, String host) {
        if (e instanceof NoHttpResponseException) {
            return "connection closed by " + host + " without a response";
        }
        return "no answer from " + host + " within " + sink.timeoutMillis() + " ms (connection failed or timed out)";
    }

    @Override
    public void close() {
        pool.shutdownNow();
        deadlines.shutdownNow();
    }
}
