package org.warehouse.agent.render;

/** A config file could not be written; the message is one line naming the path and the cause. */
public class FileWriteException extends RuntimeException {
  public FileWriteException(String message, Throwable cause) {
    super(message, cause);
  }

  public FileWriteException(String message) {
    super(message);
  }
}
