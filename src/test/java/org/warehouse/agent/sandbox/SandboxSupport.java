package org.warehouse.agent.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/** JUnit 5 extension: sandbox preconditions (skip, or fail on CI) and a per-class SandboxHost. */
public final class SandboxSupport
    implements ExecutionCondition, BeforeAllCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(SandboxSupport.class);
  private static List<String> cachedProblems;

  /** What this host lacks to run sandboxes; empty when all is there. Checked once per JVM. */
  public static synchronized List<String> problems() {
    if (cachedProblems == null) {
      cachedProblems = List.copyOf(check());
    }
    return cachedProblems;
  }

  /**
   * For tests that do not use the extension: skips the calling test when the preconditions are
   * missing, or fails it when {@code CI=true}.
   */
  public static void assumeAvailable() {
    List<String> problems = problems();
    failOnCi(problems, onCi());
    if (!problems.isEmpty()) {
      System.err.println(message(problems));
      Assumptions.abort(message(problems));
    }
  }

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    ConditionEvaluationResult result = evaluate(problems(), onCi());
    if (result.isDisabled()) {
      System.err.println(result.getReason().orElse("") + ": skipping " + context.getDisplayName());
    }
    return result;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    failOnCi(problems(), onCi());
  }

  /** Skip when something is missing, except on CI, where {@link #failOnCi} fails instead. */
  static ConditionEvaluationResult evaluate(List<String> problems, boolean ci) {
    if (problems.isEmpty()) {
      return ConditionEvaluationResult.enabled("sandbox preconditions met");
    }
    if (ci) {
      return ConditionEvaluationResult.enabled("CI=true: failing in beforeAll instead of skipping");
    }
    return ConditionEvaluationResult.disabled(message(problems));
  }

  static void failOnCi(List<String> problems, boolean ci) {
    if (!problems.isEmpty() && ci) {
      throw new AssertionError(message(problems) + " (CI=true: failing instead of skipping)");
    }
  }

  /** A {@link SandboxHost} parameter: one per test class, closed after its last test. */
  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == SandboxHost.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    ExtensionContext classContext = context;
    while (classContext.getTestMethod().isPresent() && classContext.getParent().isPresent()) {
      classContext = classContext.getParent().get();
    }
    // JUnit closes AutoCloseable store values when the class's context closes.
    return classContext
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(SandboxHost.class, key -> SandboxHost.start(), SandboxHost.class);
  }

  private static boolean onCi() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  private static String message(List<String> problems) {
    return "sandbox tests need: "
        + String.join("; ", problems)
        + " (run test-fixtures/install-deps.sh as root; see test-fixtures/README.md)";
  }

  private static List<String> check() {
    List<String> problems = new ArrayList<>();
    if (!System.getProperty("os.name", "").equals("Linux")) {
      problems.add("Linux");
      return problems;
    }
    if (!isRoot()) {
      problems.add("root (uid 0)");
    }
    if (!fileContains(Path.of("/proc/filesystems"), "\toverlay")) {
      problems.add("overlayfs in the kernel");
    }
    if (HostMounts.cgroup2Root().isEmpty()) {
      problems.add("a cgroup2 mount at /sys/fs/cgroup or /sys/fs/cgroup/unified");
    }
    for (String tool :
        List.of(
            "bash",
            "unshare",
            "nsenter",
            "setsid",
            "chroot",
            "mount",
            "umount",
            "mknod",
            "apt-ftparchive",
            "gpg",
            "gpg-agent",
            "gpgconf",
            "dpkg-deb",
            "curl")) {
      if (!hasTool(tool)) {
        problems.add(tool + " on the PATH");
      }
    }
    for (String file :
        List.of(
            "/usr/bin/python3",
            "/usr/lib/python3/dist-packages/yaml/__init__.py",
            "/lib/systemd/systemd")) {
      if (!Files.exists(Path.of(file))) {
        problems.add(file);
      }
    }
    for (String script : List.of("sandbox-boot.sh", "build-package.sh")) {
      if (!Files.isRegularFile(Fixtures.fixturesDir().resolve(script))) {
        problems.add(Fixtures.fixturesDir().resolve(script) + " (system property fixtures.dir)");
      }
    }
    if (problems.isEmpty() && !canUnshare()) {
      problems.add("permission to create mount, PID and cgroup namespaces (unshare failed)");
    }
    return problems;
  }

  private static boolean isRoot() {
    try {
      return Files.readAllLines(Path.of("/proc/self/status")).stream()
          .filter(line -> line.startsWith("Uid:"))
          .anyMatch(line -> line.split("\\s+", -1)[1].equals("0"));
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean fileContains(Path file, String text) {
    try {
      return Files.readString(file).contains(text);
    } catch (IOException e) {
      return false;
    }
  }

  /** Looks where {@link Sandbox#BASE_ENV}'s PATH looks. */
  private static boolean hasTool(String name) {
    return Sandbox.BASE_ENV.get("PATH").transform(path -> List.of(path.split(":", -1))).stream()
        .anyMatch(dir -> Files.isExecutable(Path.of(dir, name)));
  }

  /** Root in a container without CAP_SYS_ADMIN passes every other check and fails here. */
  private static boolean canUnshare() {
    try {
      return HostProcesses.run(
              List.of("unshare", "-m", "-u", "-i", "-p", "-f", "-C", "true"),
              Map.of(),
              Path.of("/"),
              Duration.ofSeconds(30))
          .succeeded();
    } catch (RuntimeException e) {
      return false;
    }
  }
}
