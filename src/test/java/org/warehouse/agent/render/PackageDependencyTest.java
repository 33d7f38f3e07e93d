package org.warehouse.agent.render;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code attributes} depends on no other agent package; {@code render} only on attributes. */
class PackageDependencyTest {
  /** Only the main classes directory: scanning every jar on the class path is slow. */
  private static final JavaClasses CLASSES = importMainClasses();

  private static JavaClasses importMainClasses() {
    try {
      Path main =
          Path.of(YamlRenderer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPath(main);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void attributesDependsOnNothingElseOfTheAgent() {
    noClasses()
        .that()
        .resideInAPackage("org.warehouse.agent.attributes..")
        .should()
        .dependOnClassesThat(
            resideInAPackage("org.warehouse.agent..")
                .and(not(resideInAPackage("org.warehouse.agent.attributes.."))))
        .check(CLASSES);
  }

  @Test
  void renderDependsOnlyOnAttributes() {
    noClasses()
        .that()
        .resideInAPackage("org.warehouse.agent.render..")
        .should()
        .dependOnClassesThat(
            resideInAPackage("org.warehouse.agent..")
                .and(
                    not(
                        resideInAnyPackage(
                            "org.warehouse.agent.render..", "org.warehouse.agent.attributes.."))))
        .check(CLASSES);
  }
}
