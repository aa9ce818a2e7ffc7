package dev.lakemill.ledger;

import dev.lakemill.delta.DeltaIO;
import dev.lakemill.delta.KernelTables;
import dev.lakemill.settings.Environment;
import java.sql.Timestamp;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The run ledger's read side through Delta Kernel ({@link KernelTables}), without a SparkSession: what
 * {@code lakemill history} shows. Rows are column name to value, with the columns of {@link RunLedger}'s
 * tables ({@code run_id}, {@code started_at}, ...). A ledger table Kernel cannot read fails with the same
 * {@link dev.lakemill.error.LakemillException.Kind#DAMAGED_STATE} error as {@link RunLedger}'s reads.
 */
public final class LedgerReader {
  private static final List<String> RUN_COLUMNS = List.of(RunLedger.RUNS.fieldNames());
  private static final List<String> STEP_COLUMNS = List.of(RunLedger.STEPS.fieldNames());

  private final KernelTables tables;
  private final String location;

  /** @param location the ledger folder, {@code <lakehouse root>/_lakemill} */
  public LedgerReader(Environment env, String location) {
    this(KernelTables.of(env), location);
  }

  /** Reads with {@code tables} (e.g. a running session's Hadoop settings). */
  public LedgerReader(KernelTables tables, String location) {
    this.tables = tables;
    this.location = location;
  }

  public String runsLocation() {
    return location + "/runs";
  }

  public String stepsLocation() {
    return location + "/steps";
  }

  /** One run of {@link #recent} with its steps' rows, in execution order. */
  public record RecentRun(Map<String, Object> run, List<Map<String, Object>> steps) {
    public RecentRun {
      steps = List.copyOf(steps);
    }
  }

  /**
   * The latest {@code limit} invocations (newest first), of {@code pipeline} only unless it is null, each with
   * the steps recorded under its run id and pipeline ordered by start and position; empty when the ledger
   * does not exist (a new lakehouse). A ledger table that remains without a readable log, or a steps table without its runs table,
   * fails as damaged.
   */
  public Optional<List<RecentRun>> recent(String pipeline, int limit) {
    Optional<KernelTables.Rows> steps = pipeline == null
        ? tables.rows(stepsLocation(), STEP_COLUMNS, damaged(stepsLocation())) : stepsOf(pipeline);
    Optional<KernelTables.Rows> runs = tables.rows(runsLocation(), RUN_COLUMNS, damaged(runsLocation()));
    if (runs.isEmpty()) {
      if (steps.isPresent()) {
        throw LedgerErrors.runsMissing(runsLocation(), stepsLocation());
      }
      return Optional.empty();
    }
    List<Map<String, Object>> latest = runs.get().rows().stream()
        .filter(r -> pipeline == null || pipeline.equals(r.get("pipeline")))
        .sorted(Comparator.comparing((Map<String, Object> r) -> (Timestamp) r.get("started_at"),
            Comparator.nullsLast(Comparator.reverseOrder())))
        .limit(limit).toList();
    Set<Object> ids = latest.stream().map(r -> r.get("run_id")).collect(java.util.stream.Collectors.toSet());
    List<Map<String, Object>> ofThem = steps.map(KernelTables.Rows::rows).orElse(List.of()).stream()
        .filter(s -> ids.contains(s.get("run_id")))
        .sorted(Comparator.comparing((Map<String, Object> s) -> (Timestamp) s.get("started_at"),
                Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(s -> (Integer) s.get("position"), Comparator.nullsFirst(Comparator.naturalOrder())))
        .toList();
    return Optional.of(latest.stream().map(r -> new RecentRun(r, ofThem.stream()
        .filter(s -> Objects.equals(r.get("run_id"), s.get("run_id")) && Objects.equals(r.get("pipeline"), s.get("pipeline")))
        .toList())).toList());
  }

  /**
   * The latest successful (or skipped, hence still valid) record of every step of {@code pipeline}: what the
   * step cache compares fingerprints with (see {@link RunLedger#latestDone}); empty for a new lakehouse.
   */
  public Map<String, RunLedger.Recorded> latestDone(String pipeline) {
    if (!tables.present(runsLocation(), damaged(runsLocation()))) {
      if (tables.present(stepsLocation(), damaged(stepsLocation()))) {
        throw LedgerErrors.runsMissing(runsLocation(), stepsLocation());
      }
      return Map.of();
    }
    List<Map<String, Object>> steps = stepsOf(pipeline).map(KernelTables.Rows::rows).orElse(List.of());
    Map<String, Map<String, Object>> newest = new java.util.HashMap<>();
    Comparator<Map<String, Object>> byEnd = Comparator.comparing(r -> (Timestamp) r.get("ended_at"),
        Comparator.nullsFirst(Comparator.naturalOrder()));
    for (Map<String, Object> r : steps) {
      if (DONE.contains(r.get("status"))) {
        newest.merge((String) r.get("step"), r, (a, b) -> byEnd.compare(b, a) > 0 ? b : a);
      }
    }
    Map<String, RunLedger.Recorded> latest = new java.util.HashMap<>();
    newest.forEach((step, r) -> latest.put(step, recorded(r)));
    return latest;
  }

  /**
   * Checks that the ledger's tables are there, loading their latest snapshots unless copies answer
   * ({@link KernelTables#present}), so that the next reads through the same {@link KernelTables} start from
   * them; {@link #prefetch(String)} then reads a pipeline's step records.
   */
  public void prefetch() {
    tables.present(runsLocation(), damaged(runsLocation()));
    tables.present(stepsLocation(), damaged(stepsLocation()));
  }

  /** Reads the step records of {@code pipeline} that deciding its next run reads, answered from memory afterwards. */
  public void prefetch(String pipeline) {
    stepsOf(pipeline);
  }

  /**
   * The step records of {@code pipeline} in the latest snapshot: files holding only other pipelines' records
   * are skipped by their statistics, so a ledger shared by many pipelines costs each one its own files.
   */
  private Optional<KernelTables.Rows> stepsOf(String pipeline) {
    return tables.rows(stepsLocation(), STEP_COLUMNS, new KernelTables.Equals("pipeline", pipeline),
        damaged(stepsLocation()));
  }

  /**
   * The latest successful (or skipped) record of {@code step} of {@code pipeline}: within {@code runId} when it
   * recorded one, otherwise across all runs of the pipeline; without Spark.
   */
  public Optional<RunLedger.Recorded> lastSucceeded(String pipeline, String step, String runId) {
    Comparator<Map<String, Object>> newestFirst = Comparator
        .comparing((Map<String, Object> r) -> runId.equals(r.get("run_id")) ? 0 : 1)
        .thenComparing(r -> (Timestamp) r.get("ended_at"), Comparator.nullsLast(Comparator.reverseOrder()));
    return stepsOf(pipeline).map(KernelTables.Rows::rows).orElse(List.of()).stream()
        .filter(r -> step.equals(r.get("step")) && DONE.contains(r.get("status")))
        .min(newestFirst).map(LedgerReader::recorded);
  }

  /**
   * The run {@code runId} of {@code pipeline}, or its latest run when {@code runId} is null, with the steps its
   * invocations selected minus those that succeeded (or were up to date) under that id; empty when the ledger
   * has no such run. What {@code run --resume} reruns.
   */
  @SuppressWarnings("unchecked")
  public Optional<RunLedger.Resumable> resumable(String pipeline, String runId) {
    Optional<KernelTables.Rows> runs = tables.rows(runsLocation(), RUN_COLUMNS, damaged(runsLocation()));
    if (runs.isEmpty()) {
      if (tables.latest(stepsLocation(), damaged(stepsLocation())).isPresent()) {
        throw LedgerErrors.runsMissing(runsLocation(), stepsLocation());
      }
      return Optional.empty();
    }
    Comparator<Map<String, Object>> byStart = Comparator.comparing(r -> (Timestamp) r.get("started_at"),
        Comparator.nullsFirst(Comparator.naturalOrder()));
    List<Map<String, Object>> ofPipeline = runs.get().rows().stream()
        .filter(r -> pipeline.equals(r.get("pipeline"))).sorted(byStart).toList();
    Optional<Map<String, Object>> latest = ofPipeline.stream()
        .filter(r -> runId == null || runId.equals(r.get("run_id"))).reduce((a, b) -> b);
    if (latest.isEmpty()) {
      return Optional.empty();
    }
    String id = (String) latest.get().get("run_id");
    Set<String> selected = new java.util.LinkedHashSet<>();
    ofPipeline.stream().filter(r -> id.equals(r.get("run_id")))
        .forEach(r -> selected.addAll((List<String>) r.get("steps")));
    stepsOf(pipeline).map(KernelTables.Rows::rows).orElse(List.of()).stream()
        .filter(r -> id.equals(r.get("run_id")) && DONE.contains(r.get("status")))
        .forEach(r -> selected.remove((String) r.get("step")));
    return Optional.of(new RunLedger.Resumable(id, RunStatus.parse((String) latest.get().get("status")),
        List.copyOf(selected)));
  }

  private static final Set<String> DONE = Set.of(StepStatus.SUCCEEDED.text(), StepStatus.SKIPPED.text());
  private static final java.util.regex.Pattern REUSED = java.util.regex.Pattern.compile("^up to date \\(run (.*)\\)$");

  /** A skipped record's output was written by the run its note names ("up to date (run R)"). */
  @SuppressWarnings("unchecked")
  private static RunLedger.Recorded recorded(Map<String, Object> r) {
    String runId = (String) r.get("run_id");
    String note = (String) r.get("note");
    if (StepStatus.SKIPPED.text().equals(r.get("status")) && note != null) {
      java.util.regex.Matcher m = REUSED.matcher(note);
      if (m.matches()) {
        runId = m.group(1);
      }
    }
    List<dev.lakemill.delta.InputVersion> inputs = ((List<Map<String, Object>>) r.get("inputs")).stream()
        .map(i -> new dev.lakemill.delta.InputVersion((String) i.get("name"), (String) i.get("location"),
            (Long) i.get("version"), i.get("written_by") == null ? "" : (String) i.get("written_by")))
        .toList();
    Map<String, String> parts = (Map<String, String>) r.get("fingerprint_parts");
    return new RunLedger.Recorded(runId, (Long) r.get("output_version"), (String) r.get("fingerprint"), inputs,
        parts == null ? Map.of() : parts);
  }

  private static DeltaIO.Damaged damaged(String table) {
    return (latest, cause) -> LedgerErrors.damaged(table, latest, cause);
  }
}
