/**
 * Fleet rollouts coordinated through PostgreSQL: a rollout per (group, package, version), canaries
 * first, at most {@code max_parallel} hosts holding a slot, leases that expire by the database's
 * clock, a fencing epoch, and a fleet-wide halt. The runner sees all of it through one {@link
 * org.warehouse.agent.resource.TransactionGate}; an agent without a {@code rollout:} section loads
 * none of this package.
 */
package org.warehouse.agent.rollout;
