package dev.lakemill.engine;

import dev.lakemill.delta.InputVersion;
import dev.lakemill.ledger.StepOutput;
import dev.lakemill.plan.SourcePlan;
import dev.lakemill.registry.ModelVersion;
import java.util.List;

/**
 * One input of a step, as a run resolves it: what it is, the exact version read, and its own
 * fingerprint. {@link #stored()} is the form the ledger and the commit tags keep.
 */
public sealed interface StepInput {
  /** The source or step name (for a scored model, its ledger name {@code model <name>@v<N>}). */
  String name();

  /** The ledger's form: name, location ({@code model <name>} for a train step) and version. */
  InputVersion stored();

  /** The input's own fingerprint, empty when it has none (a model reference, a step that never ran). */
  String fingerprint();

  /** What the input read in turn, back to the sources; empty for sources and models. */
  default List<InputVersion> lineage() {
    return List.of();
  }

  /** A declared source at the version read (-1: not a Delta table). */
  record Source(SourcePlan source, long version, String fingerprint) implements StepInput {
    @Override
    public String name() {
      return source.name();
    }

    @Override
    public InputVersion stored() {
      return new InputVersion(source.name(), source.location() == null ? "" : source.location(), version);
    }
  }

  /**
   * A step's output as its readers get it, at the version it wrote (in this run, or as the ledger
   * recorded it): the whole table ({@code writtenBy} empty: an {@code overwrite} output), else only the
   * rows run {@code writtenBy} produced at that version (see {@link dev.lakemill.delta.DeltaIO#readProduced}).
   */
  record Table(String name, String location, long version, String fingerprint, List<InputVersion> lineage,
      String writtenBy) implements StepInput {
    public Table {
      lineage = List.copyOf(lineage);
      writtenBy = writtenBy == null ? "" : writtenBy;
    }

    /** The whole table at {@code version}. */
    public Table(String name, String location, long version, String fingerprint, List<InputVersion> lineage) {
      this(name, location, version, fingerprint, lineage, "");
    }

    @Override
    public InputVersion stored() {
      return new InputVersion(name, location, version, writtenBy);
    }
  }

  /**
   * A delta source on a table that step {@code writer} of this run writes first: it is read at the
   * version that step writes, known only once it has run. The run replaces it with a {@link Source} then.
   */
  record SourceAfterWriter(SourcePlan source, String writer) implements StepInput {
    @Override
    public String name() {
      return source.name();
    }

    @Override
    public InputVersion stored() {
      throw new IllegalStateException("Step " + writer + " has not run yet: the version of " + name() + " is not known");
    }

    @Override
    public String fingerprint() {
      throw new IllegalStateException("Step " + writer + " has not run yet: the version of " + name() + " is not known");
    }
  }

  /** The model version a train step registered (-1: it never ran); nothing to read as a table. */
  record Model(String name, String modelName, long version, String fingerprint, List<InputVersion> lineage)
      implements StepInput {
    public Model {
      lineage = List.copyOf(lineage);
    }

    @Override
    public InputVersion stored() {
      return new InputVersion(name, new StepOutput.Model(modelName).text(), version);
    }
  }

  /**
   * A step's result that is no table: a view of this run (version -1; readable from SQL once it ran),
   * or a validate step (the model version it validated).
   */
  record Result(String name, long version, String fingerprint, List<InputVersion> lineage) implements StepInput {
    public Result {
      lineage = List.copyOf(lineage);
    }

    @Override
    public InputVersion stored() {
      return new InputVersion(name, "", version);
    }
  }

  /** The registered model a score or drift step applies, resolved from its reference. */
  record ScoredModel(ModelVersion model) implements StepInput {
    @Override
    public String name() {
      return "model " + model.ref();
    }

    @Override
    public InputVersion stored() {
      return new InputVersion(name(), model.modelPath(), model.version());
    }

    @Override
    public String fingerprint() {
      return "";
    }
  }

  /**
   * The output step {@code name} produces in this run: it runs first, so its version is known only
   * once it has run. The run replaces it with one of the other kinds then.
   */
  record ThisRun(String name) implements StepInput {
    @Override
    public InputVersion stored() {
      throw new IllegalStateException("Step " + name + " has not run yet: its output version is not known");
    }

    @Override
    public String fingerprint() {
      throw new IllegalStateException("Step " + name + " has not run yet: its fingerprint is not known");
    }
  }
}
