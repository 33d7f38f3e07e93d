package org.warehouse.agent.sandbox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.warehouse.agent.exec.CommandRunner;
import org.warehouse.agent.exec.ProcessCommandRunner;
import org.warehouse.agent.service.Systemctl;
import org.warehouse.agent.service.SystemdBus;

/**
 * Run inside a sandbox by {@link SystemdBusSandboxIT} (systemd answers its private socket only from
 * its own PID namespace): prints, per unit named in the arguments, the state read over the bus,
 * through {@code Systemctl} with the bus, and from a {@code systemctl show} process; then how many
 * processes the bus-backed {@code Systemctl} started.
 */
public final class BusProbe {
  private BusProbe() {}

  public static void main(String[] args) throws Exception {
    SystemdBus bus = new SystemdBus(SystemdBus.PRIVATE_SOCKET, Duration.ofSeconds(10));
    ProcessCommandRunner processes = new ProcessCommandRunner();
    List<List<String>> spawned = new ArrayList<>();
    CommandRunner counting =
        c -> {
          spawned.add(c.argv());
          return processes.run(c);
        };
    Systemctl withBus = new Systemctl(counting, Duration.ofSeconds(30), Optional.of(bus));
    Systemctl viaProcess = new Systemctl(processes, Duration.ofSeconds(30));
    for (String unit : args) {
      System.out.println(unit + "\tbus\t" + bus.show(unit));
      System.out.println(unit + "\tsystemctl-with-bus\t" + withBus.show(unit));
      System.out.println(unit + "\tprocess\t" + viaProcess.show(unit));
    }
    System.out.println("spawned\t" + spawned.size());
  }
}
