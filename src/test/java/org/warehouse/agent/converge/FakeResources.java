package org.warehouse.agent.converge;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.warehouse.agent.resource.Refreshable;
import org.warehouse.agent.resource.Resource;
import org.warehouse.agent.resource.ResourceException;
import org.warehouse.agent.resource.ResourceId;
import org.warehouse.agent.resource.Result;
import org.warehouse.agent.resource.Reversible;

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
    public ResourceId id() {
      return ResourceId.parse(id);
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
    public ResourceId id() {
      return ResourceId.parse("fail:x");
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
    public ResourceId id() {
      return ResourceId.parse("hang:x");
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
    public ResourceId id() {
      return ResourceId.parse("service:web");
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

  /** A value that remembers what it replaced and can put it back; a log of rollbacks. */
  static final class Undoable implements Reversible {
    final String id;
    final String desired;
    String actual;
    final boolean previousKnown;
    String previous;
    String rollbackFailure;
    final List<String> rollbacks = new ArrayList<>();
    // Each checkApply call's apply flag.
    final List<Boolean> checks = new ArrayList<>();

    Undoable(String id, String desired, String actual, boolean previousKnown) {
      this.id = id;
      this.desired = desired;
      this.actual = actual;
      this.previousKnown = previousKnown;
    }

    @Override
    public ResourceId id() {
      return ResourceId.parse(id);
    }

    @Override
    public Result checkApply(boolean apply) {
      checks.add(apply);
      if (desired.equals(actual)) {
        return Result.unchanged(actual);
      }
      String before = actual;
      if (apply) {
        previous = previousKnown ? actual : null;
        actual = desired;
      }
      return Result.differed(apply, before, desired, "upgraded");
    }

    @Override
    public Optional<Undo> undo() {
      return previous == null
          ? Optional.empty()
          : Optional.of(new Undo("upgrade of " + id + " to " + actual, id + " " + previous));
    }

    @Override
    public Result rollback(String reason) throws ResourceException {
      rollbacks.add(reason);
      if (rollbackFailure != null) {
        throw new ResourceException(rollbackFailure);
      }
      String bad = actual;
      actual = previous;
      previous = null;
      return Result.differed(true, bad, actual, "reinstalled " + actual);
    }
  }

  /**
   * A service whose restart fails its check while {@code healthy} says no; a baseline that may say
   * it was already broken; a log of restarts.
   */
  static final class CheckedService implements Refreshable {
    final String id;
    final Supplier<Boolean> healthy;
    String brokenBefore;
    final List<String> restarts = new ArrayList<>();
    // What the test wants noted at each baseline (e.g. a package's version at that moment).
    Supplier<String> witness = () -> "";
    final List<String> baselines = new ArrayList<>();

    CheckedService(String id, Supplier<Boolean> healthy) {
      this.id = id;
      this.healthy = healthy;
    }

    @Override
    public ResourceId id() {
      return ResourceId.parse(id);
    }

    @Override
    public Result checkApply(boolean apply) {
      return Result.unchanged("active");
    }

    @Override
    public Result refresh(boolean apply) throws ResourceException {
      if (!apply) {
        return Result.differed(false, "active", "restarted", "would restart");
      }
      restarts.add("restart");
      if (!healthy.get()) {
        throw new ResourceException(
            id + " failed health check", "HTTP 500 from http://127.0.0.1:8000/_health/", null);
      }
      return Result.differed(true, "pid 1", "pid 2, healthy", "restarted");
    }

    @Override
    public Result baseline() throws ResourceException {
      baselines.add(witness.get());
      if (brokenBefore != null) {
        throw new ResourceException(brokenBefore);
      }
      return Result.unchanged("active, healthy");
    }
  }
}
