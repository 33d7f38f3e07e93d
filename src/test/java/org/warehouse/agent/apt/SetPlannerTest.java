package org.warehouse.agent.apt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.warehouse.agent.version.DebianVersion;

/** The package-set decision, from dpkg's and apt's records to exact apt-get arguments. */
class SetPlannerTest {
  private final Map<String, HostPackage> installed = new TreeMap<>();
  private final Map<String, List<ArchiveRecord>> archive = new HashMap<>();

  private static DebianVersion v(String s) {
    return DebianVersion.parse(s);
  }

  private void offer(String name, String version, String source, String depends) {
    archive
        .computeIfAbsent(name, k -> new ArrayList<>())
        .add(
            new ArchiveRecord(
                name, v(version), source, v(version), Relation.parseField(depends), true));
  }

  private void install(String name, String version, String source) {
    installed.put(name, new HostPackage(name, v(version), "ii", source, v(version)));
  }

  /**
   * webapp, webapp-core and webapp-data of source webapp, each release needing its siblings
   * exactly.
   */
  private void release(String version) {
    offer("webapp", version, "webapp", "webapp-core (= " + version + "), python3");
    offer(
        "webapp-core",
        version,
        "webapp",
        "webapp-data (>= " + version + "), webapp-data (<< " + version + ".1~)");
    offer("webapp-data", version, "webapp", "");
  }

  private SetPlan plan(String name, String version) {
    SetPlan p = SetPlanner.plan(name, v(version), installed, archive);
    for (int i = 0; i < 5 && !p.missing().isEmpty(); i++) {
      for (String m : p.missing()) {
        archive.putIfAbsent(m, new ArrayList<>());
      }
      p = SetPlanner.plan(name, v(version), installed, archive);
    }
    return p;
  }

  @Test
  void aPinOnACleanHostNamesTheWholeChainAtThePinnedVersion() {
    release("2.0-1");
    release("2.0-3");

    SetPlan p = plan("webapp", "2.0-1");

    assertThat(p.conflicts()).isEmpty();
    assertThat(p.aptArguments())
        .containsExactly("webapp=2.0-1", "webapp-core=2.0-1", "webapp-data=2.0-1");
  }

  @Test
  void anUpgradeMovesEveryInstalledSiblingAndLeavesTheCandidatesToApt() {
    release("2.0-1");
    release("2.0-3");
    install("webapp", "2.0-1", "webapp");
    install("webapp-core", "2.0-1", "webapp");
    install("webapp-data", "2.0-1", "webapp");
    install("python3", "3.11.2-1", "python3-defaults");

    SetPlan p = plan("webapp", "2.0-3");

    assertThat(p.aptArguments())
        .containsExactly("webapp=2.0-3", "webapp-core=2.0-3", "webapp-data=2.0-3");
    assertThat(p.dropped()).isEmpty();
  }

  @Test
  void aDowngradeTakesTheSiblingsDownToo() {
    release("2.0-1");
    release("2.0-3");
    install("webapp", "2.0-3", "webapp");
    install("webapp-core", "2.0-3", "webapp");
    install("webapp-data", "2.0-3", "webapp");

    assertThat(plan("webapp", "2.0-1").aptArguments())
        .containsExactly("webapp=2.0-1", "webapp-core=2.0-1", "webapp-data=2.0-1");
  }

  @Test
  void aMissingExactVersionIsExplainedInTheOperatorsWords() {
    offer("webapp", "2.0-1", "webapp", "webapp-core (= 2.0-1)");
    offer("webapp-core", "2.0-3", "webapp", "");

    SetPlan p = plan("webapp", "2.0-1");

    assertThat(p.feasible()).isFalse();
    assertThat(p.conflicts())
        .containsExactly(
            "webapp 2.0-1 needs webapp-core (= 2.0-1), but the archive offers only 2.0-3");
  }

  @Test
  void aRangeWithoutAnyVersionInsideItIsAConflictNamingBothBounds() {
    offer("webapp", "2.0-1", "webapp", "webapp-core (>= 2.0-1), webapp-core (<< 2.0-1.1~)");
    offer("webapp-core", "2.0-3", "webapp", "");
    offer("webapp-core", "1.9-1", "webapp", "");

    assertThat(plan("webapp", "2.0-1").conflicts())
        .containsExactly(
            "webapp 2.0-1 needs webapp-core (>= 2.0-1) and webapp-core (<< 2.0-1.1~), but the"
                + " archive offers only 2.0-3, 1.9-1");
  }

  @Test
  void aSiblingTheReleaseNoLongerBuildsIsDropped() {
    release("2.0-1");
    offer("webapp", "2.1-1", "webapp", "webapp-core (= 2.1-1)");
    offer("webapp-core", "2.1-1", "webapp", "");
    install("webapp", "2.0-1", "webapp");
    install("webapp-core", "2.0-1", "webapp");
    install("webapp-data", "2.0-1", "webapp");

    SetPlan p = plan("webapp", "2.1-1");

    assertThat(p.aptArguments())
        .containsExactly("webapp=2.1-1", "webapp-core=2.1-1", "webapp-data-");
  }

  @Test
  void aDependencyTheInstalledVersionSatisfiesIsLeftAlone() {
    offer("webapp", "2.0-1", "webapp", "libfoo1 (>= 1.0)");
    offer("libfoo1", "1.2", "libfoo", "");
    install("libfoo1", "1.1", "libfoo");

    assertThat(plan("webapp", "2.0-1").aptArguments()).containsExactly("webapp=2.0-1");
  }

  @Test
  void anOlderExactDependencyOfAnotherSourceIsNamed() {
    offer("webapp", "2.0-1", "webapp", "libfoo1 (= 1.0)");
    offer("libfoo1", "1.2", "libfoo", "");
    offer("libfoo1", "1.0", "libfoo", "");

    assertThat(plan("webapp", "2.0-1").aptArguments())
        .containsExactly("webapp=2.0-1", "libfoo1=1.0");
  }

  @Test
  void unknownNamesAreAskedForBeforeAnythingIsDecided() {
    offer("webapp", "2.0-1", "webapp", "webapp-core (= 2.0-1)");

    SetPlan p = SetPlanner.plan("webapp", v("2.0-1"), installed, archive);

    assertThat(p.missing()).containsExactly("webapp-core");
    assertThat(p.requests()).isEmpty();
  }

  @Test
  void aVersionOnlyInDpkgsStatusIsNotOffered() {
    archive
        .computeIfAbsent("webapp", k -> new ArrayList<>())
        .add(new ArchiveRecord("webapp", v("1.0"), "webapp", v("1.0"), List.of(), false));

    assertThat(plan("webapp", "1.0").conflicts())
        .containsExactly("webapp 1.0 is not in the repository");
  }
}
