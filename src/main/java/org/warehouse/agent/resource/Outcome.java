package org.warehouse.agent.resource;

/** What checking (and perhaps applying) a resource found. */
public enum Outcome {
  /** Already as desired; nothing done. */
  UNCHANGED,
  /** Not as desired; why-run, so nothing done. */
  WOULD_CHANGE,
  /** Was not as desired; now it is. */
  CHANGED;

  /** The outcome for a resource that differed: CHANGED when applied, else WOULD_CHANGE. */
  public static Outcome differed(boolean apply) {
    return apply ? CHANGED : WOULD_CHANGE;
  }
}
