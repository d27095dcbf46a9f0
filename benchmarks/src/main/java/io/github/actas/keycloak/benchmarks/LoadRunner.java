package io.github.actas.keycloak.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

import com.sun.management.OperatingSystemMXBean;
import io.github.actas.keycloak.harness.Http;
import io.github.actas.keycloak.harness.KeycloakServer;

/**
 * The closed-loop load generator of the token-endpoint benchmarks: N workers, each sending its next
 * request when the previous one is answered, for a number of seconds; latencies, throughput and the CPU
 * time the server, this process and the database spent per request.
 */
final class LoadRunner {

    /** One measured scenario at one concurrency. */
    record Result(String scenario, int concurrency, long requests, long errors, double seconds, double p50Millis,
                  double p99Millis, double serverCpuMicros, double benchCpuMicros, double databaseCpuMicros) {
        double perSecond() {
            return requests / seconds;
        }
    }

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final boolean postgres;

    /** @param postgres whether the server's database is the PostgreSQL server on this machine (its CPU is counted) */
    LoadRunner(boolean postgres) {
        this.postgres = postgres;
    }

    /**
     * Checks that the scenario works, warms it up for {@code warmupSeconds}, then measures it for
     * {@code measureSeconds}; with a server given, also its CPU time per request (all its threads).
     */
    Result measure(String scenario, int concurrency, IntFunction<HttpRequest> requests, KeycloakServer server,
                   int warmupSeconds, int measureSeconds) throws Exception {
        HttpResponse<String> probe = client.send(requests.apply(0), HttpResponse.BodyHandlers.ofString());
        if (probe.statusCode() != 200) {
            throw new IllegalStateException(scenario + " does not work: " + probe.statusCode() + " " + probe.body());
        }
        if (warmupSeconds > 0) {
            phase(concurrency, requests, warmupSeconds, null);
        }
        long[][] latencies = new long[concurrency][];
        AtomicLong errors = new AtomicLong();
        Duration cpuBefore = server == null ? Duration.ZERO : server.cpuTime();
        long benchCpuBefore = benchCpuNanos();
        long databaseCpuBefore = databaseCpuNanos();
        long start = System.nanoTime();
        long[] counts = phase(concurrency, requests, measureSeconds, new Recorder(latencies, errors));
        double seconds = (System.nanoTime() - start) / 1e9;
        long total = Arrays.stream(counts).sum();
        double cpuMicros = server == null || total == 0 ? 0 : server.cpuTime().minus(cpuBefore).toNanos() / 1e3 / total;
        double benchCpuMicros = total == 0 ? 0 : (benchCpuNanos() - benchCpuBefore) / 1e3 / total;
        double databaseCpuMicros = total == 0 ? 0 : (databaseCpuNanos() - databaseCpuBefore) / 1e3 / total;
        long[] all = Arrays.stream(latencies).flatMapToLong(Arrays::stream).sorted().toArray();
        Result result = new Result(scenario, concurrency, total, errors.get(), seconds,
                percentile(all, 0.50) / 1e6, percentile(all, 0.99) / 1e6, cpuMicros, benchCpuMicros, databaseCpuMicros);
        System.out.printf(Locale.ROOT, "%-42s c=%-3d %8.1f req/s  p50 %7.2f ms  p99 %7.2f ms  errors %d%s%n",
                scenario, concurrency, result.perSecond(), result.p50Millis(), result.p99Millis(), result.errors(),
                server == null ? "" : String.format(Locale.ROOT, "  CPU µs/request: server %.0f, benchmark %.0f%s",
                        cpuMicros, benchCpuMicros, postgres ? String.format(Locale.ROOT, ", database %.0f", databaseCpuMicros) : ""));
        return result;
    }

    /** Stores each worker's latencies (nanoseconds); null during warm-up. */
    private record Recorder(long[][] latencies, AtomicLong errors) {
    }

    /** Runs the closed loop for {@code seconds}; returns how many requests each worker sent. */
    long[] phase(int concurrency, IntFunction<HttpRequest> requests, int seconds, Recorder recorder) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        List<Future<Long>> workers = new ArrayList<>();
        for (int w = 0; w < concurrency; w++) {
            int worker = w;
            workers.add(pool.submit(() -> {
                long[] mine = new long[4096];
                int n = 0;
                long sent = 0;
                int i = worker;
                while (System.nanoTime() < deadline) {
                    HttpRequest request = requests.apply(i);
                    i += concurrency;
                    sent++;
                    long t0 = System.nanoTime();
                    HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                    long took = System.nanoTime() - t0;
                    if (recorder != null) {
                        if (response.statusCode() != 200) {
                            recorder.errors().incrementAndGet();
                        }
                        if (n == mine.length) {
                            mine = Arrays.copyOf(mine, n * 2);
                        }
                        mine[n++] = took;
                    }
                }
                if (recorder != null) {
                    recorder.latencies()[worker] = Arrays.copyOf(mine, n);
                }
                return sent;
            }));
        }
        long[] counts = new long[concurrency];
        for (int w = 0; w < concurrency; w++) {
            counts[w] = workers.get(w).get();
        }
        pool.shutdown();
        return counts;
    }

    /** A password grant through a confidential client of the bench realm (password "bench"). */
    String login(String tokenUrl, String clientId, String username) throws IOException, InterruptedException {
        HttpResponse<String> response = client.send(post(tokenUrl, "grant_type", "password", "client_id", clientId,
                "client_secret", clientId + "-secret", "username", username, "password", "bench"), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("login " + username + ": " + response.body());
        }
        return Http.JSON.readTree(response.body()).get("access_token").asText();
    }

    static HttpRequest post(String url, String... form) {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < form.length; i += 2) {
            if (body.length() > 0) {
                body.append('&');
            }
            body.append(URLEncoder.encode(form[i], StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(form[i + 1], StandardCharsets.UTF_8));
        }
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
    }

    /** The bench realm, in a folder of its own for {@code --import-realm}. */
    static Path realmFolder() throws IOException {
        Path folder = Files.createTempDirectory("act-as-bench-realms");
        try (InputStream in = LoadRunner.class.getResourceAsStream("/bench-realms/bench-realm.json")) {
            Files.copy(in, folder.resolve("bench-realm.json"), StandardCopyOption.REPLACE_EXISTING);
        }
        return folder;
    }

    /**
     * CPU time of the PostgreSQL server's processes on this machine (its backends live as long as the server's
     * connection pool), zero with the embedded H2: it shares the cores too.
     */
    private long databaseCpuNanos() {
        if (!postgres) {
            return 0;
        }
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().command().map(c -> c.endsWith("/postgres")).orElse(false))
                .mapToLong(p -> p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L))
                .sum();
    }

    /** CPU time of this process (load generator and, in the audit part, the webhook receiver): they share the cores. */
    private static long benchCpuNanos() {
        return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
