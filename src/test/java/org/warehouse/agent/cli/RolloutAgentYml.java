package org.warehouse.agent.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** An agent.yml with a rollout section, and its database password as a secret file. */
public final class RolloutAgentYml {
  private RolloutAgentYml() {}

  /**
   * Writes {@code dir/agent.yml} (group web, this host app-1) for the database on 127.0.0.1:{@code
   * port}, tables in {@code schema}, and {@code password} into {@code dir/secrets/rollout_db}.
   */
  public static Path write(Path dir, int port, String schema, String password) throws IOException {
    Path yml = MinimalAgentYml.write(dir, dir.resolve("out/config.yml"));
    Path secrets = Files.createDirectories(dir.resolve("secrets"));
    Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rwx------"));
    Path secret = secrets.resolve("rollout_db");
    Files.writeString(secret, password + "\n");
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
    Files.writeString(
        yml,
        Files.readString(yml)
            + """
            secrets_dir: %s
            rollout:
              group: web
              host: app-1
              canary: 1
              database:
                host: 127.0.0.1
                port: %d
                name: warehouse_agent
                user: agent
                password_secret: rollout_db
                schema: %s
                connect_timeout: 15s
                statement_timeout: 15s
            """
                .formatted(secrets, port, schema));
    return yml;
  }
}
