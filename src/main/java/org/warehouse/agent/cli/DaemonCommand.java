package org.warehouse.agent.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import org.warehouse.agent.config.ConfigException;
import org.warehouse.agent.config.Settings;
import org.warehouse.agent.daemon.Daemon;
import org.warehouse.agent.daemon.HostSplay;
import org.warehouse.agent.daemon.SettingsSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** {@code agent daemon}: scheduled converges, the control socket and the metrics endpoint. */
@Command(
    name = "daemon",
    mixinStandardHelpOptions = true,
    description =
        "Converge every interval (at this host's place in the splay), serve Prometheus metrics,"
            + " and accept 'agent converge --now' over the control socket. SIGHUP reloads"
            + " agent.yml; SIGTERM stops after the step in progress.")
final class DaemonCommand implements Callable<Integer> {
  @Mixin ConfigOption config;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException, ConfigException {
    Settings settings = config.load();
    SettingsSource source =
        new SettingsSource() {
          @Override
          public Settings load() throws ConfigException {
            return config.load();
          }

          @Override
          public Path path() {
            return config.path();
          }
        };
    Daemon daemon =
        new Daemon(
            source,
            settings,
            Wiring::converger,
            AgentVersion.get(),
            HostSplay.hostKey(),
            Clock.systemUTC());
    try {
      return daemon.run();
    } catch (IOException e) {
      spec.commandLine().getErr().println("agent daemon: " + e.getMessage());
      return ExitCodes.FAILED;
    }
  }
}
