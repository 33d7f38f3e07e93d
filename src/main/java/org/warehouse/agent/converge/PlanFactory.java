package org.warehouse.agent.converge;

import org.warehouse.agent.config.Settings;

/** Builds the resources of one run from the settings; all input validation happens here. */
public interface PlanFactory {
  Plan build(Settings settings) throws PlanException, InterruptedException;
}
