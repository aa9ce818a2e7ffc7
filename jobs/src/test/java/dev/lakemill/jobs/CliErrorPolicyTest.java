package dev.lakemill.jobs;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.lakemill.ErrorPolicyTest;
import org.junit.jupiter.api.Test;

/** The command line keeps the error policy too: its user errors are built in {@link CliErrors}. */
class CliErrorPolicyTest {
  private static final JavaClasses MAIN = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("dev.lakemill.jobs");

  @Test
  void onlyErrorFactoriesConstructLakemillExceptions() {
    ErrorPolicyTest.ONLY_ERROR_FACTORIES_BUILD_LAKEMILL_EXCEPTIONS.check(MAIN);
  }
}
