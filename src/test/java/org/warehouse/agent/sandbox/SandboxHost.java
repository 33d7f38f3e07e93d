package org.warehouse.agent.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Everything an end-to-end test needs, started together and closed together: a signed {@link
 * FixtureRepository}, a {@link RepositoryServer} serving it on 127.0.0.1, and a booted {@link
 * Sandbox} that can reach it. apt inside is not configured for the repository until {@link
 * #configureApt()} (the agent under test may want to write its own source list instead).
 *
 * <pre>{@code
 * @ExtendWith(SandboxSupport.class)
 * class UpgradeSandboxIT {
 *   @Test
 *   void upgrades(SandboxHost host) {
 *     host.publish(host.buildWarehouse("18.09.01"));
 *     host.configureApt();
 *     host.sandbox().checkOutput("apt-get", "update");
 *   }
 * }
 * }</pre>
 *
 * <p>Directories under the work directory: {@code repository/} (keys, repo), {@code debs/} (built
 * packages), {@code exchange/} (bound at the same path inside: files for and from the sandbox) and
 * {@code sandbox/} (the sandbox's own state).
 */
public final class SandboxHost implements AutoCloseable {
  /** Where {@link #configureApt()} puts the repository's public key inside. */
  public static final String KEYRING = "/usr/share/keyrings/warehouse-fixture-archive.gpg";

  /** Where {@link #configureApt()} puts the source list inside. */
  public static final String SOURCE_LIST = "/etc/apt/sources.list.d/warehouse-fixture.list";

  private final Path workDir;
  private final boolean ownsWorkDir;
  private final FixtureRepository repository;
  private final RepositoryServer server;
  private Sandbox sandbox;

  private SandboxHost(
      Path workDir,
      boolean ownsWorkDir,
      FixtureRepository repository,
      RepositoryServer server,
      Sandbox sandbox) {
    this.workDir = workDir;
    this.ownsWorkDir = ownsWorkDir;
    this.repository = repository;
    this.server = server;
    this.sandbox = sandbox;
  }

  /** Starts everything in a new temporary directory, deleted on close. */
  public static SandboxHost start() {
    try {
      return start(Files.createTempDirectory("warehouse-sandbox-host-"), true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts everything under {@code workDir} (kept on close, apart from the sandbox's state). */
  public static SandboxHost start(Path workDir) {
    return start(workDir, false);
  }

  private static SandboxHost start(Path workDir, boolean ownsWorkDir) {
    Path dir = workDir.toAbsolutePath().normalize();
    List<AutoCloseable> started = new ArrayList<>();
    try {
      Files.createDirectories(dir.resolve("debs"));
      Path exchange = Files.createDirectories(dir.resolve("exchange"));
      FixtureRepository repository = FixtureRepository.create(dir.resolve("repository"));
      started.add(repository);
      RepositoryServer server = RepositoryServer.start(repository.root());
      started.add(server);
      Sandbox sandbox = Sandbox.boot(dir.resolve("sandbox"), List.of(exchange));
      return new SandboxHost(dir, ownsWorkDir, repository, server, sandbox);
    } catch (IOException | RuntimeException e) {
      for (int i = started.size() - 1; i >= 0; i--) {
        try {
          started.get(i).close();
        } catch (Exception cleanup) {
          e.addSuppressed(cleanup);
        }
      }
      if (e instanceof IOException io) {
        throw new UncheckedIOException(io);
      }
      throw (RuntimeException) e;
    }
  }

  /** The signed repository. */
  public FixtureRepository repository() {
    return repository;
  }

  /** The server in front of the repository (request log, faults). */
  public RepositoryServer server() {
    return server;
  }

  /** The sandbox (the current one, after {@link #rebootSandbox()}). */
  public synchronized Sandbox sandbox() {
    return sandbox;
  }

  /** A directory bound at the same absolute path inside the sandbox. */
  public Path exchangeDir() {
    return workDir.resolve("exchange");
  }

  /** Where built packages go. */
  public Path debsDir() {
    return workDir.resolve("debs");
  }

  /** Builds a good {@code warehouse} package of {@code version} into {@link #debsDir()}. */
  public Path buildWarehouse(String version) {
    return PackageBuilder.warehouse(version).buildInto(debsDir());
  }

  /** Builds a {@code warehouse} package of {@code version} that behaves as {@code kind}. */
  public Path buildWarehouse(String version, PackageKind kind) {
    return PackageBuilder.warehouse(version).kind(kind).buildInto(debsDir());
  }

  /** Makes the repository hold exactly {@code debs}; see {@link FixtureRepository#publish}. */
  public void publish(Path... debs) {
    repository.publish(List.of(debs));
  }

  /** The apt source line for the served repository, trusting {@link #KEYRING}. */
  public String aptSourceLine() {
    return FixtureRepository.sourceLine(server.uri().toString(), KEYRING);
  }

  /**
   * Writes {@link #KEYRING} and {@link #SOURCE_LIST} inside the sandbox, so that its apt uses the
   * repository (and only it: the host's sources are hidden).
   */
  public void configureApt() {
    Sandbox current = sandbox();
    try {
      Path keyring = current.hostPath(KEYRING);
      Files.createDirectories(keyring.getParent());
      Files.copy(repository.keyring(), keyring, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    current.writeFile(SOURCE_LIST, aptSourceLine());
  }

  /** Replaces the sandbox with a freshly booted one; repository and server stay. */
  public synchronized Sandbox rebootSandbox() {
    sandbox.close();
    sandbox = Sandbox.boot(workDir.resolve("sandbox"), List.of(exchangeDir()));
    return sandbox;
  }

  /** Closes the sandbox, the server and the repository; deletes a temporary work directory. */
  @Override
  public synchronized void close() {
    RuntimeException failure = null;
    for (AutoCloseable resource : List.<AutoCloseable>of(sandbox, server, repository)) {
      try {
        resource.close();
      } catch (Exception e) {
        if (failure == null) {
          failure = new SandboxException("closing " + this + " failed", e);
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (ownsWorkDir && failure == null) {
      deleteWorkDir();
    }
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public String toString() {
    return "SandboxHost[" + workDir + "]";
  }

  private void deleteWorkDir() {
    try (Stream<Path> walk = Files.walk(workDir)) {
      for (Path path : walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
        Files.delete(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + workDir, e);
    }
  }
}
