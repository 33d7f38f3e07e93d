package org.warehouse.agent.sandbox;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition until it holds: services start and stop asynchronously. */
public final class Await {
  private Await() {}

  /**
   * Polls {@code condition} every 50 ms until it is true.
   *
   * @throws AssertionError naming {@code what} if it is still false after {@code timeout}
   */
  public static void until(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + timeout.toMillis() + " ms: " + what);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for: " + what, e);
      }
    }
  }
}
