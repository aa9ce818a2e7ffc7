package dev.lakemill;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layer rules of docs/ARCHITECTURE.md, checked on the compiled classes of {@code common}. Each layer
 * may use the layers below it, never one above; layers on one line are peers and do not use each other.
 * The CLI module ({@code jobs}) has its own rules in {@code JobsArchitectureTest}.
 */
class ArchitectureTest {
  /** Lowest first. A package is named with its sub-packages unless another entry names them. */
  static final List<List<String>> LAYERS = List.of(
      List.of("spec", "drift", "<root>"),
      List.of("error"),
      List.of("load"),
      List.of("settings"),
      List.of("plan"),
      List.of("compile"),
      List.of("check", "airflow.rest", "fs", "faults"),
      List.of("airflow.dags", "delta"),
      List.of("ledger", "registry"),
      List.of("sources", "drift.spark"),
      List.of("safety"),
      List.of("engine.step"),
      List.of("engine"),
      List.of("ops"));

  private static final String BASE = "dev.lakemill";
  private static final String[] SPARK = {"org.apache.spark..", "io.delta..", "scala.."};

  private static JavaClasses main;

  @BeforeAll
  static void importMainClasses() {
    main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(BASE);
  }

  @Test
  void everyPackageHasALayer() {
    List<String> unplaced = main.stream().map(ArchitectureTest::layerPackage).filter(p -> rank(p) < 0)
        .distinct().toList();
    assertThat(unplaced).as("packages missing from LAYERS (add them to docs/ARCHITECTURE.md too)").isEmpty();
  }

  @Test
  void noLayerUsesALayerAboveItOrAPeer() {
    List<String> violations = new ArrayList<>();
    for (JavaClass c : main) {
      String from = layerPackage(c);
      c.getDirectDependenciesFromSelf().forEach(d -> {
        JavaClass target = d.getTargetClass().getBaseComponentType();
        if (!target.getPackageName().startsWith(BASE)) {
          return;
        }
        String to = layerPackage(target);
        if (!from.equals(to) && rank(to) >= rank(from)) {
          violations.add(from + " -> " + to + ": " + d.getDescription());
        }
      });
    }
    assertThat(violations).as("dependencies against the layer order").isEmpty();
  }

  @Test
  void noCyclesBetweenPackages() {
    slices().matching(BASE + ".(**)").should().beFreeOfCycles().check(main);
  }

  @Test
  void specIsPlainJava() {
    classes().that().resideInAPackage(BASE + ".spec..").should().onlyDependOnClassesThat()
        .resideInAnyPackage("java..", BASE + ".spec..").check(main);
  }

  @Test
  void frontEndAndAirflowNeverTouchSpark() {
    noClasses().that().resideInAnyPackage(BASE + ".spec..", BASE + ".error..", BASE + ".load..",
            BASE + ".settings..", BASE + ".plan..", BASE + ".compile..", BASE + ".airflow..")
        .should().dependOnClassesThat().resideInAnyPackage(SPARK).check(main);
  }

  @Test
  void driftMathNeverTouchesSpark() {
    noClasses().that().resideInAPackage(BASE + ".drift").should().dependOnClassesThat().resideInAnyPackage(SPARK)
        .check(main);
  }

  @Test
  void noPackageHoldsMoreThan25Classes() {
    Map<String, Long> sizes = main.stream().filter(c -> c.getEnclosingClass().isEmpty() && !c.isAnonymousClass())
        .collect(Collectors.groupingBy(JavaClass::getPackageName, TreeMap::new, Collectors.counting()));
    assertThat(sizes).allSatisfy((pkg, n) -> assertThat(n).as(pkg).isLessThanOrEqualTo(25L));
  }

  @Test
  void noTestHooksInMainCode() {
    noClasses().should().haveSimpleNameContaining("Test").check(main);
  }

  /** The package of {@code c} as named in {@link #LAYERS}, e.g. {@code engine.step}, {@code airflow.rest}. */
  private static String layerPackage(JavaClass c) {
    String pkg = c.getPackageName();
    if (pkg.equals(BASE)) {
      return "<root>";
    }
    String rel = pkg.substring(BASE.length() + 1);
    String best = null;
    for (List<String> layer : LAYERS) {
      for (String name : layer) {
        if ((rel.equals(name) || rel.startsWith(name + ".")) && (best == null || name.length() > best.length())) {
          best = name;
        }
      }
    }
    return best == null ? rel : best;
  }

  private static int rank(String layerPackage) {
    for (int i = 0; i < LAYERS.size(); i++) {
      if (LAYERS.get(i).contains(layerPackage)) {
        return i;
      }
    }
    return -1;
  }
}
