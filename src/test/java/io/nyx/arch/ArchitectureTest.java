package io.nyx.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The shape of the code, checked on the compiled classes (so a fully qualified name counts as much
 * as an import). Dependencies point one way: {@code app} wires everything, {@code config} reads the
 * configuration into the domain's records, the edges ({@code api}, {@code persistence}, {@code
 * backend}, {@code metrics}, {@code otel}) adapt libraries, and the domain packages know none of
 * them, so they can be tested with plain objects and their edges swapped. Tracing reaches the
 * domain as the {@code tracing} port only; OpenTelemetry stays in {@code otel}.
 */
@AnalyzeClasses(packages = "io.nyx", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
  /**
   * Packages of Nyx's own logic: no server, database, JSON library, metrics, tracing library or
   * configuration.
   */
  static final String[] DOMAIN = {
    "io.nyx.adapter..",
    "io.nyx.pipeline..",
    "io.nyx.routing..",
    "io.nyx.learning..",
    "io.nyx.context..",
    "io.nyx.safety..",
    "io.nyx.foresight..",
    "io.nyx.memory..",
    "io.nyx.specialist..",
    "io.nyx.export..",
    "io.nyx.history..",
    "io.nyx.evaluation..",
    "io.nyx.security..",
    "io.nyx.settings..",
    "io.nyx.capacity..",
    "io.nyx.tracing.."
  };

  /** A subpackage belongs to its top-level package: backend.openai may use backend, not back. */
  @ArchTest
  static final ArchRule noCyclesBetweenTopLevelPackages =
      slices().matching("io.nyx.(*)..").namingSlices("$1").should().beFreeOfCycles();

  @ArchTest
  static final ArchRule domainPackagesUseNoFrameworkNorEdge =
      noClasses()
          .that()
          .resideInAnyPackage(DOMAIN)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "io.helidon..",
              "java.sql..",
              "javax.sql..",
              "org.postgresql..",
              "com.fasterxml.jackson..",
              "io.micrometer..",
              "io.opentelemetry..",
              "io.nyx.otel..",
              "com.zaxxer..",
              "org.flywaydb..",
              "io.nyx.api..",
              "io.nyx.persistence..",
              "io.nyx.app..",
              "io.nyx.cli..",
              "io.nyx.config..")
          .because("the domain is tested with plain objects and its edges can be swapped");

  @ArchTest
  static final ArchRule onlyTheCommandLineUsesTheWiring =
      noClasses()
          .that()
          .resideOutsideOfPackages("io.nyx.app..", "io.nyx.cli..")
          .and()
          .doNotHaveFullyQualifiedName("io.nyx.Main")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("io.nyx.app..")
          .because("app is the one place where everything is wired");

  @ArchTest
  static final ArchRule onlyMainReadsTheEnvironment =
      noClasses()
          .that()
          .doNotHaveFullyQualifiedName("io.nyx.Main")
          .should()
          .callMethod(System.class, "getenv")
          .orShould()
          .callMethod(System.class, "getenv", String.class)
          .because("Main hands the environment to the one config loader, so tests pass their own");
}
