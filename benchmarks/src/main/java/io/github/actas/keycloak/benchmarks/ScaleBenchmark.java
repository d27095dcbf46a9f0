package io.github.actas.keycloak.benchmarks;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.IntFunction;
import java.util.function.Supplier;

import io.github.actas.keycloak.harness.Http;
import io.github.actas.keycloak.harness.KeycloakServer;

/**
 * How each Act-As path costs as a realm grows, side by side with Keycloak's own operations on the same server
 * (client credentials, the admin API's user search), on PostgreSQL. One realm grows tier by tier
 * ({@code bench.scale}: {@code users:grants:sessions:records,…}); at each tier every path is timed one request at
 * a time ({@code bench.samples} after a warm-up), so the figures are latencies, not throughput.
 *
 * <p>{@code ./mvnw -Pbenchmarks,scale-bench -pl benchmarks -am package -DskipTests}
 */
public final class ScaleBenchmark {

    /** One tier of the realm. */
    public record Tier(int users, int grants, int sessions, int records) {
        static Tier parse(String text) {
            int[] v = Arrays.stream(text.trim().split(":")).mapToInt(Integer::parseInt).toArray();
            return new Tier(v[0], v[1], v[2], v[3]);
        }
    }

    /** A path's latencies at one tier. */
    public record Row(String path, Tier tier, double p50Millis, double p99Millis) {
    }

    /** Longer than the policy warmer's interval plus the realm's reload at 10,000 grants (about 1.7 s). */
    private static final Duration WARM_UP_WAIT = Duration.ofSeconds(5);
    private static final String POSTGRES = System.getProperty("bench.postgres", "jdbc:postgresql://127.0.0.1:5432/");

    private final int samples;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    public ScaleBenchmark(int samples) {
        this.samples = samples;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: ScaleBenchmark <unpacked keycloak home with the Act-As jar in providers/>");
            System.exit(2);
        }
        List<Tier> tiers = Arrays.stream(System.getProperty("bench.scale",
                "1000:10:100:10000,10000:1000:1000:100000,100000:10000:10000:1000000").split(",")).map(Tier::parse).toList();
        List<Row> rows = new ScaleBenchmark(Integer.getInteger("bench.samples", 200)).run(Path.of(args[0]), tiers, true);
        report(rows, tiers).forEach(System.out::println);
    }

    /** Builds the tiers one after the other on a fresh PostgreSQL database (dropped afterwards) and times every path. */
    public List<Row> run(Path home, List<Tier> tiers, boolean plans) throws Exception {
        String database = "actas_scale_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        try (Connection c = DriverManager.getConnection(POSTGRES + "postgres", "postgres", "postgres")) {
            c.createStatement().execute("create database " + database);
        }
        KeycloakServer server = KeycloakServer.of(home, List.of("--db=postgres", "--health-enabled=true", "--cache=local"),
                List.of("--db-url=" + POSTGRES + database, "--db-username=postgres", "--db-password=postgres",
                        "--db-pool-max-size=32"));
        try {
            server.startFresh(null);
            ScaleRealm realm = new ScaleRealm(server, POSTGRES + database, freshToken(server));
            List<Row> rows = new ArrayList<>();
            Tier built = new Tier(0, 0, 0, 0);
            realm.createRealm(tiers.get(tiers.size() - 1).users());
            for (Tier tier : tiers) {
                long start = System.nanoTime();
                realm.addUsers(built.users(), tier.users());
                realm.addGrants(built.grants(), tier.grants(), tier.users());
                realm.addSessions(tier.sessions() - built.sessions(), tier.users(), ScaleRealm.agentsWithGrants(tier.grants()));
                realm.addAuditRecords(tier.records() - built.records(), tier.users());
                // what autovacuum does in production (this machine's PostgreSQL runs without it): fresh statistics
                realm.database().analyze();
                built = tier;
                System.out.printf("tier %s built in %d s%n", tier, (System.nanoTime() - start) / 1_000_000_000L);
                rows.addAll(measure(server, realm, tier));
                // the table so far after every tier: a long run that stops early still tells what it measured
                report(rows, tiers.subList(0, tiers.indexOf(tier) + 1)).forEach(System.out::println);
            }
            if (plans) {
                realm.database().printPlans();
            }
            // last: it deletes most of the records the plans above are about
            rows.addAll(measurePurge(server, realm, tiers.get(tiers.size() - 1)));
            return rows;
        } finally {
            server.stop();
            try (Connection c = DriverManager.getConnection(POSTGRES + "postgres", "postgres", "postgres")) {
                c.createStatement().execute("drop database if exists " + database + " with (force)");
            }
        }
    }

    private List<Row> measure(KeycloakServer server, ScaleRealm realm, Tier tier) throws Exception {
        Supplier<String> token = freshToken(server);
        String admin = token.get();
        String realmAdmin = server.adminUrl(ScaleRealm.REALM);
        String actAs = realmAdmin + "/act-as";
        String agentToken = realm.login(ScaleRealm.agent(1));
        String agentId = Http.get(realmAdmin + "/users?exact=true&username=" + ScaleRealm.agent(7), admin).json()
                .get(0).get("id").asText();
        String cookies = CookieLogin.of(server, ScaleRealm.agent(1));
        String target = ScaleRealm.username(ScaleRealm.targetOf(1, 17, tier.users()));
        String explain = "{\"actor\":\"" + ScaleRealm.agent(2) + "\",\"target\":\""
                + ScaleRealm.username(ScaleRealm.targetOf(2, 5, tier.users())) + "\",\"client\":\"exchange-app\"}";
        String day = Instant.now().minus(Duration.ofDays(30)).toString();
        String dayEnd = Instant.now().minus(Duration.ofDays(29)).toString();

        Map<String, IntFunction<HttpRequest>> paths = new LinkedHashMap<>();
        paths.put("Keycloak: client credentials", i -> LoadRunner.post(server.realmUrl(ScaleRealm.REALM)
                + "/protocol/openid-connect/token", "grant_type", "client_credentials", "client_id", "api", "client_secret", "api-secret"));
        paths.put("Keycloak: admin user search", i -> get(realmAdmin + "/users?search=user-00" + (i % 10) + "5&max=20", token.get()));
        paths.put("exchange (impersonation)", i -> realm.exchange(agentToken, target));
        paths.put("explain", i -> HttpRequest.newBuilder(URI.create(actAs + "/explain")).header("Authorization", "Bearer " + token.get())
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(explain)).build());
        String targets = server.realmUrl(ScaleRealm.REALM) + "/act-as/targets?max=20";
        paths.put("targets: first page", i -> HttpRequest.newBuilder(URI.create(targets)).header("Cookie", cookies).build());
        paths.put("targets: search", i -> HttpRequest.newBuilder(URI.create(targets + "&search=user-0000" + (i % 10)))
                .header("Cookie", cookies).build());
        paths.put("targets: deep page", i -> HttpRequest.newBuilder(URI.create(targets + "&first=" + Math.min(500, tier.users() / 2)))
                .header("Cookie", cookies).build());
        paths.put("targets: deep page by cursor", i -> HttpRequest.newBuilder(URI.create(targets + "&after="
                + Math.min(500, tier.users() / 2))).header("Cookie", cookies).build());
        paths.put("sessions: first page", i -> get(actAs + "/sessions?max=20", token.get()));
        int deepSession = Math.min(5000, tier.sessions() / 2);
        paths.put("sessions: deep page", i -> get(actAs + "/sessions?max=20&first=" + deepSession, token.get()));
        String sessionCursor = nextLink(Http.get(actAs + "/sessions?max=1&first=" + (deepSession - 1), admin), 20);
        paths.put("sessions: deep page by keyset", i -> get(sessionCursor, token.get()));
        paths.put("sessions: one actor", i -> get(actAs + "/sessions?max=20&actor=" + ScaleRealm.agent(3 + i % 40), token.get()));
        paths.put("audit: by actor", i -> get(actAs + "/audit?max=20&actor=" + agentId, token.get()));
        paths.put("audit: by target", i -> get(actAs + "/audit?max=20&target=" + ScaleRealm.username(i % tier.users()), token.get()));
        paths.put("audit: one day", i -> get(actAs + "/audit?max=20&from=" + enc(day) + "&to=" + enc(dayEnd), token.get()));
        paths.put("audit: deep page", i -> get(actAs + "/audit?max=20&first=" + Math.min(5000, tier.records() / 2), token.get()));
        String deep = Http.get(actAs + "/audit?max=1&first=" + Math.min(5000, tier.records() / 2), admin).json().get(0).get("id").asText();
        paths.put("audit: deep page by keyset", i -> get(actAs + "/audit?max=20&after=" + deep, token.get()));

        List<Row> rows = new ArrayList<>();
        for (Map.Entry<String, IntFunction<HttpRequest>> path : paths.entrySet()) {
            rows.add(time(path.getKey(), tier, client, path.getValue()));
        }
        // Ending all of an actor's sessions: once for each of the upper half of the agents holding sessions.
        int agents = ScaleRealm.agentsWithGrants(tier.grants());
        List<Long> ends = new ArrayList<>();
        int ended = 0;
        for (int a = agents / 2; a < agents; a++) {
            HttpRequest end = HttpRequest.newBuilder(URI.create(actAs + "/sessions?actor=" + ScaleRealm.agent(a)))
                    .header("Authorization", "Bearer " + token.get()).DELETE().build();
            long t = System.nanoTime();
            HttpResponse<String> response = client.send(end, HttpResponse.BodyHandlers.ofString());
            ends.add(System.nanoTime() - t);
            ended += Http.JSON.readTree(response.body()).get("ended").asInt();
        }
        rows.add(row("sessions: end all of one actor's", tier, ends));
        realm.addSessions(ended, tier.users(), agents); // as many live sessions again for the next tier
        // The policy compiles once per grants revision: the first decision after a grant change pays it.
        List<Long> compiles = new ArrayList<>();
        for (int k = 0; k < 5; k++) {
            String grant = actAs + "/grants/" + Http.get(actAs + "/grants?first=" + k + "&max=1", token.get()).json().get(0).get("id").asText();
            Http.putJson(grant, token.get(), Http.get(grant, token.get()).json());
            long t = System.nanoTime();
            send(client, paths.get("explain").apply(0));
            compiles.add(System.nanoTime() - t);
        }
        rows.add(row("explain right after a grant change (compile)", tier, compiles));
        // Each node's policy warmer reloads the realm and compiles within about a second of the change, off the
        // request path: a decision a few seconds later finds both done.
        List<Long> warmed = new ArrayList<>();
        for (int k = 0; k < 5; k++) {
            String grant = actAs + "/grants/" + Http.get(actAs + "/grants?first=" + k + "&max=1", token.get()).json().get(0).get("id").asText();
            Http.putJson(grant, token.get(), Http.get(grant, token.get()).json());
            Thread.sleep(WARM_UP_WAIT.toMillis());
            long t = System.nanoTime();
            send(client, paths.get("explain").apply(0));
            warmed.add(System.nanoTime() - t);
        }
        rows.add(row("explain 5 s after a grant change (warmed)", tier, warmed));
        return rows;
    }

    /**
     * The exchange one request at a time, before and while the realm's retention is cut to one day, so that nearly all
     * of its old records (spread over a year) are deleted; checks that exactly the expired records went.
     */
    private List<Row> measurePurge(KeycloakServer server, ScaleRealm realm, Tier tier) throws Exception {
        Supplier<String> token = freshToken(server);
        String agentToken = realm.login(ScaleRealm.agent(1));
        String target = ScaleRealm.username(ScaleRealm.targetOf(1, 17, tier.users()));
        IntFunction<HttpRequest> exchange = i -> realm.exchange(agentToken, target);
        Row before = time("exchange before the retention purge", tier, client, exchange);

        // An hour either side of the server's cut-off: the clock moves while the purge runs.
        long cutoff = System.currentTimeMillis() - Duration.ofDays(1).toMillis();
        long expired = realm.database().countRecords(cutoff - 3_600_000L, true);
        long recent = realm.database().countRecords(cutoff + 3_600_000L, false);
        String retention = server.adminUrl(ScaleRealm.REALM) + "/act-as/audit/retention";
        Http.Response set = Http.putJson(retention, token.get(), Map.of("days", 1));
        if (set.status() != 200) {
            throw new IllegalStateException("retention: " + set);
        }
        long start = System.nanoTime();
        List<Long> nanos = new ArrayList<>();
        while (realm.database().countRecords(cutoff - 3_600_000L, true) > 0) {
            if (System.nanoTime() - start > Duration.ofHours(1).toNanos()) {
                throw new IllegalStateException("the retention purge did not finish within an hour");
            }
            for (int i = 0; i < 20; i++) {
                long t = System.nanoTime();
                send(client, exchange.apply(i));
                nanos.add(System.nanoTime() - t);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (realm.database().countRecords(cutoff + 3_600_000L, false) < recent) {
            throw new IllegalStateException("the retention purge deleted records newer than the retention");
        }
        Http.putJson(retention, token.get(), Collections.singletonMap("days", null));
        System.out.printf("retention purge: %,d records in %.1f s (%,.0f records/s) while %,d exchanges were timed%n",
                expired, seconds, expired / seconds, nanos.size());
        return List.of(before, row("exchange during the retention purge", tier, nanos));
    }

    private Row time(String path, Tier tier, HttpClient via, IntFunction<HttpRequest> requests) throws Exception {
        for (int i = 0; i < Math.max(20, samples / 4); i++) {
            send(via, requests.apply(i));
        }
        List<Long> nanos = new ArrayList<>();
        for (int i = 0; i < samples; i++) {
            HttpRequest request = requests.apply(i);
            long t = System.nanoTime();
            send(via, request);
            nanos.add(System.nanoTime() - t);
        }
        return row(path, tier, nanos);
    }

    private static Row row(String path, Tier tier, List<Long> nanos) {
        long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        return new Row(path, tier, sorted[sorted.length / 2] / 1e6,
                sorted[(int) Math.min(sorted.length - 1, Math.ceil(0.99 * sorted.length) - 1)] / 1e6);
    }

    private static void send(HttpClient via, HttpRequest request) throws Exception {
        HttpResponse<String> response = via.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(request.uri() + ": " + response.statusCode() + " " + response.body());
        }
    }

    private static HttpRequest get(String url, String token) {
        return HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token).GET().build();
    }

    /** The next page's URL from a response's RFC 8288 {@code Link} header, for pages of {@code max}. */
    private static String nextLink(Http.Response response, int max) {
        String link = response.headers().firstValue("Link").orElseThrow(() -> new IllegalStateException("no Link: " + response));
        return link.substring(link.indexOf('<') + 1, link.indexOf('>')).replaceAll("([?&])max=\\d+", "$1max=" + max);
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** The master admin's token, fetched again before it can expire (admin-cli's last a minute). */
    private static Supplier<String> freshToken(KeycloakServer server) {
        String[] token = {null};
        long[] fetched = {0};
        return () -> {
            if (System.nanoTime() - fetched[0] > 30_000_000_000L) {
                token[0] = adminToken(server);
                fetched[0] = System.nanoTime();
            }
            return token[0];
        };
    }

    private static String adminToken(KeycloakServer server) {
        return Http.postForm(server.realmUrl("master") + "/protocol/openid-connect/token", Map.of("grant_type", "password",
                "client_id", "admin-cli", "username", KeycloakServer.ADMIN_USER, "password", KeycloakServer.ADMIN_PASSWORD))
                .json().get("access_token").asText();
    }

    /** The tables of docs/performance.md: p50 / p99 per path and tier, and the growth of p50 from the first tier to the last. */
    public static List<String> report(List<Row> rows, List<Tier> tiers) {
        List<String> out = new ArrayList<>();
        StringBuilder head = new StringBuilder("| path |");
        StringBuilder line = new StringBuilder("|---|");
        for (Tier t : tiers) {
            head.append(String.format(" %,d users, %,d grants, %,d sessions, %,d records: p50 / p99 ms |", t.users(), t.grants(),
                    t.sessions(), t.records()));
            line.append("---|");
        }
        head.append(" growth of p50 |");
        line.append("---|");
        out.add(head.toString());
        out.add(line.toString());
        Map<String, Map<Tier, Row>> byPath = new LinkedHashMap<>();
        rows.forEach(r -> byPath.computeIfAbsent(r.path(), k -> new LinkedHashMap<>()).put(r.tier(), r));
        byPath.forEach((path, byTier) -> {
            StringBuilder row = new StringBuilder("| " + path + " |");
            tiers.forEach(t -> {
                Row r = byTier.get(t);
                row.append(r == null ? " – |" : String.format(" %.1f / %.1f |", r.p50Millis(), r.p99Millis()));
            });
            Row first = byTier.get(tiers.get(0));
            Row last = byTier.get(tiers.get(tiers.size() - 1));
            row.append(first == null || last == null || first == last ? " – |"
                    : String.format(" %.2f× |", last.p50Millis() / Math.max(0.01, first.p50Millis())));
            out.add(row.toString());
        });
        return out;
    }
}
