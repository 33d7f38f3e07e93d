package org.warehouse.agent.rollout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.warehouse.agent.attributes.AttributeException;
import org.warehouse.agent.attributes.SecretRef;
import org.warehouse.agent.attributes.SecretStore;
import org.warehouse.agent.config.Settings;

/**
 * This process's one rollout gate, kept while agent.yml's {@code rollout:} section stays the same
 * (the daemon's runs and its ticker share it, and with it the slot held); rebuilt when it changes.
 */
public final class RolloutRegistry {
  private static final Path KERNEL_HOSTNAME = Path.of("/proc/sys/kernel/hostname");
  private static Settings.Rollout current;
  private static Path secretsDir;
  private static PgConnections connections;
  private static RolloutGate gate;

  private RolloutRegistry() {}

  /** The gate for {@code s}, which has a rollout section. */
  public static synchronized RolloutGate gate(Settings s, Map<String, String> env) {
    Settings.Rollout r = s.rollout().orElseThrow();
    if (gate != null && r.equals(current) && s.secretsDir().equals(secretsDir)) {
      return gate;
    }
    if (connections != null) {
      connections.close();
    }
    Optional<String> secret = r.database().passwordSecret();
    SecretStore store = SecretStore.fromEnvironment(env, s.secretsDir());
    connections =
        new PgConnections(
            r.database(),
            () -> {
              if (secret.isEmpty()) {
                return Optional.empty();
              }
              try {
                return Optional.of(store.resolve(new SecretRef(secret.get())).strip());
              } catch (AttributeException e) {
                throw new RolloutException(
                    "cannot read the rollout database password: " + e.getMessage(), e);
              }
            });
    gate =
        new RolloutGate(
            host(r),
            r.group(),
            RolloutRules.of(r),
            new RolloutStore(connections),
            new LeaseStore(connections));
    current = r;
    secretsDir = s.secretsDir();
    return gate;
  }

  /** The gate in use, if a run or the ticker made one. */
  public static synchronized Optional<RolloutGate> current() {
    return Optional.ofNullable(gate);
  }

  /** This host's name in rollouts: agent.yml's rollout.host, else the kernel's host name. */
  static HostId host(Settings.Rollout r) {
    if (r.host().isPresent()) {
      return new HostId(r.host().get());
    }
    try {
      return new HostId(Files.readString(KERNEL_HOSTNAME, StandardCharsets.US_ASCII).strip());
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot read the host name (" + KERNEL_HOSTNAME + "): set rollout.host", e);
    }
  }
}
