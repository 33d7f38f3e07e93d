package org.warehouse.agent.cli;

/**
 * The agent's exit codes, the same for every command: sysexits(3) values where one fits (64 usage,
 * 66 no such rollout or host, 69 the rollout database unavailable, 75 try again later, 78
 * configuration), else 0 and 1; converge's detailed codes are {@link ConvergeCommand#exitCode}'s.
 */
public final class ExitCodes {
  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int USAGE = 64;

  /**
   * EX_NOINPUT: {@code agent rollout halt|resume|release} named no rollout or host of the group.
   */
  public static final int NOT_FOUND = 66;

  /** EX_UNAVAILABLE: the rollout database cannot be reached, or refused the command. */
  public static final int UNAVAILABLE = 69;

  /**
   * EX_TEMPFAIL: the run lock or the daemon is busy, the daemon is stopping, or converges are
   * disabled.
   */
  public static final int LOCK_BUSY = 75;

  public static final int CONFIG = 78;

  private ExitCodes() {}
}
