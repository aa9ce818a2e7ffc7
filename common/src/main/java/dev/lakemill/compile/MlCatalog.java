package dev.lakemill.compile;

import dev.lakemill.plan.ProblemType;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * What the validator needs to know about MLlib classes, answered from the classes themselves (their
 * {@code Params} and each {@code Param}'s validator) without a SparkSession. The implementation lives
 * in {@code dev.lakemill.mlcheck}, next to the SQL checker.
 */
public interface MlCatalog {
  /**
   * @param className fully qualified class name
   * @param simpleName the class's simple name
   * @param estimator true for an {@code Estimator} (fitted), false for a {@code Transformer}
   * @param problem what it predicts (estimators), or {@link ProblemType#OTHER}
   * @param params its parameter names, sorted
   */
  record MlClass(String className, String simpleName, boolean estimator, ProblemType problem, List<String> params) {
    public MlClass {
      params = List.copyOf(params);
    }
  }

  /**
   * Resolves a stage {@code type}: a simple name searched in MLlib's feature, classification,
   * regression, clustering and recommendation packages, or a fully qualified class name. Empty when
   * no such Spark ML stage exists; a problem message when the class exists but cannot be a stage.
   */
  Resolution resolve(String type);

  /**
   * Starts resolving {@code types} in the background, so that loading MLlib's classes overlaps with
   * the rest of validation; {@link #resolve} then finds them ready. Optional.
   */
  default void prefetch(Collection<String> types) {}

  /** The simple names of the searched packages' stages, for did-you-mean. */
  Collection<String> knownTypes();

  /**
   * Checks {@code value} (a String, Number, Boolean or List of those, as HOCON gives it) against the
   * parameter's type and validator.
   *
   * @return null when valid, else why not (e.g. {@code "expected a whole number"} or the parameter's
   *     own documentation of its allowed values)
   */
  String checkValue(MlClass type, String param, Object value);

  /** A resolved class or a reason. */
  record Resolution(Optional<MlClass> found, String problem) {
    public static Resolution of(MlClass found) {
      return new Resolution(Optional.of(found), null);
    }

    public static Resolution notFound() {
      return new Resolution(Optional.empty(), null);
    }

    public static Resolution unusable(String problem) {
      return new Resolution(Optional.empty(), problem);
    }
  }
}
