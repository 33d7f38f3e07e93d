package org.warehouse.agent.sandbox;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A real host's converges for the class archive: the agent configured as on an app server
 * (repository, package, rendered config, service), so that a run loads what a real one loads: the
 * HTTP probe, dpkg and apt queries, the unit's state, the renderer. {@link #record} gives the
 * classes these runs load, the supplements packaging/cds-real-run.classlist (short commands) and
 * cds-real-run-daemon.classlist; ClassArchiveSandboxIT checks that a no-op converge then finds its
 * classes in the archive.
 */
final class ClassListTraining {
  static final Path SUPPLEMENT = Path.of("packaging/cds-real-run.classlist");
  private static final String AGENT_CLASSES = "org/warehouse/agent/";

  private ClassListTraining() {}

  /** Publishes warehouse 18.09.01 and configures the agent for it (nothing installed yet). */
  static AgentInSandbox configure(SandboxHost host) {
    AgentInSandbox agent = new AgentInSandbox(host);
    host.publish(host.buildWarehouse("18.09.01"));
    agent.configure(
        AgentInSandbox.standardConfig(host.server().uri().toString(), "")
            + "first_run_delay: 1s\nmetrics:\n  listen: 127.0.0.1:"
            + SandboxHost.freeLoopbackPort()
            + "\n",
        Map.of(
            "10-warehouse.yml",
            "warehouse:\n  config:\n    site: pypi\n    port: " + host.webPort() + "\n"));
    return agent;
  }

  /** Runs {@code agent ARGS} inside without the archive, writing its class list to {@code list}. */
  private static ExecResult runListing(AgentInSandbox agent, String list, String... args) {
    return agent.runWithEnv(
        Map.of(
            "WAREHOUSE_AGENT_CDS",
            "off",
            "WAREHOUSE_AGENT_JAVA_OPTS",
            "-XX:DumpLoadedClassList=" + list),
        args);
  }

  /** The classes recorded: those of short commands, and the daemon's. */
  record Lists(List<String> commands, List<String> daemon) {}

  /**
   * Records the classes of: an installing converge, a no-op, a why-run and status in process,
   * converge --now and status answered by the daemon (short commands); the daemon under its unit
   * converging on its own and answering them (the daemon).
   */
  static Lists record(SandboxHost host) throws Exception {
    Sandbox s = host.sandbox();
    AgentInSandbox agent = configure(host);
    List<String> lists = new ArrayList<>();
    String[][] commands = {
      {"converge", "--now"},
      {"converge", "--now"},
      {"converge", "--now", "--why-run"},
      {"status"}
    };
    for (String[] command : commands) {
      String list = "/run/train-" + lists.size() + ".classlist";
      runListing(agent, list, command).requireSuccess();
      lists.add(list);
    }
    DaemonUnit.install(s);
    s.writeFile(
        "/etc/systemd/system/" + DaemonUnit.UNIT + ".d/train.conf",
        "[Service]\nEnvironment=WAREHOUSE_AGENT_CDS=off"
            + " WAREHOUSE_AGENT_JAVA_OPTS=-XX:DumpLoadedClassList=/run/train-daemon.classlist\n");
    s.checkOutput("systemctl", "daemon-reload");
    s.exec(List.of("rm", "-f", "/var/lib/warehouse-agent/last-run.json"));
    s.checkOutput("systemctl", "start", DaemonUnit.UNIT);
    Await.until(
        "the daemon's first converge",
        Duration.ofMinutes(2),
        () -> Files.exists(s.hostPath("/var/lib/warehouse-agent/last-run.json")));
    for (String[] command : new String[][] {{"converge", "--now"}, {"status"}}) {
      String list = "/run/train-" + lists.size() + ".classlist";
      runListing(agent, list, command).requireSuccess();
      lists.add(list);
    }
    s.checkOutput("systemctl", "stop", DaemonUnit.UNIT);
    return new Lists(read(s, lists), read(s, List.of("/run/train-daemon.classlist")));
  }

  // The lists' lines in order, each once, without comments.
  private static List<String> read(Sandbox s, List<String> lists) {
    Set<String> lines = new LinkedHashSet<>();
    for (String list : lists) {
      for (String line : s.readFile(list).split("\n", -1)) {
        // The agent's own classes are not listed: packaging/cds-archive.sh adds all of them.
        if (!line.isBlank() && !line.startsWith("#") && !line.startsWith(AGENT_CLASSES)) {
          lines.add(line);
        }
      }
    }
    return List.copyOf(lines);
  }
}
