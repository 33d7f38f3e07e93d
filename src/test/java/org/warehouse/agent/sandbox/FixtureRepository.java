package org.warehouse.agent.sandbox;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/** A signed apt repository on disk, built like Debian's, with a throw-away signing key. */
public final class FixtureRepository implements AutoCloseable {
  /** The suite (and codename) of the repository. */
  public static final String SUITE = "stable";

  /** The only component. */
  public static final String COMPONENT = "main";

  private static final String KEY_USER = "Warehouse Fixture Archive <archive@fixture.invalid>";
  private static final String UNKNOWN_KEY_USER = "Unknown Archive <unknown@fixture.invalid>";
  private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(60);

  private final Path base;
  private final Path root;
  private final Path staging;
  private final String architecture;
  private final SigningKey key;
  private SigningKey unknownKey;
  private long lastStamp;
  private boolean closed;

  private FixtureRepository(Path base, String architecture, SigningKey key) {
    this.base = base;
    this.root = base.resolve("repo");
    this.staging = base.resolve("staging");
    this.architecture = architecture;
    this.key = key;
  }

  /**
   * Creates an empty repository and its ed25519 signing key (own GNUPGHOME) under {@code dir}:
   * gnupg/, repo/ (serve it with {@link RepositoryServer}: pool/ and dists/stable/), staging/.
   * Nothing is published yet: apt would get 404s.
   */
  public static FixtureRepository create(Path dir) {
    Path base = dir.toAbsolutePath().normalize();
    try {
      Files.createDirectories(base.resolve("repo/pool"));
      Files.createDirectories(base.resolve("staging"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String architecture =
        HostProcesses.run(List.of("dpkg", "--print-architecture"), Map.of(), base, TOOL_TIMEOUT)
            .requireSuccess()
            .stdout()
            .strip();
    SigningKey key = SigningKey.generate(base.resolve("gnupg"), KEY_USER, base.resolve("key.gpg"));
    FixtureRepository repository = new FixtureRepository(base, architecture, key);
    ShutdownCleanup.register(repository);
    return repository;
  }

  /** The directory to serve: its root is the repository's URL. */
  public Path root() {
    return root;
  }

  /** The public key to trust (binary OpenPGP), for apt's {@code signed-by}. */
  public Path keyring() {
    return key.publicKey();
  }

  /** The fingerprint of the signing key. */
  public String fingerprint() {
    return key.fingerprint();
  }

  /** The public key of a second, unrelated key: see {@link #resignWithUnknownKey()}. */
  public synchronized Path unknownKeyring() {
    return unknownKey().publicKey();
  }

  /** The dpkg architecture of the binary-ARCH index (the host's). */
  public String architecture() {
    return architecture;
  }

  /** The apt source line for this repository served at {@code uri}, trusting {@code keyring}. */
  public static String sourceLine(String uri, String keyringInside) {
    return "deb [signed-by=" + keyringInside + "] " + uri + " " + SUITE + " " + COMPONENT + "\n";
  }

  /**
   * Makes the repository hold exactly {@code debs} (earlier ones are withdrawn) and signs it. Files
   * replace each other atomically, indexes before Release, InRelease last.
   */
  public synchronized void publish(List<Path> debs) {
    requireOpen();
    try {
      Path pool = root.resolve("pool");
      Set<String> names = new LinkedHashSet<>();
      for (Path deb : debs) {
        String fileName = deb.getFileName().toString();
        if (!names.add(fileName)) {
          throw new IllegalArgumentException("two debs named " + fileName);
        }
        Path temp = staging.resolve(fileName);
        Files.copy(deb, temp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(temp, pool.resolve(fileName), StandardCopyOption.ATOMIC_MOVE);
      }
      try (Stream<Path> old = Files.list(pool)) {
        for (Path file : old.toList()) {
          if (!names.contains(file.getFileName().toString())) {
            Files.delete(file);
          }
        }
      }
      // The new dists/ is built in staging: apt-ftparchive release lists every Release* file in
      // the directory it hashes, the previous Release included.
      Path stagedSuite = staging.resolve("dists/" + SUITE);
      deleteTree(staging.resolve("dists"));
      Path stagedIndex = Files.createDirectories(stagedSuite.resolve(indexDir()));
      String packages = tool(List.of("apt-ftparchive", "packages", "pool"), root).stdout();
      Files.writeString(stagedIndex.resolve("Packages"), packages);
      try (OutputStream gz =
          new GZIPOutputStream(Files.newOutputStream(stagedIndex.resolve("Packages.gz")))) {
        gz.write(Files.readAllBytes(stagedIndex.resolve("Packages")));
      }
      String release =
          tool(
                  List.of(
                      "apt-ftparchive",
                      "-o",
                      "APT::FTPArchive::Release::Origin=warehouse-fixture",
                      "-o",
                      "APT::FTPArchive::Release::Label=warehouse-fixture",
                      "-o",
                      "APT::FTPArchive::Release::Suite=" + SUITE,
                      "-o",
                      "APT::FTPArchive::Release::Codename=" + SUITE,
                      "-o",
                      "APT::FTPArchive::Release::Components=" + COMPONENT,
                      "-o",
                      "APT::FTPArchive::Release::Architectures=" + architecture,
                      "release",
                      "."),
                  stagedSuite)
              .stdout();
      Files.writeString(stagedSuite.resolve("Release"), release);
      sign(key, stagedSuite);
      // No agent between publishes: one left behind by a killed JVM would live on.
      key.stopAgent();
      Path suite = Files.createDirectories(root.resolve("dists/" + SUITE));
      Files.createDirectories(suite.resolve(indexDir()));
      for (String file :
          List.of(
              indexDir() + "/Packages",
              indexDir() + "/Packages.gz",
              "Release.gpg",
              "Release",
              "InRelease")) {
        Files.move(
            stagedSuite.resolve(file),
            suite.resolve(file),
            StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      }
      stamp(suite);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Convenience for {@link #publish(List)}. */
  public void publish(Path... debs) {
    publish(List.of(debs));
  }

  /**
   * Re-dates the published Release and signs it again with the trusted key: a validly signed index
   * dated {@code date}, valid until {@code validUntil} (null: no Valid-Until), as a mirror that
   * stopped syncing or an attacker replaying an old index would serve. apt 2.6 refuses an index
   * past its Valid-Until only where Acquire::Check-Valid-Until is on (this build host turns it
   * off), and silently keeps its lists when offered an index dated before the one it holds.
   */
  public synchronized void redate(Instant date, Instant validUntil) {
    requireOpen();
    Path suite = suiteDir();
    Path release = suite.resolve("Release");
    try {
      StringBuilder out = new StringBuilder();
      for (String line : Files.readAllLines(release)) {
        if (line.startsWith("Valid-Until:")) {
          continue;
        }
        if (line.startsWith("Date:")) {
          out.append("Date: ").append(releaseDate(date)).append('\n');
          if (validUntil != null) {
            out.append("Valid-Until: ").append(releaseDate(validUntil)).append('\n');
          }
          continue;
        }
        out.append(line).append('\n');
      }
      Files.writeString(release, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    sign(key, suite);
    key.stopAgent();
    stamp(suite);
  }

  /** A Release date as apt-ftparchive writes it: {@code Mon, 07 Dec 2026 02:00:00 UTC}. */
  public static String releaseDate(Instant t) {
    return DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'UTC'", Locale.ROOT)
        .format(t.atZone(ZoneOffset.UTC));
  }

  /**
   * Re-signs the published Release with the unrelated key: apt then fails with NO_PUBKEY and "is
   * not signed".
   */
  public synchronized void resignWithUnknownKey() {
    requireOpen();
    Path suite = suiteDir();
    sign(unknownKey(), suite);
    unknownKey().stopAgent();
    stamp(suite);
  }

  /** Deletes InRelease and Release.gpg: an unsigned repository, which apt must refuse. */
  public synchronized void removeSignatures() {
    requireOpen();
    try {
      Files.deleteIfExists(suiteDir().resolve("InRelease"));
      Files.deleteIfExists(suiteDir().resolve("Release.gpg"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    stamp(suiteDir());
  }

  /**
   * Cuts Packages and Packages.gz to half their size after signing: apt fails the update with a
   * size or hash mismatch.
   */
  public synchronized void truncatePackages() {
    requireOpen();
    for (String name : List.of("Packages", "Packages.gz")) {
      Path file = suiteDir().resolve(indexDir()).resolve(name);
      try {
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length / 2));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    stamp(suiteDir());
  }

  /**
   * Flips the last byte of a published .deb (same size, other hash): apt downloads it and fails
   * with "Hash Sum mismatch", before dpkg runs.
   */
  public synchronized void corruptDeb(String debFileName) {
    requireOpen();
    Path deb = root.resolve("pool").resolve(debFileName);
    try {
      byte[] bytes = Files.readAllBytes(deb);
      bytes[bytes.length - 1] ^= (byte) 0xff;
      Files.write(deb, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("no such published deb: " + deb, e);
    }
  }

  /** Stops the gpg-agents of both keys. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    key.stopAgent();
    if (unknownKey != null) {
      unknownKey.stopAgent();
    }
    ShutdownCleanup.unregister(this);
  }

  @Override
  public String toString() {
    return "FixtureRepository[" + base + "]";
  }

  private String indexDir() {
    return COMPONENT + "/binary-" + architecture;
  }

  private Path suiteDir() {
    Path suite = root.resolve("dists/" + SUITE);
    if (!Files.isRegularFile(suite.resolve("Release"))) {
      throw new IllegalStateException("nothing published yet");
    }
    return suite;
  }

  private SigningKey unknownKey() {
    if (unknownKey == null) {
      unknownKey =
          SigningKey.generate(
              base.resolve("gnupg-unknown"), UNKNOWN_KEY_USER, base.resolve("unknown-key.gpg"));
    }
    return unknownKey;
  }

  /** Writes InRelease (clearsigned) and Release.gpg (detached) for {@code suite}/Release. */
  private void sign(SigningKey signer, Path suite) {
    Path release = suite.resolve("Release");
    Path inRelease = staging.resolve("InRelease.new");
    Path detached = staging.resolve("Release.gpg.new");
    signer.gpg(List.of("--clearsign", "--output", inRelease.toString(), release.toString()));
    signer.gpg(
        List.of("--armor", "--detach-sign", "--output", detached.toString(), release.toString()));
    try {
      Files.move(
          detached,
          suite.resolve("Release.gpg"),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
      Files.move(
          inRelease,
          suite.resolve("InRelease"),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sets every file under {@code dir} to a modification second later than any before. */
  private void stamp(Path dir) {
    lastStamp = Math.max(Instant.now().getEpochSecond(), lastStamp + 1);
    FileTime time = FileTime.from(Instant.ofEpochSecond(lastStamp));
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        Files.setLastModifiedTime(file, time);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("repository closed");
    }
  }

  private static ExecResult tool(List<String> argv, Path cwd) {
    return HostProcesses.run(argv, Map.of("LC_ALL", "C"), cwd, TOOL_TIMEOUT).requireSuccess();
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path path : walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
        Files.delete(path);
      }
    }
  }

  /** A gpg key in its own GNUPGHOME, with its public part exported to a file. */
  private record SigningKey(Path home, String fingerprint, Path publicKey) {
    static SigningKey generate(Path home, String userId, Path publicKey) {
      try {
        Files.createDirectories(
            home,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      SigningKey partial = new SigningKey(home, "", publicKey);
      partial.gpg(List.of("--quick-gen-key", userId, "ed25519", "sign", "never"));
      String fingerprint =
          partial
              .gpg(List.of("--with-colons", "--list-secret-keys"))
              .stdout()
              .lines()
              .filter(line -> line.startsWith("fpr:"))
              .map(line -> line.split(":", -1)[9])
              .findFirst()
              .orElseThrow(() -> new SandboxException("gpg made no key in " + home));
      SigningKey key = new SigningKey(home, fingerprint, publicKey);
      key.gpg(List.of("--output", publicKey.toString(), "--export", fingerprint));
      key.stopAgent();
      return key;
    }

    ExecResult gpg(List<String> args) {
      List<String> argv = new ArrayList<>();
      argv.addAll(
          List.of("gpg", "--batch", "--quiet", "--pinentry-mode", "loopback", "--passphrase", ""));
      if (!fingerprint.isEmpty()) {
        argv.addAll(List.of("--yes", "--local-user", fingerprint, "--digest-algo", "SHA512"));
      }
      argv.addAll(args);
      return HostProcesses.run(
              argv, Map.of("GNUPGHOME", home.toString(), "LC_ALL", "C"), home, TOOL_TIMEOUT)
          .requireSuccess();
    }

    void stopAgent() {
      ExecResult result =
          HostProcesses.run(
              List.of("gpgconf", "--kill", "gpg-agent"),
              Map.of("GNUPGHOME", home.toString()),
              Path.of("/"),
              TOOL_TIMEOUT);
      if (!result.succeeded()) {
        System.err.println("sandbox: cannot stop gpg-agent of " + home + ": " + result);
        return;
      }
      // gpgconf only asks the agent to exit; it removes its socket as it goes.
      Path socket = home.resolve("S.gpg-agent");
      long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
      while (Files.exists(socket) && System.nanoTime() < deadline) {
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }
}
