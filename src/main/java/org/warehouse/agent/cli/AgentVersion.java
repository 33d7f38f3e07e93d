package org.warehouse.agent.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** The agent's release version (YY.MM.NN), stamped into the jar by the build. */
public final class AgentVersion implements IVersionProvider {
  private static final String VERSION = load();

  public static String get() {
    return VERSION;
  }

  @Override
  public String[] getVersion() {
    return new String[] {"warehouse-agent " + VERSION};
  }

  private static String load() {
    try (InputStream in = AgentVersion.class.getResourceAsStream("/warehouse-agent.properties")) {
      Properties p = new Properties();
      if (in != null) {
        p.load(in);
      }
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }
}
