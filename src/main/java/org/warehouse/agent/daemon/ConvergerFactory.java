package org.warehouse.agent.daemon;

import org.warehouse.agent.config.Settings;
import org.warehouse.agent.converge.Converger;
import org.warehouse.agent.converge.RunListener;
import org.warehouse.agent.resource.AptIndexResource;

/** Builds the converger of one run for the real host (the CLI's wiring, handed in). */
@FunctionalInterface
public interface ConvergerFactory {
  Converger create(Settings settings, RunListener listener, AptIndexResource.PollObserver polls);
}
