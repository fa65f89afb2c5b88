package dev.fpk.physics.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.fpk.physics.spectral.SingularValues;
import org.junit.jupiter.api.Test;

/**
 * The numerics import no actors, Kafka, metrics or ND4J (services/README.md), and native linear
 * algebra (the OpenBLAS binding ND4J ships) only behind {@link SingularValues}: checked here, in
 * the module itself, so a change to physics fails its own build. The rules between modules are
 * checked on all of them together in the app's {@code ModuleGraphTest}.
 */
class LayeringTest {
  static final JavaClasses PHYSICS =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.fpk.physics");

  @Test
  void shouldNotDependOnPekkoKafkaMicrometerOrNd4j() {
    noClasses()
        .that()
        .resideInAPackage("dev.fpk.physics..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "org.apache.pekko..", "org.apache.kafka..", "io.micrometer..", "org.nd4j..")
        .allowEmptyShould(
            false) // the physics classes are there: an empty set means the import broke
        .check(PHYSICS);
  }

  @Test
  void shouldCallNativeLinearAlgebraOnlyFromSingularValues() {
    noClasses()
        .that()
        .resideInAPackage("dev.fpk.physics..")
        .and()
        .doNotHaveFullyQualifiedName(SingularValues.class.getName())
        .and()
        .doNotHaveFullyQualifiedName(SingularValues.Route.class.getName())
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.bytedeco..")
        .allowEmptyShould(false)
        .check(PHYSICS);
  }
}
