package org.warehouse.agent.attributes;

/**
 * Invalid attribute input: a file that cannot be read or parsed, a type conflict between levels, a
 * missing key or secret. The message is one line, cites {@code file:line:column} where known, and
 * never contains a secret value.
 */
public class AttributeException extends RuntimeException {
  public AttributeException(String message) {
    super(message);
  }

  public AttributeException(String message, Throwable cause) {
    super(message, cause);
  }
}
