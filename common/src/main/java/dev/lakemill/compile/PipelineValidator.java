package dev.lakemill.compile;

import dev.lakemill.error.PipelineErrors;
import dev.lakemill.error.Problem;
import dev.lakemill.load.ConfigKeys;
import dev.lakemill.load.SqlParams;
import dev.lakemill.spec.DriftStepSpec;
import dev.lakemill.spec.ExpectationSpec;
import dev.lakemill.spec.OnBadRecords;
import dev.lakemill.spec.OnViolation;
import dev.lakemill.spec.OutputSpec;
import dev.lakemill.spec.PipelineSpec;
import dev.lakemill.spec.SourceFormat;
import dev.lakemill.spec.SourceLocation;
import dev.lakemill.spec.SourceSpec;
import dev.lakemill.spec.SqlStepSpec;
import dev.lakemill.spec.StepSpec;
import dev.lakemill.spec.WriteMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks across fields and steps of a bound {@link PipelineSpec}: SQL syntax, references, cycles,
 * table names and output modes. Returns every problem; never throws for invalid input.
 */
public final class PipelineValidator {
  /** {@code schema.table}, each part {@code [a-z0-9_]} starting with a letter or digit. */
  public static final Pattern TABLE_NAME = Pattern.compile("[a-z0-9][a-z0-9_]*\\.[a-z0-9][a-z0-9_]*");

  private final SqlAnalyzer analyzer;
  private final MlValidator ml;

  public PipelineValidator(SqlAnalyzer analyzer, MlCatalog catalog) {
    this.analyzer = analyzer;
    this.ml = new MlValidator(catalog);
  }

  /**
   * @param spec the bound pipeline
   * @param unbound names of sources and steps that failed to bind (already reported): references to
   *     them are not reported again
   */
  public List<Problem> validate(PipelineSpec spec, Set<String> unbound) {
    List<Problem> problems = new ArrayList<>();
    Map<String, SourceLocation> sourceNames = new HashMap<>();
    for (SourceSpec source : spec.sources()) {
      SourceLocation same = sourceNames.putIfAbsent(source.name().toLowerCase(Locale.ROOT), source.at());
      if (same != null) {
        problems.add(new Problem("sources." + source.name(), source.at(),
            PipelineErrors.nameDiffersOnlyInCase("Source", source.name(), same)));
      }
      checkSource(spec, source, problems);
    }
    Map<String, SourceLocation> stepNames = new HashMap<>();
    Map<String, StepSpec> writers = new HashMap<>();
    for (StepSpec step : spec.steps()) {
      String base = "steps." + step.name();
      SourceLocation same = stepNames.putIfAbsent(step.name().toLowerCase(Locale.ROOT), step.at());
      if (same != null) {
        problems.add(new Problem(base, step.at(), PipelineErrors.nameDiffersOnlyInCase("Step", step.name(), same)));
      }
      SourceLocation clash = sourceNames.get(step.name().toLowerCase(Locale.ROOT));
      if (clash != null) {
        problems.add(new Problem(base, step.at(), PipelineErrors.stepNamedLikeSource(step.name(), clash)));
      }
      if (step instanceof SqlStepSpec sql) {
        checkSql(spec, sql, base, problems);
      }
      ml.validate(spec, step, problems);
      if (step instanceof DriftStepSpec drift) {
        DriftValidator.validate(spec, drift, problems);
      }
      checkOutput(spec, step, base, writers, problems);
    }
    checkQuarantineNames(writers, problems);
    DriftValidator.checkRunDate(spec, problems);
    checkReferences(spec, unbound, problems);
    return problems;
  }

  private void checkReferences(PipelineSpec spec, Set<String> unbound, List<Problem> problems) {
    Dependencies deps = new Dependencies(spec, analyzer);
    for (Dependencies.Unresolved u : deps.unresolved()) {
      if (unbound.contains(u.reference())) {
        continue;
      }
      StepSpec step = spec.steps().stream().filter(s -> s.name().equals(u.step())).findFirst().orElseThrow();
      if (u.expectation() != null) {
        String key = "steps." + u.step() + ".expectations." + u.expectation() + ".check";
        problems.add(new Problem(key, spec.at(key, step.at()), PipelineErrors.unknownReference(u.reference(), u.hint())));
        continue;
      }
      SourceLocation at = step instanceof SqlStepSpec sql && !u.explicit()
          ? sql.sqlAt().plusLines(u.sqlLine() - 1)
          : step.at();
      String key = !u.explicit() ? "sql" : step instanceof DriftStepSpec d ? d.keyOf(u.reference()) : "inputs";
      problems.add(new Problem("steps." + u.step() + "." + key,
          u.explicit() ? spec.at("steps." + u.step() + "." + key, at) : at,
          PipelineErrors.unknownReference(u.reference(), u.hint())));
    }
    MlValidator.checkFeatureReaders(spec, deps, problems);
    List<String> names = spec.steps().stream().map(StepSpec::name).toList();
    List<String> cycle = deps.cycle(names);
    if (!cycle.isEmpty()) {
      StepSpec first = spec.steps().stream().filter(s -> s.name().equals(cycle.get(0))).findFirst().orElseThrow();
      problems.add(new Problem("steps." + first.name(), first.at(), PipelineErrors.cycle(cycle)));
    }
  }

  private void checkSource(PipelineSpec spec, SourceSpec source, List<Problem> problems) {
    String base = "sources." + source.name();
    if (source.table() != null) {
      checkTableName(source.table(), base + ".table", spec.at(base + ".table", source.at()), problems);
    }
    if (source.schema() != null) {
      for (SqlAnalyzer.SqlError e : analyzer.checkSchema(source.schema())) {
        problems.add(new Problem(base + ".schema", spec.at(base + ".schema", source.at()),
            PipelineErrors.badSchema(source.schema(), e.column(), e.message())));
      }
    }
    checkBadRecords(spec, source, base, problems);
  }

  /** {@code on-bad-records}, {@code bad-records-table} and the reader options lakemill sets itself. */
  private static void checkBadRecords(PipelineSpec spec, SourceSpec source, String base, List<Problem> problems) {
    boolean records = source.format() == SourceFormat.CSV || source.format() == SourceFormat.JSON;
    if (records) {
      for (String option : source.options().keySet()) {
        ConfigKeys.RESERVED_READER_OPTIONS.stream().filter(option::equalsIgnoreCase).findFirst().ifPresent(o ->
            problems.add(new Problem(base + ".options." + option, spec.at(base + ".options." + option, source.at()),
                PipelineErrors.reservedReaderOption(option))));
      }
    }
    String onBadRecords = base + "." + ConfigKeys.ON_BAD_RECORDS;
    if (source.onBadRecords() == OnBadRecords.QUARANTINE && !records) {
      problems.add(new Problem(onBadRecords, spec.at(onBadRecords, source.at()),
          PipelineErrors.quarantineNeedsRecords(source.format().key())));
    }
    String table = source.badRecordsTable();
    if (table == null) {
      return;
    }
    String path = base + "." + ConfigKeys.BAD_RECORDS_TABLE;
    SourceLocation at = spec.at(path, source.at());
    if (source.onBadRecords() != OnBadRecords.QUARANTINE) {
      problems.add(new Problem(path, at, PipelineErrors.badRecordsTableWithoutQuarantine()));
    } else if (checkTableName(table, path, at, problems)) {
      spec.steps().stream().filter(s -> s.output() != null && table.equals(s.output().table())).findFirst()
          .ifPresent(s -> problems.add(new Problem(path, at,
              PipelineErrors.badRecordsTableWrittenByStep(table, s.name(), s.output().at()))));
    }
  }

  private void checkSql(PipelineSpec spec, SqlStepSpec step, String base, List<Problem> problems) {
    if (step.sql() != null) {
      SqlAnalyzer.Analysis analysis = analyzer.analyzeQuery(step.sql());
      for (SqlAnalyzer.SqlError e : analysis.errors()) {
        String param = paramAt(spec, step, step.sql(), e);
        problems.add(new Problem(base + ".sql", step.sqlAt().plusLines(e.line() - 1), param != null
            ? PipelineErrors.paramAsName(param, "SQL") : PipelineErrors.sqlSyntax(e.line(), e.column(), e.message())));
      }
      for (SqlAnalyzer.Forbidden f : analysis.forbidden()) {
        problems.add(new Problem(base + ".sql", step.sqlAt().plusLines(f.line() - 1),
            PipelineErrors.forbiddenRead(f.kind().name(), f.text(), f.why())));
      }
      if (step.output() != null) {
        for (SqlAnalyzer.UnnamedColumn c : analysis.unnamedColumns()) {
          problems.add(new Problem(base + ".sql", step.sqlAt().plusLines(c.line() - 1),
              PipelineErrors.unnamedColumn(c.expression())));
        }
      }
    }
    for (ExpectationSpec e : step.expectations()) {
      String path = base + ".expectations." + e.name();
      if (e.check() != null) {
        SqlAnalyzer.Analysis check = analyzer.analyzeExpression(e.check());
        for (SqlAnalyzer.SqlError err : check.errors()) {
          String param = paramAt(spec, step, e.check(), err);
          problems.add(new Problem(path + ".check", spec.at(path + ".check", e.at()), param != null
              ? PipelineErrors.paramAsName(param, "check") : PipelineErrors.badCheck(e.check(), err.column(), err.message())));
        }
        for (SqlAnalyzer.Forbidden f : check.forbidden()) {
          problems.add(new Problem(path + ".check", spec.at(path + ".check", e.at()),
              PipelineErrors.forbiddenRead(f.kind().name(), f.text(), f.why())));
        }
      }
      if (e.onViolation() == OnViolation.DROP && step.output() == null) {
        problems.add(new Problem(path + ".on-violation", e.at(),
            PipelineErrors.dropWithoutOutput(e.name(), step.name())));
      }
    }
  }

  /**
   * The param whose marker ({@code :x}) the syntax error is at, or null. Spark takes a marker only
   * where a value goes, so such an error is a param used as a name.
   */
  private static String paramAt(PipelineSpec spec, SqlStepSpec step, String text, SqlAnalyzer.SqlError error) {
    String[] lines = text.split("\n", -1);
    if (error.line() < 1 || error.line() > lines.length) {
      return null;
    }
    String line = lines[error.line() - 1];
    int at = error.column() - 1;
    at = at > 0 && at < line.length() && line.charAt(at) != ':' && line.charAt(at - 1) == ':' ? at - 1 : at;
    if (at < 0 || at >= line.length() || line.charAt(at) != ':') {
      return null;
    }
    int end = at + 1;
    while (end < line.length() && (Character.isLetterOrDigit(line.charAt(end)) || line.charAt(end) == '_')) {
      end++;
    }
    String marker = line.substring(at + 1, end);
    if (!step.args().containsKey(marker)) {
      return null;
    }
    return spec.params().keySet().stream().filter(p -> SqlParams.marker(p).equals(marker)).findFirst().orElse(marker);
  }

  private void checkOutput(PipelineSpec spec, StepSpec step, String base, Map<String, StepSpec> writers, List<Problem> problems) {
    OutputSpec out = step.output();
    if (out == null || out.table() == null) {
      return;
    }
    String path = base + ".output";
    if (checkTableName(out.table(), path, out.at(), problems)) {
      StepSpec other = writers.putIfAbsent(out.table(), step);
      // Drift steps may share a history table: its rows are keyed by pipeline, step and run date.
      if (other != null && !(other instanceof DriftStepSpec && step instanceof DriftStepSpec)) {
        problems.add(new Problem(path, out.at(),
            PipelineErrors.tableWrittenTwice(step.name(), out.table(), other.name(), other.output().at())));
      }
    }
    if (out.mode() == WriteMode.MERGE && out.mergeKeys().isEmpty()) {
      problems.add(new Problem(path + ".merge-keys", out.at(),
          PipelineErrors.mergeNeedsKeys()));
    }
    if (out.mode() != WriteMode.MERGE && !out.mergeKeys().isEmpty()) {
      problems.add(new Problem(path + ".merge-keys", spec.at(path + ".merge-keys", out.at()),
          PipelineErrors.mergeKeysWithoutMerge(out.mode().key())));
    }
    if (out.mode() == WriteMode.REPLACE_PARTITIONS && out.partitionBy().isEmpty()) {
      problems.add(new Problem(path + ".partition-by", out.at(),
          PipelineErrors.replacePartitionsNeedsPartitionBy()));
    }
  }

  /**
   * {@code <table>_quarantine} is where the step writing {@code <table>} puts the rows its
   * expectations drop ({@code TablePlan.quarantine}); no step may write it as its output.
   */
  private static void checkQuarantineNames(Map<String, StepSpec> writers, List<Problem> problems) {
    for (Map.Entry<String, StepSpec> e : writers.entrySet()) {
      StepSpec other = writers.get(e.getKey() + "_quarantine");
      if (other != null) {
        StepSpec owner = e.getValue();
        problems.add(new Problem("steps." + other.name() + ".output", other.output().at(),
            PipelineErrors.quarantineNameTaken(other.name(), other.output().table(), owner.name(), e.getKey(),
                owner.output().at())));
      }
    }
  }

  private static boolean checkTableName(String table, String path, SourceLocation at, List<Problem> problems) {
    if (TABLE_NAME.matcher(table).matches()) {
      return true;
    }
    problems.add(new Problem(path, at, PipelineErrors.badTableName(table)));
    return false;
  }
}
