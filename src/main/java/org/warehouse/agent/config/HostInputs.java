package org.warehouse.agent.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.warehouse.agent.attributes.StrictModes;

/**
 * The files agent.yml names that a run relies on, checked on this host before anything changes, by
 * {@code check-config} and every converge alike: each repository's {@code signed_by} keyring must
 * be an existing regular file that only root (or the agent's user) could have written.
 */
public final class HostInputs {
  private HostInputs() {}

  /** Checks every keyring of {@code s}; the message names agent.yml, the repository and the fix. */
  public static void check(Settings s) throws ConfigException {
    for (Settings.Repository r : s.repositories()) {
      Path key = r.signedBy();
      String where = s.source() + ": repository '" + r.name() + "': signed_by keyring ";
      try {
        Path real = StrictModes.FOR_THIS_PROCESS.check(key);
        if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
          throw new ConfigException(where + key + " is not a regular file");
        }
      } catch (NoSuchFileException e) {
        throw new ConfigException(
            where + key + " does not exist (apt would refuse the repository)", e);
      } catch (IOException e) {
        throw new ConfigException(where + key + ": cannot read: " + e.getMessage(), e);
      } catch (StrictModes.UntrustedFileException e) {
        throw new ConfigException(where + e.getMessage(), e);
      }
    }
  }
}
