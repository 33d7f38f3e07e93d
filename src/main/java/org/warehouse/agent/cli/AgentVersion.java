package org.warehouse.agent.cli;

import picocli.CommandLine.IVersionProvider;

/** The agent's release version (YY.MM.NN), stamped into the jar's manifest by the build. */
public final class AgentVersion implements IVersionProvider {
  // From the package's manifest attributes: for a class mapped from the class archive the JVM
  // defines its package with the manifest the archive holds, so no command opens the 8 MB jar
  // just to read its version. Classes outside a jar (unit tests) have no manifest.
  private static final String VERSION = load();

  public static String get() {
    return VERSION;
  }

  @Override
  public String[] getVersion() {
    return new String[] {"warehouse-agent " + VERSION};
  }

  private static String load() {
    String v = AgentVersion.class.getPackage().getImplementationVersion();
    return v == null ? "unknown" : v;
  }
}
