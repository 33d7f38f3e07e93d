package org.warehouse.agent.rollout;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.warehouse.agent.config.Settings;
import org.warehouse.agent.resource.ResourceException;

/**
 * One simulated host in a process of its own, for the scale test to SIGKILL or SIGSTOP: asks until
 * granted, then "installs" (its ticker renewing the lease every poll, as the daemon's beat does)
 * until stdin says the install is over, confirms its slot before "restarting", and finally tries
 * the late reports a host that lost its slot would make. Each step is a line on stdout.
 *
 * <p>argv: db-host db-port db-name db-user schema host group package version poll-ms ttl-ms
 * min-healthy-ms; the password in the environment (ROLLOUT_TEST_PASSWORD).
 */
public final class SimHostMain {
  private SimHostMain() {}

  public static void main(String[] args) throws Exception {
    Logger.getLogger("org.warehouse.agent").setLevel(Level.WARNING);
    Settings.RolloutDatabase db =
        new Settings.RolloutDatabase(
            args[0],
            Integer.parseInt(args[1]),
            args[2],
            args[3],
            Optional.of("test"),
            args[4],
            Duration.ofSeconds(10),
            Duration.ofSeconds(5));
    String password = System.getenv("ROLLOUT_TEST_PASSWORD");
    HostId host = new HostId(args[5]);
    RolloutKey key = new RolloutKey(args[6], args[7], args[8]);
    long poll = Long.parseLong(args[9]);
    RolloutRules rules =
        new RolloutRules(
            List.of(),
            3,
            10,
            3,
            Duration.ofMillis(Long.parseLong(args[10])),
            Duration.ofMillis(Long.parseLong(args[11])));
    PgConnections c = new PgConnections(db, () -> Optional.of(password));
    LeaseStore leases = new LeaseStore(c);
    RolloutGate gate = new RolloutGate(host, key.group(), rules, new RolloutStore(c), leases);
    RolloutTicker ticker = new RolloutTicker(gate);
    say("started");

    while (!gate.admit(key.pkg(), key.version()).admitted()) {
      do {
        Thread.sleep(poll);
      } while (!ticker.tick(false));
    }
    Slot slot = gate.slot().orElseThrow();
    say("granted " + slot.epoch());

    // The daemon's beat renews the slot every poll while the install runs.
    ScheduledExecutorService beat = Executors.newSingleThreadScheduledExecutor();
    var unused =
        beat.scheduleAtFixedRate(
            () ->
                say(
                    "beat "
                        + (ticker.tick(true) ? "?" : gate.slot().isPresent() ? "held" : "lost")),
            poll,
            poll,
            TimeUnit.MILLISECONDS);
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    while (!"finish-install".equals(in.readLine())) {
      // Installing.
    }
    try {
      gate.confirm();
      say("restarted");
    } catch (ResourceException e) {
      say("not-restarted " + e.getMessage().lines().findFirst().orElse(""));
      gate.rolledBack(key.pkg(), key.version(), "not restarted");
    }
    beat.shutdownNow();
    say(
        "late healthy="
            + leases.reportHealthy(slot)
            + " complete="
            + leases.complete(slot)
            + " failure="
            + leases.reportFailure(slot, "late report")
            + " renew="
            + leases.renew(slot));
    c.close();
    say("exit");
  }

  private static synchronized void say(String line) {
    System.out.println(line);
    System.out.flush();
  }
}
