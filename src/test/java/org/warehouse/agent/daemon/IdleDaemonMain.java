package org.warehouse.agent.daemon;

import java.nio.file.Path;
import java.time.Clock;
import org.warehouse.agent.cli.Wiring;
import org.warehouse.agent.config.ConfigException;
import org.warehouse.agent.config.Settings;
import org.warehouse.agent.config.SettingsLoader;

/**
 * A daemon on the agent.yml of its first argument, idle for the milliseconds of its second (its
 * timers run: the rollout beat every second), then one scrape to stdout: for a test that reads the
 * classes a JVM of its own loaded.
 */
public final class IdleDaemonMain {
  private IdleDaemonMain() {}

  public static void main(String[] args) throws Exception {
    Path yml = Path.of(args[0]);
    SettingsSource source =
        new SettingsSource() {
          @Override
          public Settings load() throws ConfigException {
            return SettingsLoader.load(yml);
          }

          @Override
          public Path path() {
            return yml;
          }
        };
    Daemon daemon =
        new Daemon(source, source.load(), Wiring::converger, "test", "host", Clock.systemUTC());
    daemon.start();
    Thread.sleep(Long.parseLong(args[1]));
    System.out.println(daemon.metrics().scrape());
    daemon.stopInOrder("test over");
  }
}
