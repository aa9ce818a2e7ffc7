package dev.lakemill.engine;

import dev.lakemill.LakemillVersion;
import dev.lakemill.delta.InputVersion;
import dev.lakemill.engine.step.RunErrors;
import dev.lakemill.ledger.RunLedger;
import dev.lakemill.plan.DriftStepPlan;
import dev.lakemill.plan.PipelinePlan;
import dev.lakemill.plan.ScoreStepPlan;
import dev.lakemill.plan.SourcePlan;
import dev.lakemill.plan.StepPlan;
import dev.lakemill.plan.TrainStepPlan;
import dev.lakemill.plan.ValidateStepPlan;
import dev.lakemill.registry.ModelVersion;
import dev.lakemill.spec.WriteMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a compiled plan and the ledger's state into an {@link ExecutionPlan}, in one pass in
 * execution order: each step's inputs at their exact versions (sources from their Delta logs and
 * file stamps, steps outside the run as the ledger recorded them, steps of the run as decided just
 * before), its model, its fingerprint, and run or skip with the reason. Reads metadata only: the
 * ledger, the registry, Delta logs and file listings, all through {@link DecisionReads}; no data, no Spark.
 */
final class RunPlanner {
  private final DecisionReads reads;
  private final PipelinePlan plan;
  private final String runId;
  private final StepCache cache;
  /** What a reader of each name gets: sources, steps outside the run, and the steps decided so far. */
  private final Map<String, StepInput> outputs = new HashMap<>();
  /** The steps of this run decided so far. */
  private final Set<String> decided = new java.util.HashSet<>();

  RunPlanner(DecisionReads reads, PipelinePlan plan, String runId, StepCache cache) {
    this.reads = reads;
    this.plan = plan;
    this.runId = runId;
    this.cache = cache;
  }

  /** Decides every step of {@code toRun}, in the plan's order. */
  ExecutionPlan plan(Set<String> toRun) {
    List<StepDecision> decisions = new ArrayList<>();
    for (StepPlan step : plan.steps()) {
      if (toRun.contains(step.name())) {
        StepDecision decision = decide(step);
        outputs.put(step.name(), readBy(decision));
        decided.add(step.name());
        decisions.add(decision);
      }
    }
    return new ExecutionPlan(plan.pipeline(), runId, decisions);
  }

  private StepDecision decide(StepPlan step) {
    List<StepInput> inputs = new ArrayList<>();
    String upstream = null;
    try {
      for (String name : step.inputs()) {
        StepInput input = resolve(step.name(), name);
        inputs.add(input);
        if (upstream == null && input instanceof StepInput.ThisRun) {
          upstream = name;
        } else if (upstream == null && input instanceof StepInput.SourceAfterWriter after) {
          upstream = after.writer();
        }
      }
    } catch (RuntimeException e) {
      return new StepDecision.Blocked(step, inputs, null, e);
    }
    return upstream != null ? new StepDecision.AfterUpstream(step, inputs, upstream) : complete(step, inputs);
  }

  /**
   * Decides a step whose step inputs are all known: resolves its model (score and drift steps),
   * computes its fingerprint and asks the step cache. The run calls it again for an
   * {@link StepDecision.AfterUpstream} step once its upstream has run.
   */
  StepDecision complete(StepPlan step, List<StepInput> inputs) {
    List<StepInput> all = new ArrayList<>(inputs);
    Fingerprint fingerprint = null;
    try {
      scoredModel(step).ifPresent(m -> all.add(new StepInput.ScoredModel(m)));
      fingerprint = Fingerprint.of(step.configHash(), LakemillVersion.get(), all);
      StepCache.Decision d = cache.decide(step, fingerprint);
      return d.skip() ? new StepDecision.Skip(step, all, fingerprint, d.recorded(), d.reason())
          : new StepDecision.Run(step, all, fingerprint, d.reason());
    } catch (RuntimeException e) {
      return new StepDecision.Blocked(step, all, fingerprint, e);
    }
  }

  /** What later steps of the run read of a decided step: its reused output, a view, or its output of this run. */
  private static StepInput readBy(StepDecision decision) {
    StepPlan step = decision.step();
    if (decision instanceof StepDecision.Skip s) {
      return output(step, s.reusedVersion(), s.reused().runId(), s.fingerprint().hash(), lineage(s.inputs()));
    }
    if (decision instanceof StepDecision.Run r && step.isView()) {
      return output(step, -1, "", r.fingerprint().hash(), lineage(r.inputs()));
    }
    return new StepInput.ThisRun(step.name());
  }

  /**
   * A step's output as its readers see it, once run {@code writer} wrote it (or a skipped step reused
   * it) at {@code version}: an {@code overwrite} table whole, any other table as the rows that run
   * produced at that version.
   */
  static StepInput output(StepPlan step, long version, String writer, String fingerprint, List<InputVersion> lineage) {
    if (step instanceof TrainStepPlan train) {
      return new StepInput.Model(step.name(), train.modelName(), version, fingerprint, lineage);
    }
    if (step instanceof ValidateStepPlan) {
      return new StepInput.Result(step.name(), version, fingerprint, lineage);
    }
    return step.output() == null ? new StepInput.Result(step.name(), -1, fingerprint, lineage)
        : new StepInput.Table(step.name(), step.output().location(), version, fingerprint, lineage,
            step.output().mode() == WriteMode.OVERWRITE ? "" : writer);
  }

  /** Every input with its version, and what step inputs read in turn, back to the sources. */
  static List<InputVersion> lineage(List<StepInput> inputs) {
    Map<String, InputVersion> all = new LinkedHashMap<>();
    for (StepInput input : inputs) {
      all.putIfAbsent(input.name(), input.stored());
      for (InputVersion upstream : input.lineage()) {
        all.putIfAbsent(upstream.name(), upstream);
      }
    }
    return List.copyOf(all.values());
  }

  /**
   * {@code name} as {@code reader} reads it: a source at its current version, a step of this run as
   * decided, or a step outside it as the ledger recorded it for this run id (else its latest
   * successful run).
   */
  private StepInput resolve(String reader, String name) {
    Optional<StepPlan> writer = plan.source(name).flatMap(s -> plan.writerOf(s, reader))
        .filter(w -> decided.contains(w.name()));
    if (writer.isPresent()) {
      return afterWriter(plan.source(name).orElseThrow(), outputs.get(writer.get().name()));
    }
    StepInput known = outputs.get(name);
    if (known != null) {
      return known;
    }
    Optional<SourcePlan> source = plan.source(name);
    StepInput input;
    if (source.isPresent()) {
      String fingerprint = reads.sourceStamp(source.get());
      input = new StepInput.Source(source.get(), reads.sourceVersion(source.get()), fingerprint);
    } else {
      StepPlan upstream = plan.step(name).orElseThrow();
      Optional<RunLedger.Recorded> recorded = reads.lastSucceeded(plan.pipeline(), name, runId);
      if (upstream.output() == null) {
        // A train or validate step outside this invocation: its model version, if it ever ran.
        long version = recorded.map(RunLedger.Recorded::outputVersion).orElse(-1L);
        String fingerprint = recorded.map(RunLedger.Recorded::fingerprint).orElse("");
        input = upstream instanceof TrainStepPlan t
            ? new StepInput.Model(name, t.modelName(), version, fingerprint, List.of())
            : new StepInput.Result(name, version, fingerprint, List.of());
      } else {
        RunLedger.Recorded r = recorded.orElseThrow(() -> RunErrors.upstreamNeverRan(reader, name));
        input = output(upstream, r.outputVersion(), r.runId(), r.fingerprint(), r.inputs());
      }
    }
    outputs.put(name, input);
    return input;
  }

  /**
   * A delta source on the table a step of this run writes, as decided for that step: pending until it
   * has run, else at the version it reused.
   */
  static StepInput afterWriter(SourcePlan source, StepInput writer) {
    if (writer instanceof StepInput.ThisRun pending) {
      return new StepInput.SourceAfterWriter(source, pending.name());
    }
    return new StepInput.Source(source, writer.stored().version(), source.configHash());
  }

  /**
   * The model a score or drift step uses: which version it is belongs to the step's fingerprint (a
   * moved alias makes the step run again).
   */
  private Optional<ModelVersion> scoredModel(StepPlan step) {
    if (step instanceof ScoreStepPlan score) {
      return Optional.of(reads.registry().resolve(score.model()));
    }
    return step instanceof DriftStepPlan drift && drift.model() != null
        ? Optional.of(reads.registry().resolve(drift.model())) : Optional.empty();
  }
}
