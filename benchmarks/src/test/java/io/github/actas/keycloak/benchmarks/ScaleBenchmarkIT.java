package io.github.actas.keycloak.benchmarks;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scale benchmark at its smallest (1,000 users, 100 grants, 100 sessions, 10,000 audit records) on the real
 * server and PostgreSQL: every path it times answers, and the retention purge removes exactly the expired records
 * (the benchmark checks it), so the benchmark keeps working. Not a measurement.
 */
class ScaleBenchmarkIT {

    private static final String POSTGRES = System.getProperty("bench.postgres", "jdbc:postgresql://127.0.0.1:5432/");

    @Test
    void everyPathTheScaleBenchmarkTimesAnswersOnASmallRealm() throws Exception {
        try (Connection c = DriverManager.getConnection(POSTGRES + "postgres", "postgres", "postgres")) {
            c.isValid(2);
        } catch (SQLException e) {
            Assumptions.abort("PostgreSQL is not reachable at " + POSTGRES + " (" + e.getMessage() + "): scale smoke test skipped");
        }
        List<ScaleBenchmark.Tier> tiers = List.of(new ScaleBenchmark.Tier(1000, 100, 100, 10_000));
        List<ScaleBenchmark.Row> rows = new ScaleBenchmark(20).run(Path.of(System.getProperty("keycloak.home")), tiers, false);
        ScaleBenchmark.report(rows, tiers).forEach(System.out::println);
        assertThat(rows).extracting(ScaleBenchmark.Row::path).contains("Keycloak: client credentials",
                "Keycloak: admin user search", "exchange (impersonation)", "explain", "targets: first page",
                "targets: search", "targets: deep page", "targets: deep page by cursor", "sessions: first page",
                "sessions: deep page", "sessions: deep page by keyset",
                "sessions: one actor", "audit: by actor", "audit: by target", "audit: one day", "audit: deep page",
                "audit: deep page by keyset", "sessions: end all of one actor's",
                "explain right after a grant change (compile)", "explain 5 s after a grant change (warmed)",
                "exchange before the retention purge",
                "exchange during the retention purge");
        assertThat(rows).allSatisfy(row -> assertThat(row.p50Millis()).isPositive());
    }
}
