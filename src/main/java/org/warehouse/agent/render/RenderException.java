package org.warehouse.agent.render;

/** A value tree that cannot be rendered: an unsupported type, a non-string key, a cycle. */
public class RenderException extends RuntimeException {
  public RenderException(String message) {
    super(message);
  }
}
