package org.warehouse.agent.cli;

/**
 * The agent's exit codes, the same for every command: sysexits(3) values where one fits (64 usage,
 * 75 try again later, 78 configuration), else 0 and 1; converge's detailed codes are {@link
 * ConvergeCommand#exitCode}'s.
 */
public final class ExitCodes {
  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int USAGE = 64;

  /**
   * EX_TEMPFAIL: the run lock or the daemon is busy, the daemon is stopping, or converges are
   * disabled.
   */
  public static final int LOCK_BUSY = 75;

  public static final int CONFIG = 78;

  private ExitCodes() {}
}
