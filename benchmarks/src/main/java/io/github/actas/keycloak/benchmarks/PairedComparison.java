package io.github.actas.keycloak.benchmarks;

import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;

import io.github.actas.keycloak.harness.KeycloakServer;

/**
 * Two builds of Act-As side by side, in one run: "before" and "after" a change. Both servers run at the
 * same time on fresh embedded databases with the bench realm; each token-endpoint scenario runs in short
 * rounds on one server, then on the other (alternating which goes first), and the result is the median of
 * the per-round ratios after/before. Drift of a shared machine (the JIT settling, other load) then cancels
 * out instead of swamping a difference of a few per cent, which separate runs cannot resolve here.
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar io.github.actas.keycloak.benchmarks.PairedComparison
 * <before keycloak home> <after keycloak home>} (each an unpacked distribution with its jar in providers/);
 * {@code bench.rounds} (default 8), {@code bench.seconds} per round (default 10), {@code bench.warmup} per
 * server and scenario before the rounds (default 30), {@code bench.concurrency} (default 8,32).
 */
public final class PairedComparison {

    private static final List<String> MEASURED = List.of("(b) Keycloak standard exchange", "(c) Act-As impersonation",
            "(c') Act-As impersonation, new session each", "(d) Act-As delegation");

    private final LoadRunner load = new LoadRunner(false);
    private final int rounds = Integer.getInteger("bench.rounds", 8);
    private final int seconds = Integer.getInteger("bench.seconds", 10);
    private final int warmup = Integer.getInteger("bench.warmup", 30);
    private final int[] concurrency = Arrays.stream(System.getProperty("bench.concurrency", "8,32").split(","))
            .mapToInt(Integer::parseInt).toArray();

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: PairedComparison <before keycloak home> <after keycloak home>");
            System.exit(2);
        }
        new PairedComparison().run(Path.of(args[0]), Path.of(args[1]));
    }

    private void run(Path beforeHome, Path afterHome) throws Exception {
        Path realms = LoadRunner.realmFolder();
        KeycloakServer before = KeycloakServer.of(beforeHome, ExchangeLoadBenchmark.BUILD, TokenEndpointScenarios.SERVER_OPTIONS)
                .startFresh(realms);
        KeycloakServer after = null;
        try {
            after = KeycloakServer.of(afterHome, ExchangeLoadBenchmark.BUILD, TokenEndpointScenarios.SERVER_OPTIONS).startFresh(realms);
            Map<String, IntFunction<HttpRequest>> a = TokenEndpointScenarios.of(load, before);
            Map<String, IntFunction<HttpRequest>> b = TokenEndpointScenarios.of(load, after);
            for (String scenario : MEASURED) {
                load.phase(concurrency[0], a.get(scenario), warmup, null);
                load.phase(concurrency[0], b.get(scenario), warmup, null);
            }
            StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "%n%d rounds of %d s per scenario and server,"
                    + " alternating; ratios are after/before, median of the rounds (lowest..highest)%n%n"
                    + "| Scenario | Concurrency | Before req/s | After req/s | Throughput after/before | p50 after/before |%n"
                    + "|---|---|---|---|---|---|%n", rounds, seconds));
            for (int c : concurrency) {
                for (String scenario : MEASURED) {
                    table.append(compare(scenario, c, a.get(scenario), b.get(scenario))).append('\n');
                }
            }
            System.out.println(table);
        } finally {
            before.stop();
            if (after != null) {
                after.stop();
            }
        }
    }

    private String compare(String scenario, int c, IntFunction<HttpRequest> before, IntFunction<HttpRequest> after)
            throws Exception {
        List<Double> beforeRates = new ArrayList<>();
        List<Double> afterRates = new ArrayList<>();
        List<Double> throughput = new ArrayList<>();
        List<Double> latency = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            boolean beforeFirst = round % 2 == 0;
            LoadRunner.Result first = load.measure(scenario + (beforeFirst ? " [before]" : " [after]"), c,
                    beforeFirst ? before : after, null, 0, seconds);
            LoadRunner.Result second = load.measure(scenario + (beforeFirst ? " [after]" : " [before]"), c,
                    beforeFirst ? after : before, null, 0, seconds);
            LoadRunner.Result old = beforeFirst ? first : second;
            LoadRunner.Result now = beforeFirst ? second : first;
            beforeRates.add(old.perSecond());
            afterRates.add(now.perSecond());
            throughput.add(now.perSecond() / old.perSecond());
            latency.add(now.p50Millis() / old.p50Millis());
        }
        return String.format(Locale.ROOT, "| %s | %d | %.0f | %.0f | %.3f (%.2f..%.2f) | %.3f (%.2f..%.2f) |", scenario, c,
                LoadRunner.median(beforeRates), LoadRunner.median(afterRates),
                LoadRunner.median(throughput), min(throughput), max(throughput),
                LoadRunner.median(latency), min(latency), max(latency));
    }

    private static double min(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).min().orElse(0);
    }

    private static double max(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    }
}
