package org.warehouse.agent.apt;

import org.warehouse.agent.version.DebianVersion;

/**
 * A package in dpkg's database with the source package it was built from.
 *
 * @param status dpkg's abbreviated status, e.g. {@code ii}, {@code iU} (unpacked), {@code iF}
 */
public record HostPackage(
    String name, DebianVersion version, String status, String source, DebianVersion sourceVersion) {

  /** Installed and configured ({@code ii}). */
  public boolean configured() {
    return status.startsWith("ii");
  }

  /** Some of its files are on disk (installed, unpacked or half-configured). */
  public boolean present() {
    return !status.startsWith("un") && !status.startsWith("pn") && !status.startsWith("rc");
  }

  /** {@code name version (status)}, the status only when it is not {@code ii}. */
  public String describe() {
    return name + " " + version + (configured() ? "" : " (" + status.strip() + ")");
  }

  /**
   * Parses a {@code dpkg-query --show} line in {@link Dpkg#HOST_FORMAT}; null for a line that names
   * no version (a package dpkg only remembers a selection of).
   */
  static HostPackage parse(String line) {
    String[] f = line.split("\t", -1);
    if (f.length < 5) {
      throw new IllegalArgumentException("unexpected dpkg-query line: " + line);
    }
    if (f[1].isBlank()) {
      return null;
    }
    DebianVersion v = DebianVersion.parseLax(f[1].strip());
    String source = f[3].isBlank() ? f[0] : f[3].strip();
    DebianVersion sv = f[4].isBlank() ? v : DebianVersion.parseLax(f[4].strip());
    return new HostPackage(f[0].strip(), v, f[2].strip(), source, sv);
  }
}
