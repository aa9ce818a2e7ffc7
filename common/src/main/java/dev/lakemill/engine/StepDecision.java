package dev.lakemill.engine;

import dev.lakemill.ledger.RunLedger;
import dev.lakemill.plan.StepPlan;
import java.util.List;

/**
 * What a run will do with one step, decided before any step runs: reuse its recorded output, run it,
 * run it once an upstream step of the same run has run, or fail it when its turn comes because its
 * inputs cannot be resolved.
 */
public sealed interface StepDecision {
  StepPlan step();

  /** The inputs as resolved when deciding, in the step's order; {@link StepInput.ThisRun} for upstreams that run first. */
  List<StepInput> inputs();

  /** True when the run reuses the step's recorded output. */
  default boolean skip() {
    return false;
  }

  /** Why, in words, as {@code lakemill plan} prints it. */
  String reason();

  /** The version a skip reuses, -1 otherwise. */
  default long reusedVersion() {
    return -1;
  }

  /** Up to date: later steps read {@code reused}'s output; nothing is written. */
  record Skip(StepPlan step, List<StepInput> inputs, Fingerprint fingerprint, RunLedger.Recorded reused, String reason)
      implements StepDecision {
    public Skip {
      inputs = List.copyOf(inputs);
    }

    @Override
    public boolean skip() {
      return true;
    }

    @Override
    public long reusedVersion() {
      return reused.outputVersion();
    }
  }

  /**
   * Runs with every input known. {@code cause} is what the ledger notes: why the step cache did not
   * reuse it, or empty for a view (computed when read, never reused).
   */
  record Run(StepPlan step, List<StepInput> inputs, Fingerprint fingerprint, String cause) implements StepDecision {
    public Run {
      inputs = List.copyOf(inputs);
    }

    @Override
    public String reason() {
      return cause.isEmpty() ? "view, computed when read" : cause;
    }
  }

  /**
   * Runs after {@code upstream}, a step of this run that runs first: its input is that step's output
   * of this run ({@link StepInput.ThisRun}), whose version exists only once it has run. When its
   * turn comes the step cache compares the completed fingerprint with the ledger, which names the
   * change (it reuses its recorded output only if the upstream reproduced the recorded version, as a
   * validate step re-validating the same model version does). A score or drift step resolves its
   * model reference then, after the steps that promote it.
   */
  record AfterUpstream(StepPlan step, List<StepInput> inputs, String upstream) implements StepDecision {
    public AfterUpstream {
      inputs = List.copyOf(inputs);
    }

    @Override
    public String reason() {
      return "upstream " + upstream + " runs";
    }
  }

  /**
   * Its inputs, model or cache state could not be resolved: the step fails with {@code error} when
   * its turn comes. {@code inputs} are those resolved before the failure; {@code fingerprint} is null
   * unless the failure came after it.
   */
  record Blocked(StepPlan step, List<StepInput> inputs, Fingerprint fingerprint, RuntimeException error)
      implements StepDecision {
    public Blocked {
      inputs = List.copyOf(inputs);
    }

    /** The first upstream of this run it waits for, if any: the step would run after it. */
    public java.util.Optional<String> upstream() {
      return inputs.stream().filter(i -> i instanceof StepInput.ThisRun).map(StepInput::name).findFirst();
    }

    @Override
    public String reason() {
      return upstream().map(u -> "upstream " + u + " runs").orElse("cannot be decided: " + error.getMessage());
    }
  }
}
