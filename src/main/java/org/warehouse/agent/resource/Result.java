package org.warehouse.agent.resource;

import java.util.Objects;

/** A resource's outcome with the state before and after, in words fit for a report (no secrets). */
public record Result(Outcome outcome, String before, String after, String detail) {
  public Result {
    Objects.requireNonNull(outcome, "outcome");
    before = before == null ? "" : before;
    after = after == null ? "" : after;
    detail = detail == null ? "" : detail;
  }

  public static Result unchanged(String state) {
    return new Result(Outcome.UNCHANGED, state, state, "");
  }

  public static Result differed(boolean apply, String before, String after, String detail) {
    return new Result(Outcome.differed(apply), before, after, detail);
  }

  public boolean changed() {
    return outcome != Outcome.UNCHANGED;
  }
}
