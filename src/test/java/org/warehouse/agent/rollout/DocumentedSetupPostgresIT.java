package org.warehouse.agent.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.warehouse.agent.config.Settings;
import org.warehouse.agent.sandbox.Fixtures;

/**
 * The setup operations.md gives an operator ("Setting it up on Warehouse's PostgreSQL"), run as
 * written by a superuser on a real PostgreSQL holding a database {@code warehouse}; then the
 * agent's own rollout client, as the new role, does everything a rollout needs. Without the schema
 * or the CREATE privilege the agent is refused: the documented grants are needed, and enough.
 */
class DocumentedSetupPostgresIT {
  private static final String PASSWORD = "s3cret-for-the-test";
  private static final RolloutKey KEY = new RolloutKey("web", "warehouse", "18.09.02");

  /** The SQL blocks of the setup section, in order: role, schema, or the CREATE grant. */
  private static List<String> documentedSql() throws Exception {
    String ops = Files.readString(Fixtures.projectDir().resolve("src/site/markdown/operations.md"));
    int start = ops.indexOf("### Setting it up on Warehouse's PostgreSQL");
    int end = ops.indexOf("\n### ", start + 1);
    assertThat(start).isPositive();
    Matcher m =
        Pattern.compile("```sql\n(.*?)```", Pattern.DOTALL).matcher(ops.substring(start, end));
    List<String> blocks = new ArrayList<>();
    while (m.find()) {
      blocks.add(m.group(1));
    }
    assertThat(blocks).hasSize(3);
    return blocks;
  }

  /** Runs each statement of {@code block} (comment lines dropped) as the superuser. */
  private static void runAsSuperuser(TestPostgres pg, String block) {
    StringBuilder sql = new StringBuilder();
    for (String line : block.lines().toList()) {
      if (!line.strip().startsWith("--")) {
        sql.append(line).append('\n');
      }
    }
    // Statements end at a semicolon that ends a line.
    Matcher m = Pattern.compile("(?s)(.*?);\\s*(\n|$)").matcher(sql);
    while (m.find()) {
      if (!m.group(1).isBlank()) {
        pg.sql("warehouse", m.group(1).strip());
      }
    }
  }

  private static TestPostgres warehouseDatabase() {
    TestPostgres pg = TestPostgres.start();
    pg.sql("postgres", "CREATE DATABASE warehouse");
    return pg;
  }

  /** The agent's client as configured by the example agent.yml, against {@code pg}. */
  private static PgConnections agent(TestPostgres pg) {
    return new PgConnections(
        new Settings.RolloutDatabase(
            pg.host(),
            pg.port(),
            "warehouse",
            "warehouse_agent",
            Optional.of("rollout_db"),
            "warehouse_agent",
            Duration.ofSeconds(2),
            Duration.ofSeconds(5)),
        () -> Optional.of(PASSWORD));
  }

  /** What a rollout asks of the database: admission, lease, health, completion, status, halt. */
  private static void rolloutWorksAsTheAgentsRole(TestPostgres pg) throws Exception {
    try (PgConnections db = agent(pg)) {
      RolloutRules rules = Rollouts.rules(1, 2, 1, Duration.ofMinutes(5), Duration.ZERO);
      Decision d = new RolloutStore(db).admit(new HostId("app-1"), KEY, rules);
      assertThat(d).isInstanceOf(Decision.Granted.class);
      Slot slot = ((Decision.Granted) d).slot();
      LeaseStore leases = new LeaseStore(db);
      assertThat(leases.renew(slot)).isTrue();
      assertThat(leases.reportHealthy(slot)).isTrue();
      assertThat(leases.complete(slot)).isEqualTo(LeaseStore.Completion.DONE);
      RolloutAdmin admin = new RolloutAdmin(db);
      assertThat(admin.status("web")).hasSize(1);
      assertThat(admin.halt("web", "18.09.02", "test")).isTrue();
    }
    assertThat(
            pg.sql(
                "warehouse",
                "SELECT tableowner FROM pg_tables WHERE schemaname = 'warehouse_agent'"
                    + " AND tablename = 'rollout'"))
        .containsExactly(List.of("warehouse_agent"));
  }

  @Test
  void theRoleAndASchemaItOwnsAreEnough() throws Exception {
    List<String> sql = documentedSql();
    try (TestPostgres pg = warehouseDatabase()) {
      runAsSuperuser(pg, sql.get(0));
      runAsSuperuser(pg, sql.get(1));
      pg.sql("ALTER ROLE warehouse_agent PASSWORD '" + PASSWORD + "'");
      rolloutWorksAsTheAgentsRole(pg);
    }
  }

  @Test
  void theRoleAndTheCreatePrivilegeLetTheAgentCreateItsSchema() throws Exception {
    List<String> sql = documentedSql();
    try (TestPostgres pg = warehouseDatabase()) {
      runAsSuperuser(pg, sql.get(0));
      runAsSuperuser(pg, sql.get(2));
      pg.sql("ALTER ROLE warehouse_agent PASSWORD '" + PASSWORD + "'");
      rolloutWorksAsTheAgentsRole(pg);
      assertThat(
              pg.sql(
                  "warehouse",
                  "SELECT nspowner::regrole::text FROM pg_namespace"
                      + " WHERE nspname = 'warehouse_agent'"))
          .containsExactly(List.of("warehouse_agent"));
    }
  }

  @Test
  void theRoleAloneIsRefused() throws Exception {
    List<String> sql = documentedSql();
    try (TestPostgres pg = warehouseDatabase()) {
      runAsSuperuser(pg, sql.get(0));
      pg.sql("ALTER ROLE warehouse_agent PASSWORD '" + PASSWORD + "'");
      assertThat(
              pg.sql(
                  "warehouse",
                  "SELECT setconfig::text FROM pg_db_role_setting"
                      + " WHERE setrole = 'warehouse_agent'::regrole"))
          .containsExactly(List.of("{idle_in_transaction_session_timeout=60s}"));
      try (PgConnections db = agent(pg)) {
        assertThatThrownBy(
                () ->
                    new RolloutStore(db)
                        .admit(
                            new HostId("app-1"),
                            KEY,
                            Rollouts.rules(1, 2, 1, Duration.ofMinutes(5), Duration.ZERO)))
            .isInstanceOf(RolloutException.class)
            .hasMessageContaining("cannot create or migrate schema warehouse_agent");
      }
    }
  }
}
