package org.warehouse.agent.daemon;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.warehouse.agent.resource.Resource;
import org.warehouse.agent.resource.ResourceId;
import org.warehouse.agent.resource.Result;

/** A resource that waits for a latch (or a time), counting how many run at once across runs. */
final class ScriptedResource implements Resource {
  static final AtomicInteger RUNNING = new AtomicInteger();
  static final AtomicInteger MAX_RUNNING = new AtomicInteger();

  private final String id;
  private final CountDownLatch release;
  private final long sleepMillis;
  final CountDownLatch entered = new CountDownLatch(1);

  ScriptedResource(String id, CountDownLatch release, long sleepMillis) {
    this.id = id;
    this.release = release;
    this.sleepMillis = sleepMillis;
  }

  @Override
  public ResourceId id() {
    return ResourceId.parse(id);
  }

  @Override
  public Result checkApply(boolean apply) throws InterruptedException {
    MAX_RUNNING.accumulateAndGet(RUNNING.incrementAndGet(), Math::max);
    entered.countDown();
    try {
      if (release != null) {
        release.await();
      }
      Thread.sleep(sleepMillis);
      return Result.unchanged("ok");
    } finally {
      RUNNING.decrementAndGet();
    }
  }
}
