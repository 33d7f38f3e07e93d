package org.warehouse.agent.apt;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** apt-get -s output as apt 2.6 prints it, read into a transaction. */
class TransactionTest {
  private static final String SIMULATION =
      """
      NOTE: This is only a simulation!
            apt-get needs root privileges for real execution.
      Reading package lists...
      The following NEW packages will be installed:
        libfoo1
      Inst libfoo1 (1.0 stable [all])
      Inst warehouse [18.09.01] (18.09.02 stable [all]) [warehouse-common:all ]
      Inst warehouse-common [18.09.01] (18.09.02 stable [all])
      Inst libc-bin:amd64 [2.36-9+deb12u9] (2.36-9+deb12u7 Debian:12.10/stable [amd64])
      Remv warehouse-worker [18.09.01]
      Conf libfoo1 (1.0 stable [all])
      Conf warehouse (18.09.02 stable [all])
      """;

  @Test
  void readsInstallsUpgradesDowngradesAndRemovals() {
    Transaction t = Transaction.parseSimulation(SIMULATION);

    assertThat(t.changes())
        .extracting(PackageChange::describe)
        .containsExactly(
            "libfoo1 1.0 new",
            "warehouse 18.09.01 -> 18.09.02",
            "warehouse-common 18.09.01 -> 18.09.02",
            "libc-bin 2.36-9+deb12u9 -> 2.36-9+deb12u7",
            "warehouse-worker 18.09.01 removed");
    assertThat(t.of("libc-bin").orElseThrow().kind()).isEqualTo(PackageChange.Kind.DOWNGRADE);
    assertThat(t.removals()).extracting(PackageChange::name).containsExactly("warehouse-worker");
    assertThat(t.others("warehouse"))
        .isEqualTo(
            "libfoo1 1.0 new, warehouse-common 18.09.01 -> 18.09.02, libc-bin 2.36-9+deb12u9 ->"
                + " 2.36-9+deb12u7, warehouse-worker 18.09.01 removed");
  }

  @Test
  void nothingToDoIsAnEmptyTransaction() {
    assertThat(Transaction.parseSimulation("Reading package lists...\n0 upgraded").isEmpty())
        .isTrue();
  }
}
