package org.warehouse.agent.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The build's class archive covers a real converge: on a host configured as an app server, a no-op
 * {@code agent converge --now} (no daemon) maps every class it loads from the archive instead of
 * reading it from the JDK's runtime image or the jar (~35 ms of a 0.37 s run when the archive was
 * trained on a converge that managed nothing). When this fails, run test-fixtures/cds-train.sh.
 */
@ExtendWith(SandboxSupport.class)
class ClassArchiveSandboxIT {
  private static final String LOG = "/run/classes.log";

  @Test
  void aRealNoOpConvergeFindsEveryClassItLoadsInTheArchive(SandboxHost host) throws Exception {
    AgentInSandbox agent = ClassListTraining.configure(host);
    assertThat(agent.converge().exitCode()).isEqualTo(2);

    ExecResult noOp =
        agent.runWithEnv(
            Map.of("WAREHOUSE_AGENT_JAVA_OPTS", "-Xlog:class+load=info:file=" + LOG),
            "converge",
            "--now",
            "--detailed-exitcodes");

    assertThat(noOp.exitCode()).as(noOp.toString()).isZero();
    assertThat(noOp.stdout()).contains("result: unchanged");
    List<String> loaded = host.sandbox().readFile(LOG).lines().toList();
    assertThat(loaded)
        .as("the archive is in use")
        .anyMatch(
            l -> l.contains("org.warehouse.agent.apt.RepositoryProbe source: shared objects file"));
    assertThat(loaded)
        .as("the repository probe ran")
        .anyMatch(l -> l.contains(" sun.net.www.protocol.http.HttpURLConnection source: "));
    assertThat(loaded)
        .as("lambdas of the agent's own on a no-op's path (each ~0.4 ms to link at first use)")
        .noneMatch(l -> l.matches(".* org\\.warehouse\\.agent\\.\\S+\\$\\$Lambda.*"));
    assertThat(notArchived(loaded))
        .as(
            "classes a real no-op converge loads from outside the archive: run test-fixtures/cds-train.sh")
        .isEmpty();
  }

  // Loaded from the runtime image or a jar. Not counted: classes spun at run time (lambdas, method
  // handle forms: their "source" is the class that made them) and JFR's event classes, which CDS
  // never archives.
  static List<String> notArchived(List<String> classLoadLog) {
    return classLoadLog.stream()
        .filter(l -> l.contains(" source: jrt:/") || l.contains(" source: file:"))
        .filter(l -> Stream.of(" jdk.internal.event.", " jdk.jfr.").noneMatch(l::contains))
        .toList();
  }
}
