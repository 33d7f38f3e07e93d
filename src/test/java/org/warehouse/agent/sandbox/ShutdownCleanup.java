package org.warehouse.agent.sandbox;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** One JVM shutdown hook closing what the harness still has open (systemd, gpg-agents). */
final class ShutdownCleanup {
  private static final Set<AutoCloseable> OPEN = new LinkedHashSet<>();
  private static boolean hookInstalled;

  private ShutdownCleanup() {}

  static synchronized void register(AutoCloseable resource) {
    if (!hookInstalled) {
      Runtime.getRuntime()
          .addShutdownHook(new Thread(ShutdownCleanup::closeAll, "sandbox-shutdown-cleanup"));
      hookInstalled = true;
    }
    OPEN.add(resource);
  }

  static synchronized void unregister(AutoCloseable resource) {
    OPEN.remove(resource);
  }

  private static void closeAll() {
    List<AutoCloseable> open;
    synchronized (ShutdownCleanup.class) {
      open = new ArrayList<>(OPEN);
    }
    for (int i = open.size() - 1; i >= 0; i--) {
      AutoCloseable resource = open.get(i);
      System.err.println("sandbox: closing at JVM shutdown: " + resource);
      try {
        resource.close();
      } catch (Exception e) {
        System.err.println("sandbox: cleanup at shutdown failed: " + e);
      }
    }
  }
}
