package org.warehouse.agent.sandbox;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** A throw-away Debian host: the host's systemd booted over an overlay of its root. */
public final class Sandbox implements AutoCloseable {
  /** The environment of every command run inside, before the caller's additions. */
  public static final Map<String, String> BASE_ENV =
      Map.of(
          "PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
          "HOME", "/root",
          "LANG", "C.UTF-8");

  /** Timeout of {@link #exec(List)} and {@link #checkOutput}. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);

  private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(20);
  private static final String NAME_PREFIX = "warehouse-sandbox-";
  private static final Pattern NAME = Pattern.compile(NAME_PREFIX + "(\\d+)-\\d+");
  private static final AtomicInteger COUNTER = new AtomicInteger();
  // -Dsandbox.trace=true prints every command run inside with its exit code and duration.
  private static final boolean TRACE = Boolean.getBoolean("sandbox.trace");

  private final String name;
  private final Path stateDir;
  private final Path cgroupDir;
  private final List<Path> bindPaths;
  private final Process launcher;
  private final Set<Process> commands = ConcurrentHashMap.newKeySet();
  private volatile long systemdPid;
  private volatile String pidNamespace = "";
  private volatile boolean closed;

  private Sandbox(
      String name, Path stateDir, Path cgroupDir, List<Path> bindPaths, Process launcher) {
    this.name = name;
    this.stateDir = stateDir;
    this.cgroupDir = cgroupDir;
    this.bindPaths = bindPaths;
    this.launcher = launcher;
  }

  /**
   * Boots a sandbox and waits until {@code systemctl is-system-running} says running or degraded.
   *
   * <p>The host's own systemd runs as PID 1 in new mount, PID, cgroup, UTS and IPC namespaces, over
   * an overlay of the host's root whose upper layer is a tmpfs: apt, dpkg and systemctl run inside
   * for real and the host is never touched. The network namespace is the host's: a server on the
   * host's 127.0.0.1 is reachable inside, and a port bound inside is bound on the host. Always
   * close it (try-with-resources, {@code @AfterAll}); a JVM shutdown hook closes what a killed test
   * run left open.
   *
   * @param workDir where the sandbox keeps its own files (a subdirectory named after it, deleted on
   *     close); not visible inside unless a bind path contains it
   * @param bindPaths host directories bound at the same absolute path inside, in addition to {@link
   *     Fixtures#projectDir()} (always bound, so the agent's jar and launcher are there)
   * @throws SandboxException if the preconditions are missing or it does not boot in time (the
   *     message has the boot log and the journal)
   */
  public static Sandbox boot(Path workDir, List<Path> bindPaths) {
    List<String> problems = SandboxSupport.problems();
    if (!problems.isEmpty()) {
      throw new SandboxException("cannot boot a sandbox on this host: " + problems);
    }
    reapStale();
    long startNanos = System.nanoTime();
    String name = NAME_PREFIX + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet();
    Path cgroupDir = HostMounts.cgroup2Root().orElseThrow().resolve(name);
    Set<Path> binds = new LinkedHashSet<>();
    List<Path> requested = new ArrayList<>();
    requested.add(Fixtures.projectDir());
    requested.addAll(bindPaths);
    for (Path path : requested) {
      if (!Files.isDirectory(path)) {
        throw new IllegalArgumentException("bind path is not a directory: " + path);
      }
      // The real path: the boot script creates the mount point inside the overlay from the host
      // side, where a symlink on the way (/var/run -> /run) would lead out to the host's files.
      binds.add(realPath(path));
    }
    Path stateDir;
    Process launcher;
    try {
      stateDir = Files.createDirectories(workDir).toRealPath().resolve(name);
      Files.createDirectory(stateDir);
      List<String> argv = new ArrayList<>();
      argv.add("/bin/bash");
      argv.add(Fixtures.script("sandbox-boot.sh").toString());
      argv.add(stateDir.toString());
      argv.add(cgroupDir.toString());
      binds.forEach(bind -> argv.add(bind.toString()));
      ProcessBuilder builder = new ProcessBuilder(argv);
      builder.environment().clear();
      builder.environment().put("PATH", BASE_ENV.get("PATH"));
      launcher =
          builder
              .redirectInput(new File("/dev/null"))
              .redirectErrorStream(true)
              .redirectOutput(stateDir.resolve("boot.log").toFile())
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the sandbox launcher", e);
    }
    Sandbox sandbox = new Sandbox(name, stateDir, cgroupDir, List.copyOf(binds), launcher);
    ShutdownCleanup.register(sandbox);
    try {
      sandbox.awaitRunning();
    } catch (RuntimeException | Error e) {
      String diagnostics = sandbox.diagnostics();
      try {
        sandbox.close();
      } catch (RuntimeException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw new SandboxException("sandbox " + name + " did not boot: " + diagnostics, e);
    }
    System.err.printf(
        "sandbox %s: running in %d ms (systemd pid %d)%n",
        name, Duration.ofNanos(System.nanoTime() - startNanos).toMillis(), sandbox.systemdPid);
    return sandbox;
  }

  /** The sandbox's name; also the name of its cgroup. */
  public String name() {
    return name;
  }

  /** The host PID of the sandbox's systemd (PID 1 inside). */
  public long systemdPid() {
    return systemdPid;
  }

  /** The directory holding the sandbox's own files (boot.log); deleted on close. */
  public Path stateDir() {
    return stateDir;
  }

  /** The sandbox's cgroup on the host; removed on close. */
  public Path cgroupDir() {
    return cgroupDir;
  }

  /** Host directories bound at the same path inside (the project directory first). */
  public List<Path> bindPaths() {
    return bindPaths;
  }

  /** The launcher's output: errors of the boot script before systemd runs. */
  public Path bootLog() {
    return stateDir.resolve("boot.log");
  }

  /** Runs {@code argv} inside with {@link #BASE_ENV} and {@link #DEFAULT_TIMEOUT}. */
  public ExecResult exec(List<String> argv) {
    return exec(argv, Map.of(), DEFAULT_TIMEOUT);
  }

  /**
   * Runs {@code argv} inside (no shell: pass {@code sh -c} yourself if you want one), as root, in
   * /, with {@link #BASE_ENV} plus {@code env}, and waits for it. A non-zero exit is a result, not
   * an exception: see {@link ExecResult#requireSuccess()}.
   *
   * @throws SandboxException on timeout, after killing the command
   */
  public ExecResult exec(List<String> argv, Map<String, String> env, Duration timeout) {
    requireOpen();
    return execInternal(argv, env, timeout);
  }

  /** Runs {@code argv} inside, fails the test unless it exits 0, and returns its stdout. */
  public String checkOutput(String... argv) {
    return exec(List.of(argv)).requireSuccess().stdout();
  }

  /** Starts a long-running command inside; see {@link SandboxProcess}. */
  public SandboxProcess startBackground(List<String> argv) {
    return startBackground(argv, Map.of());
  }

  /** Starts a long-running command inside with {@link #BASE_ENV} plus {@code env}. */
  public SandboxProcess startBackground(List<String> argv, Map<String, String> env) {
    requireOpen();
    Path out = tempFile(".out");
    Path err = tempFile(".err");
    Process process = startInside(argv, env, out, err);
    return new SandboxProcess(argv, process, out, err, () -> commands.remove(process));
  }

  /**
   * The host path of a file inside, through /proc/PID/root, to read contents, inodes and mtimes
   * directly. Symlinks are resolved inside the sandbox: the kernel would resolve an absolute
   * symlink met after /proc/PID/root against the host's root (/var/run -> the host's /run).
   */
  public Path hostPath(String absoluteInside) {
    requireOpen();
    return resolveInside(Path.of("/proc", Long.toString(systemdPid), "root"), absoluteInside);
  }

  /** Writes a file inside (UTF-8), creating its parent directories. */
  public void writeFile(String absoluteInside, String content) {
    Path path = hostPath(absoluteInside);
    try {
      Files.createDirectories(path.getParent());
      Files.writeString(path, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads a file inside as UTF-8. */
  public String readFile(String absoluteInside) {
    try {
      return Files.readString(hostPath(absoluteInside));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * GETs {@code url} from inside (curl, 10 s limit); status 0 and curl's error as the body when
   * nothing answered.
   */
  public HttpResponse httpGet(String url) {
    ExecResult result =
        exec(
            List.of("curl", "-sS", "--max-time", "10", "-o", "-", "-w", "\n%{http_code}", url),
            Map.of(),
            Duration.ofSeconds(30));
    String out = result.stdout();
    int newline = out.lastIndexOf('\n');
    int status = Integer.parseInt(out.substring(newline + 1).strip());
    return status == 0
        ? new HttpResponse(0, result.stderr().strip())
        : new HttpResponse(status, out.substring(0, Math.max(newline, 0)));
  }

  /** The journal of one unit since boot, for failure messages. */
  public String journal(String unit) {
    return exec(List.of("journalctl", "--no-pager", "-o", "short-precise", "-u", unit)).stdout();
  }

  /** Whether the sandbox's systemd still runs. */
  public boolean isRunning() {
    return !closed && launcher.isAlive();
  }

  /**
   * Stops the sandbox and removes every trace: {@code systemctl exit} inside (bounded), then
   * SIGKILL by PID for anything left in its cgroup or PID namespace, then its cgroup and its state
   * directory. Its mounts only ever existed in its own mount namespace, which dies with its last
   * process. Idempotent.
   *
   * @throws SandboxException if something could not be removed (named in the message)
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    long startNanos = System.nanoTime();
    List<String> problems = new ArrayList<>();
    // Our own nsenter children first: at the end of a shutdown systemd SIGSTOPs every process in
    // the sandbox; nsenter then stops itself too, never reaps its child, and the sandbox's PID 1
    // waits for that zombie forever.
    commands.forEach(process -> HostProcesses.killTree(process.toHandle()));
    commands.clear();
    trace("killed own commands", startNanos);
    if (systemdPid > 0 && launcher.isAlive()) {
      try {
        execInternal(List.of("systemctl", "exit"), Duration.ofSeconds(10));
      } catch (RuntimeException e) {
        System.err.println("sandbox " + name + ": systemctl exit failed: " + e.getMessage());
      }
      trace("systemctl exit", startNanos);
      HostProcesses.awaitExit(launcher.toHandle(), EXIT_TIMEOUT);
    }
    if (launcher.isAlive()) {
      System.err.println("sandbox " + name + ": systemd did not exit in time; killing it");
      // SIGKILL to the PID namespace's init kills every process in the namespace.
      if (systemdPid > 0) {
        ProcessHandle.of(systemdPid).ifPresent(ProcessHandle::destroyForcibly);
      }
      HostProcesses.killTree(launcher.toHandle());
    }
    trace("systemd exited", startNanos);
    killLeftovers(problems);
    trace("leftovers killed", startNanos);
    for (Path mount : HostMounts.under(stateDir)) {
      // Never expected (the mounts live in the sandbox's mount namespace); only if someone ran
      // the boot script without unshare.
      ExecResult umount =
          HostProcesses.run(
              List.of("umount", "-l", mount.toString()),
              Map.of(),
              Path.of("/"),
              Duration.ofSeconds(10));
      problems.add("host mount " + mount + " was left; umount -l: exit " + umount.exitCode());
    }
    removeCgroup(cgroupDir, problems);
    trace("cgroup removed", startNanos);
    if (HostMounts.under(stateDir).isEmpty()) {
      deleteTree(stateDir, problems);
    } else {
      problems.add("kept " + stateDir + ": mounts remain under it");
    }
    ShutdownCleanup.unregister(this);
    if (!problems.isEmpty()) {
      throw new SandboxException("sandbox " + name + " left traces: " + problems);
    }
    System.err.printf(
        "sandbox %s: closed in %d ms%n",
        name, Duration.ofNanos(System.nanoTime() - startNanos).toMillis());
  }

  @Override
  public String toString() {
    return "Sandbox[" + name + ", systemd pid " + systemdPid + "]";
  }

  private void trace(String what, long startNanos) {
    if (TRACE) {
      System.err.printf(
          "sandbox %s: %s at %d ms%n",
          name, what, Duration.ofNanos(System.nanoTime() - startNanos).toMillis());
    }
  }

  /**
   * Resolves {@code absolute} below {@code root} as if {@code root} were /, following symlinks
   * inside it.
   */
  static Path resolveInside(Path root, String absolute) {
    if (!absolute.startsWith("/")) {
      throw new IllegalArgumentException("not an absolute path: " + absolute);
    }
    Deque<String> todo = new ArrayDeque<>(components(absolute));
    List<String> done = new ArrayList<>();
    int links = 0;
    while (!todo.isEmpty()) {
      String component = todo.removeFirst();
      if (component.equals("..")) {
        if (!done.isEmpty()) {
          done.remove(done.size() - 1);
        }
        continue;
      }
      done.add(component);
      Path candidate = root.resolve(String.join("/", done));
      if (!Files.isSymbolicLink(candidate)) {
        continue;
      }
      if (++links > 40) {
        throw new IllegalArgumentException("too many symlinks resolving " + absolute);
      }
      String target;
      try {
        target = Files.readSymbolicLink(candidate).toString();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      done.remove(done.size() - 1);
      if (target.startsWith("/")) {
        done.clear();
      }
      List<String> targetComponents = components(target);
      for (int i = targetComponents.size() - 1; i >= 0; i--) {
        todo.addFirst(targetComponents.get(i));
      }
    }
    return root.resolve(String.join("/", done));
  }

  private static List<String> components(String path) {
    return Stream.of(path.split("/", -1))
        .filter(part -> !part.isEmpty() && !part.equals("."))
        .toList();
  }

  private void awaitRunning() {
    long deadline = System.nanoTime() + BOOT_TIMEOUT.toNanos();
    Path pidFile = stateDir.resolve("systemd.pid");
    while (systemdPid == 0) {
      requireLauncherAlive(deadline);
      if (Files.isRegularFile(pidFile)) {
        long pid = Long.parseLong(HostProcesses.readQuietly(pidFile));
        // The file is written just before the exec of systemd.
        if (HostProcesses.readQuietly(Path.of("/proc", Long.toString(pid), "comm"))
            .equals("systemd")) {
          pidNamespace = readLink(Path.of("/proc", Long.toString(pid), "ns", "pid"));
          systemdPid = pid;
        }
      }
      pause(20);
    }
    String state = "";
    while (!state.equals("running") && !state.equals("degraded")) {
      requireLauncherAlive(deadline);
      pause(50);
      state =
          execInternal(List.of("systemctl", "is-system-running"), Duration.ofSeconds(10))
              .stdout()
              .strip();
      if (state.equals("maintenance") || state.equals("stopping")) {
        throw new SandboxException("systemd is " + state);
      }
    }
    if (state.equals("degraded")) {
      System.err.println(
          "sandbox "
              + name
              + " booted degraded:\n"
              + execInternal(List.of("systemctl", "--failed", "--no-pager"), Duration.ofSeconds(10))
                  .stdout());
    }
  }

  private void requireLauncherAlive(long deadline) {
    if (!launcher.isAlive()) {
      throw new SandboxException("the launcher exited with " + launcher.exitValue());
    }
    if (System.nanoTime() > deadline) {
      throw new SandboxException("not running after " + BOOT_TIMEOUT.toSeconds() + " s");
    }
  }

  private String diagnostics() {
    StringBuilder text = new StringBuilder();
    text.append("\n--- boot.log ---\n").append(HostProcesses.readQuietly(bootLog()));
    if (systemdPid > 0 && launcher.isAlive()) {
      try {
        text.append("\n--- systemctl --failed ---\n")
            .append(
                execInternal(List.of("systemctl", "--failed", "--no-pager"), Duration.ofSeconds(10))
                    .stdout())
            .append("\n--- journal ---\n")
            .append(
                execInternal(
                        List.of("journalctl", "-b", "--no-pager", "-n", "200"),
                        Duration.ofSeconds(10))
                    .stdout());
      } catch (RuntimeException e) {
        text.append("\n(journal unavailable: ").append(e.getMessage()).append(')');
      }
    }
    return text.toString();
  }

  /** exec() without the open check, for boot and close. */
  private ExecResult execInternal(List<String> argv, Duration timeout) {
    return execInternal(argv, Map.of(), timeout);
  }

  private ExecResult execInternal(List<String> argv, Map<String, String> env, Duration timeout) {
    Path out = tempFile(".out");
    Path err = tempFile(".err");
    long start = System.nanoTime();
    Process process = startInside(argv, env, out, err);
    try {
      int exit = HostProcesses.await(process, timeout, argv, out, err);
      ExecResult result =
          new ExecResult(
              argv,
              exit,
              HostProcesses.read(out),
              HostProcesses.read(err),
              Duration.ofNanos(System.nanoTime() - start));
      if (TRACE) {
        System.err.printf(
            "sandbox %s: %s -> exit %d in %d ms%n",
            name, String.join(" ", argv), exit, result.elapsed().toMillis());
      }
      return result;
    } finally {
      commands.remove(process);
      HostProcesses.deleteQuietly(out);
      HostProcesses.deleteQuietly(err);
    }
  }

  private Process startInside(List<String> argv, Map<String, String> env, Path out, Path err) {
    if (argv.isEmpty()) {
      throw new IllegalArgumentException("empty argv");
    }
    List<String> command = new ArrayList<>();
    // -r and -w (the target's root and cwd), not --wd=/: the cwd must be resolved inside.
    command.addAll(
        List.of(
            "nsenter",
            "-t",
            Long.toString(systemdPid),
            "-m",
            "-u",
            "-i",
            "-p",
            "-C",
            "-r",
            "-w",
            "--"));
    command.addAll(argv);
    Map<String, String> environment = new HashMap<>(BASE_ENV);
    environment.putAll(env);
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().clear();
    builder.environment().putAll(environment);
    try {
      Process process =
          builder
              .redirectInput(new File("/dev/null"))
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .start();
      commands.add(process);
      return process;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start nsenter", e);
    }
  }

  private Path tempFile(String suffix) {
    try {
      return Files.createTempFile(stateDir, "exec-", suffix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("sandbox " + name + " is closed");
    }
  }

  /** SIGKILLs, by PID, whatever is still in the sandbox's cgroup or PID namespace. */
  private void killLeftovers(List<String> problems) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    Set<Long> pids = leftoverPids();
    while (!pids.isEmpty()) {
      if (System.nanoTime() > deadline) {
        problems.add("processes still alive: " + pids);
        return;
      }
      pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
      pause(50);
      pids = leftoverPids();
    }
  }

  private Set<Long> leftoverPids() {
    Set<Long> pids = new LinkedHashSet<>(cgroupPids(cgroupDir));
    if (!pidNamespace.isEmpty()) {
      try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
        procs
            .filter(proc -> proc.getFileName().toString().chars().allMatch(Character::isDigit))
            .filter(proc -> pidNamespace.equals(readLink(proc.resolve("ns/pid"))))
            .forEach(proc -> pids.add(Long.parseLong(proc.getFileName().toString())));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    pids.remove(ProcessHandle.current().pid());
    return pids;
  }

  private static Set<Long> cgroupPids(Path cgroup) {
    Set<Long> pids = new LinkedHashSet<>();
    if (!Files.isDirectory(cgroup)) {
      return pids;
    }
    try (Stream<Path> files = Files.walk(cgroup)) {
      files
          .filter(file -> file.getFileName().toString().equals("cgroup.procs"))
          .forEach(
              procs ->
                  HostProcesses.readQuietly(procs)
                      .lines()
                      .filter(line -> !line.isBlank() && line.chars().allMatch(Character::isDigit))
                      .forEach(line -> pids.add(Long.parseLong(line))));
    } catch (IOException | UncheckedIOException e) {
      // The tree changes while processes exit; the caller asks again.
      return pids;
    }
    return pids;
  }

  /** Removes a cgroup tree bottom-up; retries while the kernel still releases exited tasks. */
  private static void removeCgroup(Path cgroup, List<String> problems) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (Files.exists(cgroup)) {
      List<Path> dirs;
      try (Stream<Path> walk = Files.walk(cgroup)) {
        dirs =
            walk.filter(Files::isDirectory)
                .sorted(Comparator.comparingInt(Path::getNameCount).reversed())
                .toList();
      } catch (IOException | UncheckedIOException e) {
        dirs = List.of();
      }
      for (Path dir : dirs) {
        try {
          Files.deleteIfExists(dir);
        } catch (IOException e) {
          if (System.nanoTime() > deadline) {
            problems.add("cannot remove cgroup " + dir + ": " + e);
            return;
          }
        }
      }
      if (Files.exists(cgroup)) {
        pause(50);
      }
    }
  }

  /** Deletes a directory tree without following symlinks (the upper layer links to /dev/null). */
  private static void deleteTree(Path root, List<String> problems) {
    if (!Files.exists(root)) {
      return;
    }
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.delete(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
              if (e != null) {
                throw e;
              }
              Files.delete(dir);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      problems.add("cannot delete " + root + ": " + e);
    }
  }

  /**
   * Kills and removes sandboxes whose JVM died without closing them (kill -9, a crashed fork):
   * their cgroups are named after the owning JVM's PID.
   */
  private static void reapStale() {
    Optional<Path> root = HostMounts.cgroup2Root();
    if (root.isEmpty()) {
      return;
    }
    List<Path> stale = HostProcesses.leftByDeadJvms(root.get(), NAME);
    for (Path cgroup : stale) {
      System.err.println("sandbox: reaping " + cgroup + " left by a dead JVM");
      List<String> problems = new ArrayList<>();
      for (int attempt = 0; attempt < 100 && !cgroupPids(cgroup).isEmpty(); attempt++) {
        cgroupPids(cgroup)
            .forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        pause(50);
      }
      removeCgroup(cgroup, problems);
      problems.forEach(problem -> System.err.println("sandbox: " + problem));
    }
  }

  private static Path realPath(Path path) {
    try {
      return path.toRealPath();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String readLink(Path link) {
    try {
      return Files.readSymbolicLink(link).toString();
    } catch (IOException e) {
      return "";
    }
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SandboxException("interrupted", e);
    }
  }
}
