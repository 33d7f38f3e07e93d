package org.warehouse.agent.resource;

import java.util.Objects;

/**
 * What a resource is: its kind ({@code package}, {@code file}, ...) and its name, written {@code
 * kind:name} in reports, logs, state files and metrics; the one place that form is built and read.
 */
public record ResourceId(String kind, String name) {
  public static final String PACKAGE = "package";
  public static final String FILE = "file";
  public static final String SERVICE = "service";
  public static final String APT_SOURCES = "apt-sources";
  public static final String APT_UPDATE = "apt-update";

  public ResourceId {
    Objects.requireNonNull(name, "name");
    if (kind == null || kind.isEmpty() || kind.indexOf(':') >= 0) {
      throw new IllegalArgumentException("not a resource kind: " + kind);
    }
  }

  public static ResourceId ofPackage(String name) {
    return new ResourceId(PACKAGE, name);
  }

  public static ResourceId ofFile(String path) {
    return new ResourceId(FILE, path);
  }

  public static ResourceId ofService(String unit) {
    return new ResourceId(SERVICE, unit);
  }

  /** The id {@link #toString()} wrote: kind, a colon, then the name (which may hold colons). */
  public static ResourceId parse(String text) {
    int colon = text.indexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("not a resource id (kind:name): " + text);
    }
    return new ResourceId(text.substring(0, colon), text.substring(colon + 1));
  }

  public boolean is(String kind) {
    return this.kind.equals(kind);
  }

  /** {@code kind:name}, as reports, logs and state files show it. */
  @Override
  public String toString() {
    return kind + ":" + name;
  }
}
