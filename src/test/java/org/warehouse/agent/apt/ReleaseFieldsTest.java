package org.warehouse.agent.apt;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Date and Valid-Until as apt-ftparchive and Debian's archive write them. */
class ReleaseFieldsTest {
  private static final String IN_RELEASE =
      """
      -----BEGIN PGP SIGNED MESSAGE-----
      Hash: SHA512

      Origin: warehouse-fixture
      Label: warehouse-fixture
      Suite: stable
      Codename: stable
      Date: Sat, 05 Dec 2026 08:12:34 UTC
      Valid-Until: Sat, 12 Dec 2026 08:12:34 UTC
      Architectures: amd64
      Components: main
      MD5Sum:
       0123456789abcdef0123456789abcdef 1234 Date: Mon, 01 Jan 2001 00:00:00 UTC
      -----BEGIN PGP SIGNATURE-----

      iHUEARYKAB0WIQ...
      Date: Mon, 01 Jan 2001 00:00:00 UTC
      -----END PGP SIGNATURE-----
      """;

  @Test
  void readsBothFieldsOfAClearsignedIndex() {
    ReleaseFields f = ReleaseFields.parse(IN_RELEASE);

    assertThat(f.date()).isEqualTo(Instant.parse("2026-12-05T08:12:34Z"));
    assertThat(f.validUntil()).isEqualTo(Instant.parse("2026-12-12T08:12:34Z"));
  }

  @Test
  void validUntilIsOptional() {
    ReleaseFields f = ReleaseFields.parse("Suite: stable\nDate: Mon, 07 Dec 2026 01:02:03 UTC\n");

    assertThat(f.date()).isEqualTo(Instant.parse("2026-12-07T01:02:03Z"));
    assertThat(f.validUntil()).isNull();
  }

  @Test
  void indentedAndSignatureLinesAreNotFields() {
    ReleaseFields f =
        ReleaseFields.parse(
            """
            Suite: stable
            SHA256:
             Date: Mon, 07 Dec 2026 01:02:03 UTC
            -----BEGIN PGP SIGNATURE-----
            Valid-Until: Mon, 07 Dec 2026 01:02:03 UTC
            """);

    assertThat(f).isEqualTo(ReleaseFields.NONE);
  }

  @Test
  void acceptsTheZonesAptAccepts() {
    Instant t = Instant.parse("2026-12-07T01:02:03Z");
    assertThat(ReleaseFields.parseDate(" Mon, 07 Dec 2026 01:02:03 UTC")).isEqualTo(t);
    assertThat(ReleaseFields.parseDate("Mon, 07 Dec 2026 01:02:03 GMT")).isEqualTo(t);
    assertThat(ReleaseFields.parseDate("Mon, 07 Dec 2026 01:02:03 Z")).isEqualTo(t);
    assertThat(ReleaseFields.parseDate("Mon, 07 Dec 2026 01:02:03 +0000")).isEqualTo(t);
    assertThat(ReleaseFields.parseDate("Mon, 07 Dec 2026 02:02:03 +0100")).isEqualTo(t);
    assertThat(ReleaseFields.parseDate("07 Dec 2026 01:02:03 UTC")).isEqualTo(t);
    assertThat(ReleaseFields.parseDate("Mon, 7 Dec 2026 01:02:03 UTC")).isEqualTo(t);
  }

  @Test
  void anUnreadableDateIsNone() {
    assertThat(ReleaseFields.parseDate("yesterday")).isNull();
    assertThat(ReleaseFields.parseDate("2026-12-07T01:02:03Z")).isNull();
    assertThat(ReleaseFields.parseDate("Mon, 07 Dec 2026 01:02:03 CET")).isNull();
    assertThat(ReleaseFields.parseDate("")).isNull();
    assertThat(ReleaseFields.parse("Date: soon\n").date()).isNull();
  }
}
