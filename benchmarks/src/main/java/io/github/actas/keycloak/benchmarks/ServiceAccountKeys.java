package io.github.actas.keycloak.benchmarks;

import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import java.util.function.Supplier;

import io.github.actas.keycloak.harness.Http;
import io.github.actas.keycloak.harness.KeycloakServer;

/**
 * Row (f): an Act-As service-account key exchanged for a token by the same client as (a), which is what a job
 * would do instead of client credentials; and the part {@code keys}, which measures the two side by side in
 * paired rounds (the order alternating), so that the ratio does not depend on which ran first.
 */
final class ServiceAccountKeys {

    static final String SCENARIO = "(f) Act-As service-account key";

    /** How many accounts the realm holds ({@code bench.keys}): the one used and others nobody uses. */
    private static final int KEYS = Integer.getInteger("bench.keys", 1);
    private static final int ROUNDS = Integer.getInteger("bench.key-rounds", 7);
    private static final String REALM = TokenEndpointScenarios.REALM;

    private ServiceAccountKeys() {
    }

    /** Creates the accounts and answers the request of (f). */
    static IntFunction<HttpRequest> exchange(KeycloakServer server, Supplier<String> adminToken) throws Exception {
        createOtherAccounts(server, KEYS - 1, adminToken);
        Http.Response created = Http.postJson(server.adminUrl(REALM) + "/act-as/service-accounts", adminToken.get(),
                Map.of("name", "bench-key", "clients", List.of("bench-svc")));
        if (created.status() != 201) {
            throw new IllegalStateException("could not create the benchmark's service account: " + created);
        }
        String key = created.json().get("key").asText();
        String token = server.realmUrl(REALM) + "/protocol/openid-connect/token";
        return i -> LoadRunner.post(token, "grant_type", TokenEndpointScenarios.EXCHANGE, "client_id", "bench-svc",
                "client_secret", "bench-svc-secret", "subject_token", key,
                "subject_token_type", "urn:io.github.actas:token-type:service-account-key");
    }

    /** (a) and (f) in {@code bench.key-rounds} pairs per concurrency: medians, and the median of the pairs' ratios. */
    static List<String> paired(LoadRunner load, KeycloakServer server, IntFunction<HttpRequest> clientCredentials,
                               IntFunction<HttpRequest> key, int[] concurrencies, int warmupSeconds, int seconds)
            throws Exception {
        List<String> report = new ArrayList<>();
        report.add(String.format(Locale.ROOT, "%nService-account key and client credentials, %d paired rounds of %d s"
                + " (%d accounts in the realm)%n%n| Concurrency | (a) client credentials, req/s (median) | (f) key, req/s"
                + " (median) | (f)/(a), median of the rounds | rounds |%n|---|---|---|---|---|", ROUNDS, seconds, KEYS));
        load.phase(concurrencies[0], clientCredentials, warmupSeconds, null);
        load.phase(concurrencies[0], key, warmupSeconds, null);
        for (int concurrency : concurrencies) {
            List<Double> a = new ArrayList<>();
            List<Double> f = new ArrayList<>();
            List<Double> ratios = new ArrayList<>();
            for (int round = 0; round < ROUNDS; round++) {
                boolean keyFirst = round % 2 == 1;
                LoadRunner.Result first = load.measure(keyFirst ? SCENARIO : "(a)", concurrency,
                        keyFirst ? key : clientCredentials, server, 2, seconds);
                LoadRunner.Result second = load.measure(keyFirst ? "(a)" : SCENARIO, concurrency,
                        keyFirst ? clientCredentials : key, server, 2, seconds);
                double cc = (keyFirst ? second : first).perSecond();
                double k = (keyFirst ? first : second).perSecond();
                a.add(cc);
                f.add(k);
                ratios.add(k / cc);
            }
            report.add(String.format(Locale.ROOT, "| %d | %.0f | %.0f | %.2f | %s |", concurrency, LoadRunner.median(a),
                    LoadRunner.median(f), LoadRunner.median(ratios),
                    String.join(" ", ratios.stream().map(r -> String.format(Locale.ROOT, "%.2f", r)).toList())));
        }
        return report;
    }

    /** Accounts nobody uses, created through the admin API by four threads. */
    private static void createOtherAccounts(KeycloakServer server, int count, Supplier<String> adminToken) throws Exception {
        if (count <= 0) {
            return;
        }
        long started = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> calls = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                calls.add(pool.submit(() -> {
                    String admin = adminToken.get();
                    int made = 0;
                    for (int i = thread; i < count; i += 4) {
                        if (i % 500 == thread) {
                            admin = adminToken.get(); // admin tokens of the master realm live one minute
                        }
                        Http.Response created = Http.postJson(server.adminUrl(REALM) + "/act-as/service-accounts", admin,
                                Map.of("name", "filler-" + i, "clients", List.of("bench-svc")));
                        made += created.status() == 201 ? 1 : 0;
                    }
                    return made;
                }));
            }
            int made = 0;
            for (Future<Integer> call : calls) {
                made += call.get();
            }
            System.out.printf(Locale.ROOT, "(f) %d other service accounts created in %.0f s%n", made,
                    (System.nanoTime() - started) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }
}
