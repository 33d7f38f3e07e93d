package org.warehouse.agent;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Keeps the package dependencies pointing one way, as src/site/markdown/architecture.md says. */
class ArchitectureTest {
  private static final String ROOT = "org.warehouse.agent.";
  private static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("org.warehouse.agent");

  private static void mayNotUse(String pkg, String... forbidden) {
    String[] targets = new String[forbidden.length];
    for (int i = 0; i < forbidden.length; i++) {
      targets[i] = ROOT + forbidden[i] + "..";
    }
    noClasses()
        .that()
        .resideInAPackage(ROOT + pkg + "..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(targets)
        .allowEmptyShould(true)
        .check(CLASSES);
  }

  @Test
  void packagesHaveNoCycles() {
    slices().matching(ROOT + "(*)..").should().beFreeOfCycles().check(CLASSES);
  }

  @Test
  void versionDependsOnNothingOfTheAgent() {
    mayNotUse(
        "version",
        "exec",
        "config",
        "attributes",
        "render",
        "apt",
        "service",
        "resource",
        "converge",
        "metrics",
        "daemon",
        "launch",
        "cli",
        "rollout");
  }

  @Test
  void execIsTheBottomLayer() {
    mayNotUse(
        "exec",
        "version",
        "config",
        "attributes",
        "render",
        "apt",
        "service",
        "resource",
        "converge",
        "metrics",
        "daemon",
        "launch",
        "cli",
        "rollout");
  }

  @Test
  void hostLayersDoNotReachUp() {
    for (String low : new String[] {"attributes", "render", "apt", "service"}) {
      mayNotUse(low, "config", "resource", "converge", "metrics", "daemon", "launch", "cli");
    }
    mayNotUse("attributes", "render", "apt", "service");
    // config may read the attributes package's schema and SecretRef, nothing above it.
    mayNotUse("config", "exec", "render", "apt", "service", "resource", "converge");
  }

  @Test
  void resourcesDoNotReachUpAndNeverSpawnProcesses() {
    mayNotUse("resource", "converge", "metrics", "daemon", "launch", "cli", "config");
    noClasses()
        .that()
        .resideInAPackage(ROOT + "resource..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(ROOT + "exec..", "java.util.logging..", "org.apache.commons.exec..")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("java.lang.ProcessBuilder")
        .check(CLASSES);
  }

  @Test
  void convergeKnowsNothingOfTheDaemonOrCli() {
    mayNotUse("converge", "metrics", "daemon", "launch", "cli");
    mayNotUse("metrics", "daemon", "launch", "cli");
    mayNotUse("daemon", "launch", "cli");
  }

  @Test
  void theFastPathsSitBelowTheCliAndAboveTheDaemonsHeavyParts() {
    // cli -> launch -> converge: the start-up paths never reach back into picocli's commands,
    // nor into the daemon's scheduler and metrics, which a short command must not load.
    mayNotUse("launch", "cli", "metrics");
    noClasses()
        .that()
        .resideInAPackage(ROOT + "launch..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("picocli..", "org.quartz..", "io.micrometer..", "java.net.http..")
        .check(CLASSES);
  }

  @Test
  void rolloutsSitAboveTheRunnerAndBelowTheDaemon() {
    // cli, daemon -> rollout -> converge, resource, config: the runner sees a rollout only as a
    // resource.TransactionGate, and nothing below the daemon knows PostgreSQL.
    mayNotUse("rollout", "daemon", "metrics", "launch", "cli");
    for (String low :
        new String[] {"converge", "resource", "apt", "render", "service", "attributes", "config"}) {
      mayNotUse(low, "rollout");
    }
    noClasses()
        .that()
        .resideOutsideOfPackage(ROOT + "rollout..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.postgresql..", "org.flywaydb..", "java.sql..")
        .check(CLASSES);
  }

  @Test
  void theDaemonSitsBetweenCliAndMetrics() {
    // cli -> daemon -> metrics -> converge: the daemon and the metrics never reach back up.
    mayNotUse("daemon", "cli");
    mayNotUse("metrics", "daemon", "cli");
    for (String low :
        new String[] {"converge", "resource", "apt", "render", "service", "attributes", "config"}) {
      mayNotUse(low, "daemon", "metrics", "launch", "cli");
    }
  }

  @Test
  void quartzStaysInTheDaemonAndMicrometerInTheMetrics() {
    // The CLI's short-lived commands must not load either (start-up time, memory).
    noClasses()
        .that()
        .resideOutsideOfPackage(ROOT + "daemon..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("org.quartz..")
        .check(CLASSES);
    noClasses()
        .that()
        .resideOutsideOfPackage(ROOT + "metrics..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.micrometer..", "io.prometheus..", "com.sun.net.httpserver..")
        .check(CLASSES);
  }

  @Test
  void onlyExecStartsProcesses() {
    noClasses()
        .that()
        .resideOutsideOfPackage(ROOT + "exec..")
        .should()
        .dependOnClassesThat()
        .haveFullyQualifiedName("java.lang.ProcessBuilder")
        .orShould()
        .dependOnClassesThat()
        .resideInAPackage("org.apache.commons.exec..")
        .check(CLASSES);
  }
}
