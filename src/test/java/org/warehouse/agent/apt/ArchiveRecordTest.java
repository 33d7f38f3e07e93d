package org.warehouse.agent.apt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.warehouse.agent.version.DebianVersion;

/** apt-cache show stanzas and Depends fields as Debian's archive writes them. */
class ArchiveRecordTest {
  @Test
  void readsSourceDependsAndWhetherARepositoryOffersIt() {
    List<ArchiveRecord> r =
        ArchiveRecord.parseAll(
            """
            Package: git
            Version: 1:2.39.5-0+deb12u3
            Depends: libc6 (>= 2.34), perl, git-man (>> 1:2.39.5),
             git-man (<< 1:2.39.5-.)
            Description: fast
             more text

            Package: libpython3.11-stdlib
            Status: install ok installed
            Source: python3.11 (3.11.2-6+deb12u6)
            Version: 3.11.2-6+deb12u6+b1
            Pre-Depends: libc6 (>= 2.36)
            Depends: python3.11-minimal:any (= 3.11.2-6+deb12u6+b1), media-types | mime-support [!hurd-i386]
            """);

    assertThat(r).hasSize(2);
    ArchiveRecord git = r.get(0);
    assertThat(git.source()).isEqualTo("git");
    assertThat(git.sourceVersion()).isEqualTo(DebianVersion.parse("1:2.39.5-0+deb12u3"));
    assertThat(git.available()).isTrue();
    assertThat(git.depends())
        .extracting(Object::toString)
        .containsExactly(
            "[libc6 (>= 2.34)]", "[perl]", "[git-man (>> 1:2.39.5)]", "[git-man (<< 1:2.39.5-.)]");
    ArchiveRecord lib = r.get(1);
    assertThat(lib.available()).isFalse();
    assertThat(lib.source()).isEqualTo("python3.11");
    assertThat(lib.sourceVersion()).isEqualTo(DebianVersion.parse("3.11.2-6+deb12u6"));
    assertThat(lib.depends())
        .extracting(Object::toString)
        .containsExactly(
            "[libc6 (>= 2.36)]",
            "[python3.11-minimal (= 3.11.2-6+deb12u6+b1)]",
            "[media-types, mime-support]");
  }

  @Test
  void relationsCompareAsDebianVersionsAndOldOperatorsReadAsDpkgDoes() {
    Relation lt = Relation.parseField("git-man (<< 1:2.39.5-.)").get(0).get(0);
    assertThat(lt.allows(DebianVersion.parse("1:2.39.5-0+deb12u3"))).isTrue();
    assertThat(lt.allows(DebianVersion.parse("1:2.39.6-1"))).isFalse();
    Relation old = Relation.parseField("x (< 2)").get(0).get(0);
    assertThat(old.op()).isEqualTo("<=");
    assertThat(Relation.parseField("x").get(0).get(0).allows(DebianVersion.parse("9"))).isTrue();
  }

  @Test
  void aFieldThatIsNotARelationListIsRefused() {
    assertThatThrownBy(() -> Relation.parseField("x (= 1"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Relation.parseField("X Y"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
