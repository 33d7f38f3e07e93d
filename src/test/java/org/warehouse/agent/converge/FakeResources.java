package org.warehouse.agent.converge;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.warehouse.agent.resource.Refreshable;
import org.warehouse.agent.resource.Resource;
import org.warehouse.agent.resource.ResourceException;
import org.warehouse.agent.resource.Result;

/** In-memory resources for engine tests: a value to converge, a failure, a hang, a service. */
final class FakeResources {
  private FakeResources() {}

  /** Desired value vs actual value; applying copies desired into actual. */
  static final class Value implements Resource {
    final String id;
    String desired;
    String actual;
    final AtomicInteger applies = new AtomicInteger();

    Value(String id, String desired, String actual) {
      this.id = id;
      this.desired = desired;
      this.actual = actual;
    }

    @Override
    public String id() {
      return id;
    }

    @Override
    public Result checkApply(boolean apply) {
      if (desired.equals(actual)) {
        return Result.unchanged(actual);
      }
      String before = actual;
      if (apply) {
        actual = desired;
        applies.incrementAndGet();
      }
      return Result.differed(apply, before, desired, "");
    }
  }

  /** Always fails. */
  static final class Failing implements Resource {
    @Override
    public String id() {
      return "fail:x";
    }

    @Override
    public Result checkApply(boolean apply) throws ResourceException {
      throw new ResourceException("disk on fire\nsecond line");
    }
  }

  /** Never returns until interrupted. */
  static final class Hanging implements Resource {
    volatile boolean interrupted;

    @Override
    public String id() {
      return "hang:x";
    }

    @Override
    public Result checkApply(boolean apply) throws InterruptedException {
      try {
        Thread.sleep(60_000);
      } catch (InterruptedException e) {
        interrupted = true;
        throw e;
      }
      return Result.unchanged("");
    }
  }

  /** A service that records its restarts. */
  static final class Service implements Refreshable {
    final List<String> restarts = new ArrayList<>();

    @Override
    public String id() {
      return "service:web";
    }

    @Override
    public Result checkApply(boolean apply) {
      return Result.unchanged("active");
    }

    @Override
    public Result refresh(boolean apply) {
      if (apply) {
        restarts.add("restart");
      }
      return Result.differed(apply, "pid 1", "pid 2", "restarted");
    }
  }
}
