package org.warehouse.agent.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import org.warehouse.agent.attributes.StrictModes;

/**
 * The files agent.yml names that a run relies on, checked on this host before anything changes, by
 * {@code check-config} and every converge alike: each repository's {@code signed_by} keyring and
 * the rollout database's {@code sslrootcert} must be an existing regular file that only root (or
 * the agent's user) could have written.
 */
public final class HostInputs {
  private HostInputs() {}

  /** Checks every keyring of {@code s}; the message names agent.yml, the repository and the fix. */
  public static void check(Settings s) throws ConfigException {
    for (Settings.Repository r : s.repositories()) {
      trusted(
          r.signedBy(),
          s.source() + ": repository '" + r.name() + "': signed_by keyring ",
          "apt would refuse the repository");
    }
    if (s.rollout().isPresent()) {
      Optional<Path> ca = s.rollout().get().database().tls().rootCert();
      if (ca.isPresent()) {
        checkDatabaseCa(ca.get(), s.source() + ": rollout.database.");
      }
    }
  }

  /**
   * Checks the rollout database's CA file ({@code sslrootcert}) as check-config does; the rollout
   * client calls it too, before each new connection. The message starts with {@code where}.
   */
  public static void checkDatabaseCa(Path ca, String where) throws ConfigException {
    trusted(
        ca, where + "sslrootcert ", "the agent could not check the database server's certificate");
  }

  private static void trusted(Path file, String where, String ifMissing) throws ConfigException {
    try {
      Path real = StrictModes.FOR_THIS_PROCESS.check(file);
      if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
        throw new ConfigException(where + file + " is not a regular file");
      }
    } catch (NoSuchFileException e) {
      throw new ConfigException(where + file + " does not exist (" + ifMissing + ")", e);
    } catch (IOException e) {
      throw new ConfigException(where + file + ": cannot read: " + e.getMessage(), e);
    } catch (StrictModes.UntrustedFileException e) {
      throw new ConfigException(where + e.getMessage(), e);
    }
  }
}
