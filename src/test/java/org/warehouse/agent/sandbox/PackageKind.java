package org.warehouse.agent.sandbox;

/** How a fixture package behaves; see test-fixtures/build-package.sh. */
public enum PackageKind {
  /** warehouse-web starts, listens and answers /_health/ with 200. */
  GOOD("good"),
  /** warehouse-web exits 1 at once (systemctl restart still exits 0: check is-active). */
  CRASH("crash"),
  /** warehouse-web starts and listens, but /_health/ answers 500. */
  UNHEALTHY("unhealthy"),
  /** warehouse-web starts (active) but opens its port only after the package's seconds. */
  SLOW("slow"),
  /**
   * The postinst writes /run/warehouse-fixture/postinst.pid ("POSTINST_PID DPKG_PID", PIDs inside
   * the sandbox) and sleeps the package's seconds: kill dpkg while it sleeps.
   */
  SLOW_POSTINST("slow-postinst"),
  /** warehouse-common only: its postinst exits 1 on configure. */
  POSTINST_FAILS("postinst-fails");

  private final String scriptName;

  PackageKind(String scriptName) {
    this.scriptName = scriptName;
  }

  /** The KIND argument of build-package.sh. */
  public String scriptName() {
    return scriptName;
  }
}
