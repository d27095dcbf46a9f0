package io.github.actas.keycloak.benchmarks;

import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.IntFunction;

import io.github.actas.keycloak.harness.KeycloakServer;
import io.github.actas.keycloak.harness.Ports;

/**
 * The token-endpoint scenarios against two clustered nodes (Infinispan, JDBC-ping discovery, one PostgreSQL
 * database), first all requests to node A, then round-robin over both, in one run: throughput, latency and the CPU
 * both nodes spend per request. On one machine the nodes share its cores, so two nodes cannot be faster than one;
 * what the run shows is what a second node costs per request (cluster traffic, cache invalidations) and that every
 * scenario works when consecutive requests land on different nodes.
 *
 * <p>{@code ./mvnw -Pbenchmarks,cluster-bench -pl benchmarks -am package -DskipTests}
 */
public final class ClusterLoadBenchmark {

    private static final String POSTGRES = System.getProperty("bench.postgres", "jdbc:postgresql://127.0.0.1:5432/");
    private static final int[] CONCURRENCY = Arrays.stream(System.getProperty("bench.concurrency", "8,32").split(","))
            .mapToInt(Integer::parseInt).toArray();
    private static final List<String> SCENARIOS = List.of("(a) client credentials", "(b) Keycloak standard exchange",
            "(c) Act-As impersonation", "(c') Act-As impersonation, new session each", "(d) Act-As delegation");

    private final LoadRunner load = new LoadRunner(true);
    private final int warmupSeconds = Integer.getInteger("bench.warmup", 5);
    private final int measureSeconds = Integer.getInteger("bench.seconds", 15);

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: ClusterLoadBenchmark <unpacked keycloak home with the Act-As jar in providers/>");
            System.exit(2);
        }
        new ClusterLoadBenchmark().run(Path.of(args[0]));
    }

    /** One scenario at one concurrency on one topology, with the CPU of both nodes per request. */
    private record Row(String scenario, String topology, int concurrency, LoadRunner.Result result, double clusterCpuMicros) {
    }

    private void run(Path home) throws Exception {
        String database = "actas_cluster_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        try (Connection c = DriverManager.getConnection(POSTGRES + "postgres", "postgres", "postgres")) {
            c.createStatement().execute("create database " + database);
        }
        Path root = home.getParent().resolve("cluster-bench");
        List<String> build = List.of("--db=postgres", "--cache=ispn", "--health-enabled=true");
        KeycloakServer nodeA = null;
        KeycloakServer nodeB = null;
        try {
            KeycloakServer.copyDistribution(home, root.resolve("node-a"));
            nodeA = KeycloakServer.of(root.resolve("node-a"), build, options(database));
            nodeA.startFresh(LoadRunner.realmFolder());
            KeycloakServer.copyDistribution(root.resolve("node-a"), root.resolve("node-b"));
            nodeB = KeycloakServer.of(root.resolve("node-b"), build, options(database));
            nodeB.start();

            Map<String, IntFunction<HttpRequest>> onA = TokenEndpointScenarios.of(load, nodeA);
            Map<String, IntFunction<HttpRequest>> onB = TokenEndpointScenarios.of(load, nodeB);
            List<Row> rows = new ArrayList<>();
            for (int concurrency : CONCURRENCY) {
                for (String scenario : SCENARIOS) {
                    IntFunction<HttpRequest> a = onA.get(scenario);
                    IntFunction<HttpRequest> b = onB.get(scenario);
                    rows.add(measure(scenario, "node A only", concurrency, a, nodeA, nodeB));
                    // worker w sends requests w, w + c, w + 2c…: with an even c, half the workers use each node
                    rows.add(measure(scenario, "round robin over A and B", concurrency, i -> (i % 2 == 0 ? a : b).apply(i),
                            nodeA, nodeB));
                }
            }
            report(rows).forEach(System.out::println);
        } finally {
            if (nodeB != null) {
                nodeB.stop();
            }
            if (nodeA != null) {
                nodeA.stop();
            }
            try (Connection c = DriverManager.getConnection(POSTGRES + "postgres", "postgres", "postgres")) {
                c.createStatement().execute("drop database if exists " + database + " with (force)");
            }
        }
    }

    private static List<String> options(String database) throws Exception {
        List<String> options = new ArrayList<>(List.of("--db-url=" + POSTGRES + database, "--db-username=postgres",
                "--db-password=postgres",
                // one public name: a token issued by either node is valid on both
                "--hostname=http://act-as-cluster.test",
                "--cache-embedded-network-bind-address=127.0.0.1",
                "--cache-embedded-network-bind-port=" + Ports.free()));
        options.addAll(TokenEndpointScenarios.SERVER_OPTIONS);
        return options;
    }

    private Row measure(String scenario, String topology, int concurrency, IntFunction<HttpRequest> requests,
                        KeycloakServer nodeA, KeycloakServer nodeB) throws Exception {
        load.phase(concurrency, requests, warmupSeconds, null);
        Duration before = nodeA.cpuTime().plus(nodeB.cpuTime());
        LoadRunner.Result result = load.measure(scenario, concurrency, requests, null, 0, measureSeconds);
        Duration spent = nodeA.cpuTime().plus(nodeB.cpuTime()).minus(before);
        return new Row(scenario, topology, concurrency, result,
                result.requests() == 0 ? 0 : spent.toNanos() / 1e3 / result.requests());
    }

    private static List<String> report(List<Row> rows) {
        List<String> out = new ArrayList<>();
        out.add("| Scenario | Concurrency | Topology | Requests/s | p50 (ms) | p99 (ms) | Errors | CPU of both nodes per request (µs) |");
        out.add("|---|---|---|---|---|---|---|---|");
        for (Row r : rows) {
            out.add(String.format(Locale.ROOT, "| %s | %d | %s | %.0f | %.1f | %.1f | %d | %.0f |", r.scenario(), r.concurrency(),
                    r.topology(), r.result().perSecond(), r.result().p50Millis(), r.result().p99Millis(), r.result().errors(),
                    r.clusterCpuMicros()));
        }
        out.add("");
        for (int i = 0; i + 1 < rows.size(); i += 2) {
            Row one = rows.get(i);
            Row two = rows.get(i + 1);
            out.add(String.format(Locale.ROOT, "%s at c=%d: two nodes / one node = %.2f× throughput, %.2f× CPU per request",
                    one.scenario(), one.concurrency(), two.result().perSecond() / one.result().perSecond(),
                    two.clusterCpuMicros() / Math.max(1, one.clusterCpuMicros())));
        }
        return out;
    }
}
