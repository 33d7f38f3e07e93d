package org.warehouse.agent.converge;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Asks a run to stop at its next safe point: between two resources, never inside one, so an apt or
 * dpkg step in progress always finishes. Restarts already queued by earlier changes still run.
 */
public final class StopRequest {
  private final AtomicReference<String> reason = new AtomicReference<>();

  /** Requests the stop; the first reason given is the one reported. */
  public void request(String why) {
    reason.compareAndSet(null, why);
  }

  /** Why the run was asked to stop, if it was. */
  public Optional<String> reason() {
    return Optional.ofNullable(reason.get());
  }
}
