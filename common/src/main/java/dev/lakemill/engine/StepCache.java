package dev.lakemill.engine;

import dev.lakemill.ledger.RunLedger.Recorded;
import dev.lakemill.plan.PipelinePlan;
import dev.lakemill.plan.StepPlan;
import dev.lakemill.plan.TrainStepPlan;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Decides whether a step runs or reuses its recorded output. A step is up to date when the latest
 * successful record of the same pipeline and step has the same fingerprint (config, lakemill version,
 * exact input versions, upstream fingerprints), its output table still holds that record's rows (no
 * write since; compaction and vacuum do not count), and, for a train step, the registered model
 * version still exists. Views are never skipped: they cost nothing until read.
 */
final class StepCache {
  /** Followed by the run that wrote the output and ")"; {@link dev.lakemill.ledger.RunLedger#latestDone} reads it back. */
  static final String UP_TO_DATE = "up to date (run ";

  /** RUN with a reason (empty for views), or SKIP reusing {@code recorded}. */
  record Decision(boolean skip, String reason, Recorded recorded) {
    static Decision run(String reason) {
      return new Decision(false, reason, null);
    }
  }

  private final DecisionReads reads;
  private final PipelinePlan plan;
  private final Supplier<Map<String, Recorded>> latest;
  private final RunOptions options;

  StepCache(DecisionReads reads, PipelinePlan plan, Supplier<Map<String, Recorded>> latest, RunOptions options) {
    this.reads = reads;
    this.plan = plan;
    this.latest = latest;
    this.options = options;
  }

  /**
   * Reads what the ledger recorded now, so that a ledger Delta cannot read fails the run before its
   * first step (as {@link dev.lakemill.error.LakemillException.Kind#DAMAGED_STATE}) instead of failing that step.
   */
  void load() {
    latest.get();
  }

  Decision decide(StepPlan step, Fingerprint fingerprint) {
    if (step.isView()) {
      return Decision.run("");
    }
    if (options.forced(step.name())) {
      return Decision.run("forced (--force)");
    }
    Recorded before = latest.get().get(step.name());
    if (before == null) {
      return Decision.run("no earlier successful run");
    }
    if (!before.fingerprint().equals(fingerprint.hash())) {
      return Decision.run(fingerprint.changesSince(before.fingerprintParts(), name -> plan.source(name).isPresent()));
    }
    if (step.output() != null && !reads.sameDataSince(step.output().location(), before.outputVersion())) {
      long now = reads.latestVersion(step.output().location());
      return Decision.run(now < 0 ? "output " + step.output().name() + " is gone"
          : "output " + step.output().name() + " was written since v" + before.outputVersion() + " (now v" + now + ")");
    }
    if (step instanceof TrainStepPlan train && reads.registry()
        .version(train.modelName(), (int) before.outputVersion()).isEmpty()) {
      return Decision.run("model " + train.modelName() + "@v" + before.outputVersion() + " no longer exists");
    }
    return new Decision(true, UP_TO_DATE + before.runId() + ")", before);
  }
}
