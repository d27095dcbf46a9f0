package io.github.actas.keycloak.benchmarks;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * The scale realm's database side: what the benchmark writes straight into PostgreSQL because the API would take
 * hours for it (grants beyond the first thousand, a million old audit records), and what it reads back (counts,
 * statistics, query plans).
 */
final class ScaleDatabase {

    private static final String GRANT_TYPE = "io.github.actas.keycloak.policy.GrantProvider";

    private final String jdbcUrl;

    ScaleDatabase(String jdbcUrl) {
        this.jdbcUrl = jdbcUrl;
    }

    /**
     * Grants {@code from}…{@code to - 1} as copies of grant 0's stored component (its config as Keycloak keeps it),
     * with each grant's own name, actor (agent k mod 100) and unit (of {@code units}); Keycloak reads them once its
     * realm cache is cleared.
     */
    void copyGrants(int from, int to, int units) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl, "postgres", "postgres")) {
            c.setAutoCommit(false);
            String realmId;
            String templateId;
            try (PreparedStatement find = c.prepareStatement("select c.realm_id, c.id from component c join realm r on r.id = c.realm_id"
                    + " where r.name = ? and c.provider_type = ? and c.name = ?")) {
                find.setString(1, ScaleRealm.REALM);
                find.setString(2, GRANT_TYPE);
                find.setString(3, String.format("grant-%05d", 0));
                try (var rs = find.executeQuery()) {
                    if (!rs.next()) {
                        throw new IllegalStateException("grant-00000 is not stored");
                    }
                    realmId = rs.getString(1);
                    templateId = rs.getString(2);
                }
            }
            try (PreparedStatement components = c.prepareStatement("insert into component (id, name, parent_id, provider_id,"
                    + " provider_type, realm_id, sub_type) select gen_random_uuid()::text, 'grant-' || lpad(g::text, 5, '0'),"
                    + " t.parent_id, t.provider_id, t.provider_type, t.realm_id, t.sub_type from component t,"
                    + " generate_series(?, ?) g where t.id = ?");
                 PreparedStatement configs = c.prepareStatement("insert into component_config (id, component_id, name, value)"
                         + " select gen_random_uuid()::text, n.id, t.name, case t.name"
                         + " when 'actors.users' then 'agent-' || lpad((substr(n.name, 7)::int % ?)::text, 2, '0')"
                         + " when 'targets.groups' then '/org/unit-' || lpad(((substr(n.name, 7)::int % ?) % ?)::text, 3, '0')"
                         + " else t.value end from component n join component_config t on t.component_id = ?"
                         + " where n.realm_id = ? and n.provider_type = ? and substr(n.name, 7)::int between ? and ?")) {
                components.setInt(1, from);
                components.setInt(2, to - 1);
                components.setString(3, templateId);
                components.executeUpdate();
                configs.setInt(1, ScaleRealm.AGENTS);
                configs.setInt(2, ScaleRealm.AGENTS);
                configs.setInt(3, units);
                configs.setString(4, templateId);
                configs.setString(5, realmId);
                configs.setString(6, GRANT_TYPE);
                configs.setInt(7, from);
                configs.setInt(8, to - 1);
                configs.executeUpdate();
            }
            c.commit();
        }
    }

    /**
     * Old audit records straight into the table, spread over the last 365 days, the agents ({@code agentIds}) as
     * actors and the realm's users as targets (by username and a synthetic id: the users' ids are Keycloak's).
     */
    void insertAuditRecords(String realmId, String[] agentIds, int count, int users) throws SQLException {
        long now = System.currentTimeMillis();
        try (Connection c = DriverManager.getConnection(jdbcUrl, "postgres", "postgres")) {
            c.setAutoCommit(false);
            int batch = 100_000;
            for (int start = 0; start < count; start += batch) {
                int n = Math.min(batch, count - start);
                // One statement per batch: the agents' ids come in as an array the series indexes into.
                try (PreparedStatement insert = c.prepareStatement("insert into act_as_audit_record (id, realm_id,"
                        + " realm_name, record_time, record_type, outcome, actor_id, actor_username, target_id,"
                        + " target_username, act_mode, grant_name, reason, client_id, session_id)"
                        + " select gen_random_uuid()::text, ?, ?, ? - (g::bigint * 31536000000 / ?), 'impersonation.started',"
                        + " 'allowed', (?::text[])[1 + g % ?], 'agent-' || lpad((g % ?)::text, 2, '0'),"
                        + " md5('user-' || (g % ?))::uuid::text, 'user-' || lpad((g % ?)::text, 6, '0'), 'impersonate',"
                        + " 'grant-' || lpad((g % ?)::text, 5, '0'), 'T-' || g, 'exchange-app', gen_random_uuid()::text"
                        + " from generate_series(?, ?) g")) {
                    insert.setString(1, realmId);
                    insert.setString(2, ScaleRealm.REALM);
                    insert.setLong(3, now);
                    insert.setLong(4, count);
                    insert.setArray(5, c.createArrayOf("text", agentIds));
                    insert.setInt(6, ScaleRealm.AGENTS);
                    insert.setInt(7, ScaleRealm.AGENTS);
                    insert.setInt(8, users);
                    insert.setInt(9, users);
                    insert.setInt(10, ScaleRealm.AGENTS);
                    insert.setInt(11, start);
                    insert.setInt(12, start + n - 1);
                    insert.executeUpdate();
                }
                c.commit();
            }
        }
    }

    /** Fresh planner statistics for every table, as autovacuum keeps them on a production database. */
    void analyze() throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl, "postgres", "postgres")) {
            c.createStatement().execute("analyze");
        }
    }

    /** Audit records written before ({@code older}) or from {@code millis} on. */
    long countRecords(long millis, boolean older) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl, "postgres", "postgres");
             PreparedStatement count = c.prepareStatement("select count(*) from act_as_audit_record where record_time "
                     + (older ? "<" : ">=") + " ?")) {
            count.setLong(1, millis);
            try (var rs = count.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The query plan PostgreSQL chooses for {@code sql} (for the docs: which index it uses). */
    String plan(String sql) throws SQLException {
        StringBuilder out = new StringBuilder();
        try (Connection c = DriverManager.getConnection(jdbcUrl, "postgres", "postgres");
             var rs = c.createStatement().executeQuery("explain (analyze, buffers) " + sql)) {
            while (rs.next()) {
                out.append(rs.getString(1)).append('\n');
            }
        }
        return out.toString();
    }

    /** Prints the plans of the statements the app runs (AuditSearch, Retention, ActingSessions) with this realm's values. */
    void printPlans() throws SQLException {
        String realmId = "(select id from realm where name = 'scale')";
        String agent = "(select id from user_entity where username = 'agent-07' and realm_id = " + realmId + ")";
        long now = System.currentTimeMillis();
        for (String query : List.of(
                "select * from act_as_audit_record where realm_id = " + realmId + " and actor_id = " + agent
                        + " order by record_time desc, id desc limit 21",
                "select * from act_as_audit_record where realm_id = " + realmId + " and actor_username = 'agent-07'"
                        + " order by record_time desc, id desc limit 21",
                "select * from act_as_audit_record where realm_id = " + realmId + " and target_username = 'user-000123'"
                        + " order by record_time desc, id desc limit 21",
                "select * from act_as_audit_record where realm_id = " + realmId + " and record_time >= " + (now - 30 * 86_400_000L)
                        + " and record_time <= " + (now - 29 * 86_400_000L) + " order by record_time desc, id desc limit 21",
                "select * from act_as_audit_record where realm_id = " + realmId + " and record_time <= " + (now - 100 * 86_400_000L)
                        + " and (record_time < " + (now - 100 * 86_400_000L) + " or id < 'm') order by record_time desc, id desc limit 21",
                "select id from act_as_audit_record r where realm_id = " + realmId + " and record_time < " + (now - 86_400_000L)
                        + " and not exists (select 1 from act_as_audit_outbox o where o.record_id = r.id) order by record_time limit 500",
                "select * from act_as_session where realm_id = " + realmId + " and expires > " + now / 1000
                        + " order by started desc, id desc limit 21",
                "select * from act_as_session where realm_id = " + realmId + " and actor_id = " + agent + " and expires > "
                        + now / 1000 + " order by started desc, id desc limit 21")) {
            System.out.println("plan of: " + query + "\n" + plan(query));
        }
    }
}
