package io.github.actas.keycloak.benchmarks;

import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.IntFunction;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.actas.keycloak.harness.Http;
import io.github.actas.keycloak.harness.KeycloakServer;

/**
 * Token endpoint throughput and latency, on one machine, in one run (not a CI gate):
 * (a) client credentials, (b) Keycloak's standard exchange, (c) Act-As impersonation (repeated requests
 * reuse their Act-As session), (c') Act-As impersonation where every request starts a new session,
 * (d) Act-As delegation; then, in a second start with Keycloak's preview {@code token-exchange} and
 * {@code admin-fine-grained-authz:v1} (and Act-As's exchange switched off), (e) Keycloak's own v1
 * {@code requested_subject} impersonation. Closed loop: each of N workers sends its next request when
 * the previous one is answered.
 *
 * <p>Usage: {@code ./mvnw -Pexchange-bench -pl benchmarks -am package -DskipTests}
 * (system properties {@code bench.warmup} and {@code bench.seconds} set the phases, in seconds).
 */
public final class ExchangeLoadBenchmark {

    private static final String REALM = TokenEndpointScenarios.REALM;
    /** Concurrency levels, {@code bench.concurrency} (comma-separated). */
    private static final int[] CONCURRENCY = Arrays.stream(System.getProperty("bench.concurrency", "8,32").split(","))
            .mapToInt(Integer::parseInt).toArray();
    /**
     * The database, {@code bench.db}: {@code dev-file} (embedded H2, the default) or {@code postgres} (a fresh
     * database on the server at {@code bench.postgres}, dropped afterwards; what production runs on).
     */
    private static final String DB = System.getProperty("bench.db", "dev-file");
    private static final String POSTGRES = System.getProperty("bench.postgres", "jdbc:postgresql://127.0.0.1:5432/");
    static final List<String> BUILD = List.of("--db=" + DB, "--health-enabled=true", "--cache=local");

    private final LoadRunner load = new LoadRunner("postgres".equals(DB));
    private final int warmupSeconds = Integer.getInteger("bench.warmup", 5);
    private final int measureSeconds = Integer.getInteger("bench.seconds", 15);
    /** Which parts to run: exchange (a-d, f), keys ((a) and (f) in paired rounds), audit, v1 (e); by default all but keys. */
    private final List<String> parts = List.of(System.getProperty("bench.parts", "exchange,audit,v1").split(","));

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: ExchangeLoadBenchmark <unpacked keycloak home with the Act-As jar in providers/>");
            System.exit(2);
        }
        new ExchangeLoadBenchmark().run(Path.of(args[0]));
    }

    private void run(Path home) throws Exception {
        System.out.println("Database: " + DB);
        if ("postgres".equals(DB)) {
            // one database per start: the second start (v1) must not find the first one's realm and sessions
            String actAsDb = createDatabase();
            String v1Db = parts.contains("v1") ? createDatabase() : null;
            try {
                run(home, postgresOptions(actAsDb), v1Db == null ? List.of() : postgresOptions(v1Db));
            } finally {
                dropDatabase(actAsDb);
                if (v1Db != null) {
                    dropDatabase(v1Db);
                }
            }
        } else {
            run(home, List.of(), List.of());
        }
    }

    private static List<String> postgresOptions(String database) {
        return List.of("--db-url=" + POSTGRES + database, "--db-username=postgres", "--db-password=postgres");
    }

    private static String createDatabase() throws SQLException {
        String database = "actas_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        try (Connection c = DriverManager.getConnection(POSTGRES + "postgres", "postgres", "postgres")) {
            c.createStatement().execute("create database " + database);
        }
        return database;
    }

    private static void dropDatabase(String database) throws SQLException {
        try (Connection c = DriverManager.getConnection(POSTGRES + "postgres", "postgres", "postgres")) {
            c.createStatement().execute("drop database if exists " + database + " with (force)");
        }
    }

    private void run(Path home, List<String> actAsDbOptions, List<String> v1DbOptions) throws Exception {
        Path realms = LoadRunner.realmFolder();
        List<LoadRunner.Result> results = new ArrayList<>();

        List<String> actAsOptions = new ArrayList<>(actAsDbOptions);
        actAsOptions.addAll(TokenEndpointScenarios.SERVER_OPTIONS);
        KeycloakServer actAs = KeycloakServer.of(home, BUILD, actAsOptions).startFresh(realms);
        List<String> auditReport = new ArrayList<>();
        try {
            Map<String, IntFunction<HttpRequest>> scenarios = new LinkedHashMap<>(TokenEndpointScenarios.of(load, actAs));
            scenarios.put(ServiceAccountKeys.SCENARIO, ServiceAccountKeys.exchange(actAs, () -> adminToken(actAs)));
            if (parts.contains("exchange")) {
                for (int concurrency : CONCURRENCY) {
                    for (Map.Entry<String, IntFunction<HttpRequest>> scenario : scenarios.entrySet()) {
                        results.add(load.measure(scenario.getKey(), concurrency, scenario.getValue(), null, warmupSeconds, measureSeconds));
                    }
                }
            }
            if (parts.contains("keys")) {
                auditReport.addAll(ServiceAccountKeys.paired(load, actAs, scenarios.get("(a) client credentials"),
                        scenarios.get(ServiceAccountKeys.SCENARIO), CONCURRENCY, warmupSeconds, measureSeconds));
            }
            if (parts.contains("audit")) {
                auditReport.addAll(audit(actAs, scenarios.get("(c) Act-As impersonation")));
            }
        } finally {
            actAs.stop();
        }

        if (!parts.contains("v1")) {
            report(results);
            auditReport.forEach(System.out::println);
            return;
        }
        // Keycloak's own impersonation needs its preview token exchange; Act-As's exchange is switched off
        // so that it does not claim the requested_subject requests.
        List<String> v1Build = new ArrayList<>(BUILD);
        v1Build.add("--features=token-exchange,admin-fine-grained-authz:v1");
        v1Build.add("--spi-oauth2-token-exchange--act-as-exchange--enabled=false");
        KeycloakServer keycloakV1 = KeycloakServer.of(home, v1Build, v1DbOptions).startFresh(realms);
        try {
            String token = keycloakV1.realmUrl(REALM) + "/protocol/openid-connect/token";
            String actor = load.login(token, "bench-portal", "bench-admin");
            IntFunction<HttpRequest> v1 = i -> LoadRunner.post(token, "grant_type", TokenEndpointScenarios.EXCHANGE,
                    "client_id", "bench-portal", "client_secret", "bench-portal-secret",
                    "subject_token", actor, "subject_token_type", TokenEndpointScenarios.ACCESS_TOKEN,
                    "requested_subject", "bench-user-" + (i % TokenEndpointScenarios.TARGETS),
                    "requested_token_type", TokenEndpointScenarios.ACCESS_TOKEN);
            for (int concurrency : CONCURRENCY) {
                results.add(load.measure("(e) Keycloak v1 impersonation (preview)", concurrency, v1, null, warmupSeconds, measureSeconds));
            }
        } finally {
            keycloakV1.stop();
        }
        report(results);
        auditReport.forEach(System.out::println);
    }

    /**
     * The audit pipeline's cost and capacity: (c)'s p50 with a webhook sink off and on, in alternating
     * rounds (run-to-run noise on a shared machine exceeds the effect); then how fast a backlog built
     * while the receiver answered 503 drains once it answers 204.
     */
    private List<String> audit(KeycloakServer server, IntFunction<HttpRequest> impersonation) throws Exception {
        List<String> report = new ArrayList<>();
        String admin = adminToken(server);
        String sinks = server.adminUrl(REALM) + "/act-as/audit/sinks";
        try (LoopbackReceiver receiver = new LoopbackReceiver()) {
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            String secret = "whsec_" + Base64.getEncoder().encodeToString(key);
            Map<String, Object> sink = "log".equals(AUDIT_SINK)
                    ? Map.of("name", "bench-log", "type", "log")
                    : Map.of("name", "bench-siem", "type", "webhook", "url", receiver.url(), "secret", secret,
                            "batchSize", AUDIT_BATCH);
            String created = Http.postJson(sinks, admin, sink).json().get("id").asText();
            report.add("\nSink: " + AUDIT_SINK + ("webhook".equals(AUDIT_SINK) ? ", batchSize " + AUDIT_BATCH : ""));
            report.add("\n| Concurrency | p50 sink off (ms, median) | p50 sink on (ms, median) | p50 change, median of paired rounds"
                    + " | Server CPU per request off / on (µs, median) | CPU change, median of paired rounds"
                    + " | Load generator + receiver CPU per request off / on (µs, median) | Database CPU per request off / on (µs, median) |"
                    + "\n|---|---|---|---|---|---|---|---|");
            // The server keeps getting faster for minutes (JIT): warm both conditions up first, or the drift
            // between two rounds of a pair outweighs the effect being measured.
            for (boolean enabled : new boolean[] {true, false}) {
                enableSink(server, sinks + "/" + created, enabled);
                load.phase(CONCURRENCY[0], impersonation, AUDIT_WARMUP_SECONDS / 2, null);
            }
            for (int concurrency : CONCURRENCY) {
                List<LoadRunner.Result> off = new ArrayList<>();
                List<LoadRunner.Result> on = new ArrayList<>();
                List<Double> change = new ArrayList<>();
                List<Double> cpuChange = new ArrayList<>();
                for (int round = 0; round < AUDIT_ROUNDS; round++) {
                    // alternate which condition goes first, so a drifting machine does not favour one
                    boolean offFirst = round % 2 == 0;
                    LoadRunner.Result a = measureWithSink(server, sinks + "/" + created, !offFirst, concurrency, impersonation);
                    LoadRunner.Result b = measureWithSink(server, sinks + "/" + created, offFirst, concurrency, impersonation);
                    LoadRunner.Result withoutSink = offFirst ? a : b;
                    LoadRunner.Result withSink = offFirst ? b : a;
                    off.add(withoutSink);
                    on.add(withSink);
                    change.add((withSink.p50Millis() - withoutSink.p50Millis()) / withoutSink.p50Millis());
                    cpuChange.add((withSink.serverCpuMicros() - withoutSink.serverCpuMicros()) / withoutSink.serverCpuMicros());
                }
                report.add(String.format(Locale.ROOT, "| %d | %.1f | %.1f | %+.1f %% (rounds: %s) | %.0f / %.0f | %+.1f %% (rounds: %s) | %.0f / %.0f | %s |",
                        concurrency, LoadRunner.median(off.stream().map(LoadRunner.Result::p50Millis).toList()),
                        LoadRunner.median(on.stream().map(LoadRunner.Result::p50Millis).toList()), 100 * LoadRunner.median(change), percentages(change),
                        LoadRunner.median(off.stream().map(LoadRunner.Result::serverCpuMicros).toList()),
                        LoadRunner.median(on.stream().map(LoadRunner.Result::serverCpuMicros).toList()), 100 * LoadRunner.median(cpuChange), percentages(cpuChange),
                        LoadRunner.median(off.stream().map(LoadRunner.Result::benchCpuMicros).toList()),
                        LoadRunner.median(on.stream().map(LoadRunner.Result::benchCpuMicros).toList()),
                        "postgres".equals(DB) ? String.format(Locale.ROOT, "%.0f / %.0f",
                                LoadRunner.median(off.stream().map(LoadRunner.Result::databaseCpuMicros).toList()),
                                LoadRunner.median(on.stream().map(LoadRunner.Result::databaseCpuMicros).toList())) : "in the server (H2)"));
            }

            if ("webhook".equals(AUDIT_SINK)) {
                // Capacity: build a backlog while the receiver is down, then let it drain (the sink is on: the
                // paired rounds may have ended with it off).
                enableSink(server, sinks + "/" + created, true);
                receiver.available(false);
                long before = receiver.received();
                // one record per request (token.issued); the receiver counts only what it accepts
                long backlog = Arrays.stream(load.phase(32, impersonation, 15, null)).sum();
                receiver.available(true);
                long start = System.nanoTime();
                long deadline = start + 300_000_000_000L;
                // Done when the receiver has as many as were written and nothing is pending: records of the round
                // before the outage can arrive in the count too, so the count alone may end the clock early.
                while (System.nanoTime() < deadline && (receiver.received() - before < backlog || pending(server) > 0)) {
                    Thread.sleep(20);
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                long drained = receiver.received() - before;
                report.add(String.format(Locale.ROOT, "%nDelivery: a backlog of %d records (written while the receiver answered 503)"
                        + " drained to a loopback receiver in %.1f s: %.0f records/s (%d deliveries received; still pending: %d).",
                        backlog, seconds, drained / seconds, drained, pending(server)));
            }
        }
        return report;
    }

    /** Warm-up before the paired rounds, half with the sink on and half off, {@code bench.audit-warmup}. */
    private static final int AUDIT_WARMUP_SECONDS = Integer.getInteger("bench.audit-warmup", 60);
    /** Records per webhook request, {@code bench.batch}: 1 (the default) sends one structured CloudEvent each. */
    private static final int AUDIT_BATCH = Integer.getInteger("bench.batch", 1);
    /** Pairs of off/on rounds per concurrency, {@code bench.rounds}. */
    private static final int AUDIT_ROUNDS = Integer.getInteger("bench.rounds", 6);
    /** The sink measured: {@code webhook} (default) or {@code log} (what recording and claiming cost without HTTP). */
    private static final String AUDIT_SINK = System.getProperty("bench.sink", "webhook");

    private static String percentages(List<Double> changes) {
        return changes.stream().map(c -> String.format(Locale.ROOT, "%+.0f%%", 100 * c)).toList().toString();
    }

    private LoadRunner.Result measureWithSink(KeycloakServer server, String sinkUrl, boolean enabled, int concurrency,
                                   IntFunction<HttpRequest> impersonation) throws Exception {
        enableSink(server, sinkUrl, enabled);
        return load.measure("(c) " + AUDIT_SINK + " sink " + (enabled ? "on" : "off"), concurrency, impersonation, server,
                warmupSeconds, measureSeconds);
    }

    private void enableSink(KeycloakServer server, String url, boolean enabled) {
        String admin = adminToken(server);
        ObjectNode sink = (ObjectNode) Http.get(url, admin).json();
        sink.put("enabled", enabled);
        if (Http.putJson(url, admin, sink).status() != 200) {
            throw new IllegalStateException("could not switch the sink");
        }
    }

    private long pending(KeycloakServer server) {
        long pending = 0;
        for (JsonNode sink : Http.get(server.adminUrl(REALM) + "/act-as/audit/status",
                adminToken(server)).json()) {
            pending += sink.get("pending").asLong();
        }
        return pending;
    }

    /** How many service accounts the realm holds while (f) runs ({@code bench.keys}): a key's cost must not grow with them. */
    private String adminToken(KeycloakServer server) {
        return Http.postForm(server.realmUrl("master") + "/protocol/openid-connect/token", Map.of("grant_type", "password",
                "client_id", "admin-cli", "username", KeycloakServer.ADMIN_USER, "password", KeycloakServer.ADMIN_PASSWORD))
                .json().get("access_token").asText();
    }

    private void report(List<LoadRunner.Result> results) {
        StringBuilder table = new StringBuilder("\n| Scenario | Concurrency | Requests/s | p50 (ms) | p99 (ms) | Errors |\n|---|---|---|---|---|---|\n");
        for (LoadRunner.Result r : results) {
            table.append(String.format(Locale.ROOT, "| %s | %d | %.0f | %.1f | %.1f | %d |%n",
                    r.scenario(), r.concurrency(), r.perSecond(), r.p50Millis(), r.p99Millis(), r.errors()));
        }
        for (int concurrency : CONCURRENCY) {
            if (results.stream().noneMatch(r -> r.scenario().startsWith("(e)"))
                    || results.stream().noneMatch(r -> r.scenario().startsWith("(b)"))) {
                break;
            }
            double standard = find(results, "(b)", concurrency).perSecond();
            double actAs = find(results, "(c)", concurrency).perSecond();
            double v1 = find(results, "(e)", concurrency).perSecond();
            table.append(String.format(Locale.ROOT, "%nAt concurrency %d, Act-As impersonation runs at %.2fx Keycloak's standard "
                    + "exchange and %.2fx Keycloak's v1 impersonation.", concurrency, actAs / standard, actAs / v1));
        }
        System.out.println(table);
    }

    private static LoadRunner.Result find(List<LoadRunner.Result> results, String prefix, int concurrency) {
        return results.stream().filter(r -> r.scenario().startsWith(prefix) && r.concurrency() == concurrency)
                .findFirst().orElseThrow();
    }
}
