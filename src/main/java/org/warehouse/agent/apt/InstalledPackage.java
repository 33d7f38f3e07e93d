package org.warehouse.agent.apt;

/**
 * A package as dpkg records it.
 *
 * @param status dpkg's abbreviated status, e.g. {@code ii} installed, {@code iF} half-configured
 * @param held the selection is "hold": the operator froze it
 */
public record InstalledPackage(String name, String version, String status, boolean held) {

  /** Installed and configured ({@code ii}); anything else is unpacked, half-done or removed. */
  public boolean isInstalled() {
    return status.startsWith("ii");
  }

  /** Some files are present (installed, unpacked or half-configured), so a version exists. */
  public boolean hasFiles() {
    return !version.isEmpty() && !status.startsWith("un") && !status.startsWith("pn");
  }
}
