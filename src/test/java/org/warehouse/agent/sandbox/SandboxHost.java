package org.warehouse.agent.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** A repository, its server and a sandbox that reaches it, started and closed together. */
public final class SandboxHost implements AutoCloseable {
  /** Where {@link #configureApt()} puts the repository's public key inside. */
  public static final String KEYRING = "/usr/share/keyrings/warehouse-fixture-archive.gpg";

  /** Where {@link #configureApt()} puts the source list inside. */
  public static final String SOURCE_LIST = "/etc/apt/sources.list.d/warehouse-fixture.list";

  /** The drop-in that gives warehouse-web {@link #webPort()} (unless config.yml sets a port). */
  public static final String WEB_PORT_DROP_IN =
      "/etc/systemd/system/warehouse-web.service.d/sandbox-port.conf";

  private static final String TEMP_PREFIX = "warehouse-sandbox-host-";
  private static final Pattern TEMP_NAME = Pattern.compile(TEMP_PREFIX + "(\\d+)-\\d+");

  private final Path workDir;
  private final boolean ownsWorkDir;
  private final FixtureRepository repository;
  private final RepositoryServer server;
  private final int webPort;
  private final boolean ownsRepository;
  private Sandbox sandbox;

  private SandboxHost(
      Path workDir,
      boolean ownsWorkDir,
      FixtureRepository repository,
      RepositoryServer server,
      int webPort,
      Sandbox sandbox,
      boolean ownsRepository) {
    this.workDir = workDir;
    this.ownsWorkDir = ownsWorkDir;
    this.repository = repository;
    this.server = server;
    this.webPort = webPort;
    this.sandbox = sandbox;
    this.ownsRepository = ownsRepository;
  }

  /** Starts everything in a new temporary directory, deleted on close. */
  public static SandboxHost start() {
    reapStaleTempDirs();
    try {
      return start(
          Files.createTempDirectory(TEMP_PREFIX + ProcessHandle.current().pid() + "-"), true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Deletes the temporary directories of JVMs that died without closing their host. */
  private static void reapStaleTempDirs() {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    List<Path> stale = HostProcesses.leftByDeadJvms(tmp, TEMP_NAME);
    for (Path dir : stale) {
      System.err.println("sandbox: deleting " + dir + " left by a dead JVM");
      try {
        deleteTree(dir);
      } catch (UncheckedIOException e) {
        System.err.println("sandbox: " + e.getMessage());
      }
    }
  }

  /**
   * Starts everything under {@code workDir} (kept on close, apart from the sandbox's state):
   * repository/ (keys, repo), debs/ (built packages), exchange/ (bound at the same path inside) and
   * sandbox/ (the sandbox's own state). apt inside is not configured for the repository until
   * {@link #configureApt()}: the agent under test may write its own source list instead.
   */
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
      int webPort = freeLoopbackPort();
      Sandbox sandbox = bootWithWebPort(dir.resolve("sandbox"), exchange, webPort);
      started.add(sandbox);
      SandboxHost host =
          new SandboxHost(dir, ownsWorkDir, repository, server, webPort, sandbox, true);
      // After its parts, so that at JVM shutdown it is closed first and deletes its directory.
      ShutdownCleanup.register(host);
      return host;
    } catch (IOException | RuntimeException | Error e) {
      // Error too: a half-started host would keep a gpg-agent and a server thread alive.
      for (int i = started.size() - 1; i >= 0; i--) {
        try {
          started.get(i).close();
        } catch (Exception cleanup) {
          e.addSuppressed(cleanup);
        }
      }
      if (ownsWorkDir) {
        try {
          deleteTree(dir);
        } catch (UncheckedIOException cleanup) {
          e.addSuppressed(cleanup);
        }
      }
      if (e instanceof IOException io) {
        throw new UncheckedIOException(io);
      }
      if (e instanceof Error error) {
        throw error;
      }
      throw (RuntimeException) e;
    }
  }

  /**
   * Another sandboxed host, in its own temporary directory with its own web port, that uses {@code
   * first}'s repository and server (a fleet of hosts behind one repository). Closing it closes only
   * its sandbox; close it before {@code first}.
   */
  public static SandboxHost alongside(SandboxHost first) {
    reapStaleTempDirs();
    Path dir;
    try {
      dir = Files.createTempDirectory(TEMP_PREFIX + ProcessHandle.current().pid() + "-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      Files.createDirectories(dir.resolve("debs"));
      Path exchange = Files.createDirectories(dir.resolve("exchange"));
      int webPort = freeLoopbackPort();
      Sandbox sandbox = bootWithWebPort(dir.resolve("sandbox"), exchange, webPort);
      SandboxHost host =
          new SandboxHost(dir, true, first.repository, first.server, webPort, sandbox, false);
      ShutdownCleanup.register(host);
      return host;
    } catch (IOException | RuntimeException | Error e) {
      try {
        deleteTree(dir);
      } catch (UncheckedIOException cleanup) {
        e.addSuppressed(cleanup);
      }
      if (e instanceof IOException io) {
        throw new UncheckedIOException(io);
      }
      if (e instanceof Error error) {
        throw error;
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

  /**
   * The port warehouse-web listens on in this sandbox: a free one, not 8000, because the sandbox
   * shares the host's network and another test run on the machine may hold 8000.
   */
  public int webPort() {
    return webPort;
  }

  /** {@code http://127.0.0.1:PORT/_health/} of warehouse-web, for agent.yml's health_url. */
  public String healthUrl() {
    return "http://127.0.0.1:" + webPort + "/_health/";
  }

  /**
   * A loopback port free right now (for the agent's metrics listener, say). Another process may
   * take it before you bind it; good enough for tests.
   */
  public static int freeLoopbackPort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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
      Files.copy(repository.keyring(), keyring, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    current.writeFile(SOURCE_LIST, aptSourceLine());
  }

  /** Replaces the sandbox with a freshly booted one; repository and server stay. */
  public synchronized Sandbox rebootSandbox() {
    sandbox.close();
    sandbox = bootWithWebPort(workDir.resolve("sandbox"), exchangeDir(), webPort);
    return sandbox;
  }

  private static Sandbox bootWithWebPort(Path stateDir, Path exchange, int webPort) {
    Sandbox booted = Sandbox.boot(stateDir, List.of(exchange));
    try {
      // Before the package exists; its postinst's daemon-reload picks the drop-in up.
      booted.writeFile(
          WEB_PORT_DROP_IN, "[Service]\nEnvironment=WAREHOUSE_WEB_PORT=" + webPort + "\n");
      return booted;
    } catch (RuntimeException e) {
      booted.close();
      throw e;
    }
  }

  /** Closes the sandbox, the server and the repository; deletes a temporary work directory. */
  @Override
  public synchronized void close() {
    RuntimeException failure = null;
    List<AutoCloseable> parts =
        ownsRepository ? List.of(sandbox, server, repository) : List.of(sandbox);
    for (AutoCloseable resource : parts) {
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
    ShutdownCleanup.unregister(this);
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public String toString() {
    return "SandboxHost[" + workDir + "]";
  }

  private void deleteWorkDir() {
    deleteTree(workDir);
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path path : walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
        Files.delete(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }
}
