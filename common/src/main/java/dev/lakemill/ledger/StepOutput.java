package dev.lakemill.ledger;

/**
 * What a step's record names as its output: a table, a registered model, or nothing (a view, or a
 * train or validate step that did not finish). The ledger's {@code output_table} column stores
 * {@link #text()}: {@code schema.table}, {@code model <name>} or empty.
 */
public sealed interface StepOutput {
  /** No output to name. */
  StepOutput NONE = new None();

  /** The stored form. */
  String text();

  /** The output whose stored form is {@code text}. */
  static StepOutput parse(String text) {
    if (text == null || text.isEmpty()) {
      return NONE;
    }
    return text.startsWith(Model.PREFIX) ? new Model(text.substring(Model.PREFIX.length())) : new Table(text);
  }

  /** @param name the table written, {@code schema.table} */
  record Table(String name) implements StepOutput {
    @Override
    public String text() {
      return name;
    }
  }

  /** @param name the registry name of the model the step registered or validated */
  record Model(String name) implements StepOutput {
    static final String PREFIX = "model ";

    @Override
    public String text() {
      return PREFIX + name;
    }
  }

  /** See {@link #NONE}. */
  record None() implements StepOutput {
    @Override
    public String text() {
      return "";
    }
  }
}
