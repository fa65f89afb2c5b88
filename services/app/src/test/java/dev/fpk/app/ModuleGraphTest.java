package dev.fpk.app;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The module graph of services/README.md, checked on the main classes of every module (the app
 * depends on all of them, so its test classpath holds them all): protocol and physics at the
 * bottom, estimator and solver above them, analysis above those, dashboard beside analysis, app on
 * top; trainer needs only protocol. Every rule fails on an empty set of classes (ArchUnit's
 * default), so a renamed package cannot make a rule pass by checking nothing.
 */
class ModuleGraphTest {
  private static final String PROTOCOL = "dev.fpk.protocol..";
  private static final String PHYSICS = "dev.fpk.physics..";
  private static final String TRAINER = "dev.fpk.trainer..";
  private static final String ESTIMATOR = "dev.fpk.estimator..";
  private static final String SOLVER = "dev.fpk.solver..";
  private static final String ANALYSIS = "dev.fpk.analysis..";
  private static final String DASHBOARD = "dev.fpk.dashboard..";
  private static final String APP = "dev.fpk.app..";
  private static final String[] KAFKA = {"org.apache.kafka..", "org.apache.pekko.kafka.."};

  private static final JavaClasses FPK =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.fpk");

  @Test
  void physicsShouldUseNoActorsKafkaOrMetricsAndNoOtherModule() {
    assertNoDependency(
        PHYSICS,
        "org.apache.pekko..",
        "org.apache.kafka..",
        "io.micrometer..",
        PROTOCOL,
        TRAINER,
        ESTIMATOR,
        SOLVER,
        ANALYSIS,
        DASHBOARD,
        APP);
  }

  @Test
  void protocolShouldDependOnNoOtherModule() {
    assertNoDependency(PROTOCOL, PHYSICS, TRAINER, ESTIMATOR, SOLVER, ANALYSIS, DASHBOARD, APP);
  }

  @Test
  void estimatorShouldDependOnlyOnProtocolAndPhysicsOfOurModules() {
    assertNoDependency(ESTIMATOR, TRAINER, SOLVER, ANALYSIS, DASHBOARD, APP);
  }

  @Test
  void solverShouldDependOnlyOnEstimatorProtocolAndPhysicsOfOurModules() {
    assertNoDependency(SOLVER, TRAINER, ANALYSIS, DASHBOARD, APP);
  }

  @Test
  void estimatorAndSolverShouldHoldNoKafkaClientCode() {
    noClasses()
        .that()
        .resideInAnyPackage(ESTIMATOR, SOLVER)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(KAFKA)
        .check(FPK);
  }

  @Test
  void analysisShouldNotDependOnDashboardOrApp() {
    assertNoDependency(ANALYSIS, DASHBOARD, APP);
  }

  @Test
  void dashboardShouldNotDependOnAnalysisAppOrTrainer() {
    assertNoDependency(DASHBOARD, ANALYSIS, APP, TRAINER);
  }

  @Test
  void trainerShouldNotDependOnTheAnalysisModulesDashboardOrApp() {
    assertNoDependency(TRAINER, ESTIMATOR, SOLVER, ANALYSIS, DASHBOARD, APP);
  }

  @Test
  void physicsInternalsShouldStayInsidePhysics() {
    noClasses()
        .that()
        .resideOutsideOfPackage(PHYSICS)
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.fpk.physics.internal..")
        .check(FPK);
  }

  /**
   * No class of {@code module} depends on one of the {@code forbidden} packages; fails if {@code
   * module} is empty.
   */
  private static void assertNoDependency(String module, String... forbidden) {
    noClasses()
        .that()
        .resideInAPackage(module)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(forbidden)
        .check(FPK);
  }
}
