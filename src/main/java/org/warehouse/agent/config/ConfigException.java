package org.warehouse.agent.config;

/** Invalid agent configuration; the message names file, line, key and what was expected. */
public final class ConfigException extends Exception {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
