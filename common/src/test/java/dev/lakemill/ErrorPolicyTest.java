package dev.lakemill;

import static com.tngtech.archunit.core.domain.JavaCall.Predicates.target;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import dev.lakemill.error.LakemillException;
import org.junit.jupiter.api.Test;

/**
 * The error policy, checked: user-facing exceptions (every {@link LakemillException}) are built only in
 * {@code *Errors} factories, so their wording lives in one place per concern (Delta Kernel's DeltaErrors).
 */
public class ErrorPolicyTest {
  /** The rule, for any module's classes (jobs checks its own with it). */
  public static final ArchRule ONLY_ERROR_FACTORIES_BUILD_LAKEMILL_EXCEPTIONS =
      noClasses().that().haveSimpleNameNotEndingWith("Errors")
          .and().areNotAssignableTo(LakemillException.class)
          .should().callConstructorWhere(target(owner(assignableTo(LakemillException.class))))
          .because("user-facing exceptions are built in *Errors factories (docs/ARCHITECTURE.md, Errors)");

  private static final JavaClasses MAIN = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("dev.lakemill");

  @Test
  void onlyErrorFactoriesConstructLakemillExceptions() {
    ONLY_ERROR_FACTORIES_BUILD_LAKEMILL_EXCEPTIONS.check(MAIN);
  }
}
