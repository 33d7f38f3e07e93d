package org.warehouse.agent.rollout;

/** The test PostgreSQL (to be replaced by the harness). */
final class TestDatabase {
  private TestDatabase() {}

  static int port() {
    return Integer.parseInt(System.getProperty("pg.port", "55432"));
  }

  static String password() {
    return "pw";
  }
}
