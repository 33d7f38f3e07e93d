package org.warehouse.agent.version;

/** A string that is not a valid Debian version, with dpkg's own reason as the message. */
public final class InvalidVersionException extends IllegalArgumentException {
  private static final long serialVersionUID = 2L;

  private final boolean warningOnly;

  public InvalidVersionException(String message) {
    this(message, false);
  }

  public InvalidVersionException(String message, Throwable cause) {
    super(message, cause);
    this.warningOnly = false;
  }

  /**
   * Creates the exception; {@code warningOnly} marks problems that dpkg's lax parser (used by
   * {@code dpkg --compare-versions} and for the status database) merely warns about.
   */
  public InvalidVersionException(String message, boolean warningOnly) {
    super(message);
    this.warningOnly = warningOnly;
  }

  /**
   * True when dpkg only warns about this problem: {@link DebianVersion#parseLax} accepts such a
   * version, {@link DebianVersion#parse} (like {@code dpkg -i} and {@code dpkg-deb --build})
   * rejects it.
   */
  public boolean warningOnly() {
    return warningOnly;
  }
}
