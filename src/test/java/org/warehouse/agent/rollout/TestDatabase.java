package org.warehouse.agent.rollout;

/**
 * One throw-away PostgreSQL for this test JVM's rollout tests, started on first use; each test
 * takes a schema of its own ({@link Rollouts#freshSchema}). TestPostgres stops and removes it when
 * the JVM exits.
 */
final class TestDatabase {
  private static TestPostgres server;

  private TestDatabase() {}

  static synchronized TestPostgres server() {
    if (server == null) {
      server = TestPostgres.start();
    }
    return server;
  }

  static int port() {
    return server().port();
  }

  static String password() {
    return server().password();
  }
}
