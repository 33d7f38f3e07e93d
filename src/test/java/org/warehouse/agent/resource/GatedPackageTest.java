package org.warehouse.agent.resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.warehouse.agent.apt.AptConfig;
import org.warehouse.agent.apt.AptGet;
import org.warehouse.agent.apt.Dpkg;
import org.warehouse.agent.apt.KeptPackages;
import org.warehouse.agent.apt.Quarantine;

/** A package transaction passes the gate first; a lost slot rolls back without quarantine. */
class GatedPackageTest {
  @TempDir Path admin;
  @TempDir Path state;
  @TempDir Path archives;
  private FakeAptHost host;

  /** A gate that answers what the test says and records what it was told. */
  static final class ScriptedGate implements TransactionGate {
    TransactionGate.Admission answer = TransactionGate.Admission.ADMITTED;
    ResourceException unreachable;
    boolean lost;
    final List<String> calls = new ArrayList<>();

    @Override
    public Admission admit(String pkg, String version) throws ResourceException {
      calls.add("admit " + pkg + " " + version);
      if (unreachable != null) {
        throw unreachable;
      }
      return answer;
    }

    @Override
    public boolean lost() {
      return lost;
    }

    @Override
    public void rolledBack(String pkg, String version, String reason) {
      calls.add("rolledBack " + pkg + " " + version + ": " + reason);
    }
  }

  private final ScriptedGate gate = new ScriptedGate();

  private Quarantine quarantine() {
    return new Quarantine(
        state, Clock.fixed(Instant.parse("2018-09-14T10:00:00Z"), ZoneOffset.UTC));
  }

  private PackageResource resource() {
    host = host == null ? new FakeAptHost("warehouse", "18.09.01", archives) : host;
    AptGet apt =
        new AptGet(
            host,
            new AptConfig(
                Path.of("/l.list"),
                Duration.ofSeconds(5),
                Duration.ofSeconds(5),
                Duration.ofSeconds(5)));
    Dpkg dpkg = new Dpkg(host, admin, Duration.ofSeconds(5));
    return new PackageResource(
        "warehouse",
        Optional.empty(),
        apt,
        dpkg,
        quarantine(),
        new KeptPackages(state.resolve("packages"), archives, dpkg, apt),
        gate);
  }

  private void newRelease() {
    host = new FakeAptHost("warehouse", "18.09.01", archives);
    host.available.addAll(List.of("18.09.02", "18.09.01"));
    host.deb(archives, "18.09.01", "warehouse");
  }

  @Test
  void aWaitingHostInstallsNothingAndSaysWhy() throws Exception {
    newRelease();
    gate.answer =
        new TransactionGate.Admission(
            TransactionGate.Verdict.WAITING, "canaries first: 0 of 3 canaries healthy");

    Result r = resource().checkApply(true);

    assertThat(r.outcome()).isEqualTo(Outcome.UNCHANGED);
    assertThat(r.after()).isEqualTo("18.09.01");
    assertThat(r.detail())
        .isEqualTo("18.09.02 waiting for the rollout: canaries first: 0 of 3 canaries healthy");
    assertThat(host.installs()).isEmpty();
    assertThat(gate.calls).containsExactly("admit warehouse 18.09.02");
  }

  @Test
  void aHaltedRolloutIsNeverInstalled() throws Exception {
    newRelease();
    gate.answer =
        new TransactionGate.Admission(
            TransactionGate.Verdict.HALTED, "rollout halted: 3 failure(s), the limit is 3");

    Result r = resource().checkApply(true);

    assertThat(r.outcome()).isEqualTo(Outcome.UNCHANGED);
    assertThat(r.detail())
        .isEqualTo("18.09.02 not installed: rollout halted: 3 failure(s), the limit is 3");
    assertThat(host.installs()).isEmpty();
  }

  @Test
  void anUnreachableDatabaseFailsTheResourceBeforeAnythingChanges() throws Exception {
    newRelease();
    gate.unreachable = new ResourceException("rollout database unreachable, nothing installed");

    assertThatThrownBy(() -> resource().checkApply(true))
        .isInstanceOf(ResourceException.class)
        .hasMessage("rollout database unreachable, nothing installed");
    assertThat(host.installs()).isEmpty();
    assertThat(host.installed).isEqualTo("18.09.01");
  }

  @Test
  void aWhyRunDoesNotAskTheGate() throws Exception {
    newRelease();

    Result r = resource().checkApply(false);

    assertThat(r.detail()).startsWith("would install warehouse=18.09.02");
    assertThat(gate.calls).isEmpty();
  }

  @Test
  void aRollbackTellsTheGateAndQuarantinesTheVersion() throws Exception {
    newRelease();
    PackageResource r = resource();
    r.checkApply(true);

    Result back = r.rollback("warehouse-web.service failed its health check");

    assertThat(back.detail()).endsWith("18.09.02 quarantined");
    assertThat(quarantine().find("warehouse", "18.09.02")).isPresent();
    assertThat(gate.calls)
        .containsExactly(
            "admit warehouse 18.09.02",
            "rolledBack warehouse 18.09.02: warehouse-web.service failed its health check");
  }

  @Test
  void aRollbackAfterTheSlotWasLostDoesNotQuarantineTheRelease() throws Exception {
    newRelease();
    PackageResource r = resource();
    r.checkApply(true);
    gate.lost = true;

    Result back = r.rollback("not restarted: this host lost its rollout slot");

    assertThat(host.installed).isEqualTo("18.09.01");
    assertThat(back.detail())
        .endsWith("18.09.02 not quarantined: the rollout slot was lost, not the release");
    assertThat(quarantine().find("warehouse", "18.09.02")).isEmpty();
  }
}
