package dev.lakemill.error;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;

/**
 * Every message of a pipeline definition problem, in one place (the run-time counterpart is
 * {@code dev.lakemill.engine.step.RunErrors}). Policy: a message starts with a capital, names the offending
 * value in quotes, and ends with how to fix it: a did-you-mean, the allowed values, or an example.
 * The file, line and key path are not part of the message: {@link Problem} adds them.
 */
public final class PipelineErrors {
  private PipelineErrors() {}

  /** Every problem of a pipeline file or environment config, in one exception. */
  public static PipelineConfigException invalid(List<Problem> problems) {
    return new PipelineConfigException(problems);
  }

  public static PipelineConfigException invalid(Problem problem) {
    return invalid(List.of(problem));
  }


  /** A command-line duration ({@code --timeout 45m}) that is not a positive duration. */
  public static LakemillException badDuration(String option, String text) {
    return invalidInput("Cannot use " + option + " '" + text + "': give a positive duration such as 30s, 10m or 2h");
  }

  private static LakemillException invalidInput(String message) {
    return new LakemillException(LakemillException.Kind.INVALID_INPUT, message);
  }

  public static String unknownKey(String key, String where, Collection<String> allowed) {
    return "Unknown key " + q(key) + " in " + where + Names.suggestion(key, allowed);
  }

  public static String missingKey(String key, String hint) {
    return "Missing required key " + q(key) + ": " + hint;
  }

  public static String wrongType(String key, String expected, String found) {
    return "Cannot use " + key + ": expected " + expected + " but found " + found;
  }

  public static String notANumber(String key, String text, String expected) {
    return "Cannot use " + key + " = " + q(text) + ": expected " + expected;
  }

  public static String notABoolean(String key, String text) {
    return "Cannot use " + key + " = " + q(text) + ": expected true or false";
  }

  /** An unknown value of a closed set (format, generator, step type, mode, on-violation, ...). */
  public static String unknownValue(String what, String given, Collection<String> allowed) {
    return "Unknown " + what + " " + q(given) + Names.suggestion(given, allowed);
  }

  public static String badName(String what, String name) {
    return "Cannot use " + what + " name " + q(name) + ": use letters, digits, - and _, starting with a letter";
  }

  /** {@code pipeline.schedule} that is neither a 5-field cron expression nor an Airflow preset. */
  public static String notASchedule(String text, Collection<String> presets) {
    return "Cannot use schedule " + q(text) + ": not a cron expression (5 fields: minute hour day-of-month month"
        + " day-of-week) or an Airflow preset (" + String.join(", ", presets) + "); e.g. schedule = \"0 3 * * *\","
        + " or schedule { on-update = [schema.table, \"model@alias\"] } to run when those change";
  }

  public static String unknownSchedulePreset(String text, Collection<String> presets) {
    return "Cannot use schedule " + q(text) + ": not an Airflow preset (" + String.join(", ", presets) + ")"
        + Names.suggestion(text.trim(), presets);
  }

  /** @param reason which field is wrong and why, e.g. {@code hour '25' is not a number 0-23} */
  public static String badCronField(String text, String reason) {
    return "Cannot use schedule " + q(text) + ": " + reason + " (cron fields: minute hour day-of-month month"
        + " day-of-week)";
  }

  public static String badOnUpdateEntry(String entry) {
    return "Cannot use on-update entry " + q(entry) + ": expected a lakehouse table (schema.table, lowercase) or a"
        + " model alias (model@alias), e.g. on-update = [silver.customers, \"churn@champion\"]";
  }

  public static String onUpdateVersion(String entry, String model) {
    return "Cannot use on-update entry " + q(entry) + ": a model version never moves; name an alias, e.g. "
        + q(model + "@champion");
  }

  public static String emptyOnUpdate() {
    return "Cannot use an empty on-update list: name the tables (schema.table) or model aliases (model@alias) whose"
        + " updates start the pipeline, or give a cron schedule instead";
  }

  public static String missingPipelineBlock() {
    return "Missing pipeline { name = ... } block: every pipeline file starts with one";
  }

  public static String missingSteps() {
    return "Missing steps { ... }: declare at least one step, e.g. steps { prepare { type = sql, sql = \"SELECT ...\" } }";
  }

  public static String deltaSourceNeedsOneLocation() {
    return "A delta source needs exactly one of table = schema.table (a lakehouse table) or path = <folder>";
  }

  public static String bothTimeTravelKeys() {
    return "Cannot use both version-as-of and timestamp-as-of: pick one";
  }

  public static String negative(String key, long value, String rule) {
    return "Cannot use " + key + " " + value + ": " + rule;
  }

  public static String expectationKinds(int found) {
    return "An expectation needs exactly one of check = \"<SQL condition>\", unique = [columns] or not-null = [columns];"
        + " found " + found;
  }

  public static String emptyColumnList() {
    return "Cannot use an empty column list: name at least one column";
  }

  public static String missingFile(String what, String fix) {
    return "Cannot read " + what + ": it does not exist or is not a file; " + fix;
  }

  /** {@code lakemill.dags.deploy} other than {@code shared} or {@code ship}. */
  public static String unknownDeploy(String given) {
    return "Unknown lakemill.dags.deploy value " + q(given) + "; use shared (the driver reads the pipeline file where"
        + " it is deployed) or ship (spark-submit ships it with the task)";
  }

  /** A file that exists or may exist but that its file system would not give (connection, permission). */
  public static String unreadableFile(String what, String reason) {
    return "Cannot read " + what + ": " + reason + "; check the location, that its file system is reachable and"
        + " the Hadoop settings it needs (spark.hadoop.* in the environment, HADOOP_CONF_DIR)";
  }

  /** A {@code --param} key that is not a HOCON path (a space, a quote, an empty part, ...). */
  public static String includeRefused(String kind, String what) {
    return "Cannot include " + kind + "(" + q(what) + "): a pipeline file includes only files in its own folder,"
        + " so that validate and dags generate fetch nothing and the fingerprint covers every byte; copy the file"
        + " next to the pipeline file and write include \"<relative path>\"";
  }

  public static String includeOutsideFolder(String written, String folder) {
    return "Cannot include " + written + ": it is outside the pipeline file's folder " + folder
        + "; move the file into that folder (or below it) and include it by its relative path";
  }

  public static String includeMissing(String written, String resolved) {
    return "Included file " + written + " does not exist (" + resolved + "); create it or remove the include"
        + " (includes are resolved against the including file's folder)";
  }

  public static String includeCycle(String written, String resolved) {
    return "Include " + written + " includes " + resolved + " again, which is already being included; remove one"
        + " of the includes";
  }

  public static String badParamKey(String key) {
    return "Cannot use --param " + q(key) + ": a param name has letters, digits, - and _, and names a key declared"
        + " under params, e.g. --param rows=2000";
  }

  public static String unknownParam(String key, Collection<String> declared, String file) {
    return "Unknown param " + q(key) + Names.suggestion(key, declared) + " (declare it under params in " + file + " first)";
  }

  /** @param text what the reference is in: {@code SQL} or {@code the report path} */
  public static String substitutionNotParam(String reference, String text) {
    return "Cannot substitute ${" + reference + "} in " + text + ": only ${params.<name>} is replaced inside " + text
        + "; declare the value under params";
  }

  public static String unresolvedParam(String reference, String name, Collection<String> params, String text) {
    return "Unresolved substitution ${" + reference + "} in " + text + Names.closest(name, params)
        .map(c -> "; did you mean ${params." + c + "}?")
        .orElse("; declare '" + name + "' under params or pass --param " + name + "=...");
  }

  public static String unsafeParam(String name, String value, String text) {
    return "Cannot substitute params." + name + " = " + q(value) + " into " + text + ": it contains a quote, semicolon,"
        + " backslash, comment marker or line break; pass a plain value";
  }

  /** A param's value that is not of the type of its default. */
  public static String paramOfWrongType(String name, String value, String source, String expected, String defaultValue) {
    return "Cannot use params." + name + " = " + q(value) + source + ": it must be " + expected + ", like its default "
        + defaultValue + " on this line; pass " + expected + ", e.g. --param " + name + "=" + defaultValue
        + ", or change the default";
  }

  /** @param text what the reference is in: {@code SQL} or {@code check} */
  public static String paramAsName(String name, String text) {
    return "Cannot use ${params." + name + "} as a name in " + text + ": params are bound as values, never pasted into"
        + " the text, so they cannot name (or be part of the name of) a table, column or alias; use the param where a"
        + " value goes (e.g. WHERE region = ${params." + name + "}), or write the name itself";
  }

  /** A HOCON substitution outside the quotes of a {@code sql} or {@code check} value. */
  public static String unquotedSubstitution(String reference, String key) {
    String fix = reference.startsWith("params.")
        ? "write the placeholder inside the quoted text instead, e.g. " + key + " = \"... = ${" + reference
            + "}\": lakemill then binds the param as a value"
        : "declare it as a param (e.g. params { p = ${?NAME} }) and write ${params.p} inside the quoted text,"
            + " where lakemill binds it as a value";
    return "Cannot build " + key + " from ${" + reference + "} outside the quotes: HOCON would paste its value into"
        + " the SQL as text; " + fix;
  }

  public static String nameDiffersOnlyInCase(String what, String name, Object other) {
    return what + " name " + q(name) + " differs only in case from another " + what.toLowerCase(java.util.Locale.ROOT)
        + " (" + other + "); SQL names are case-insensitive, rename one";
  }

  public static String stepNamedLikeSource(String name, Object source) {
    return "Step name " + q(name) + " is also the name of a source (" + source
        + "); rename one of them so SQL references are unambiguous";
  }

  public static String unknownReference(String reference, String hint) {
    return "Unknown table or step " + q(reference) + hint;
  }

  public static String readThroughWriter(String writer) {
    return "; read it by the name of the step that writes it: " + writer + " (use backticks for names with '-': `"
        + writer + "`)";
  }

  public static String declareAsDeltaSource(String table) {
    return "; to read a lakehouse table, declare it under sources with format = delta and table = " + table;
  }

  public static String cycle(List<String> cycle) {
    return "Dependency cycle: " + String.join(" -> ", cycle) + " (each step reads the next); remove one of these references";
  }

  public static String badSchema(String schema, int column, String error) {
    return "Cannot parse schema " + q(schema) + " at column " + column + ": " + error
        + "; use Spark DDL, e.g. \"plan STRING, monthly_fee DOUBLE\"";
  }

  public static String reservedReaderOption(String option) {
    return "Cannot set options." + option + ": lakemill reads csv and json sources strictly and sets Spark's parse"
        + " mode itself; remove it and use on-bad-records = fail (the default) or quarantine";
  }

  public static String quarantineNeedsRecords(String format) {
    return "Cannot use on-bad-records = quarantine for a " + format + " source: " + format + " files have typed"
        + " columns and no records to set aside (a file that does not match the schema always fails); remove it";
  }

  public static String badRecordsTableWithoutQuarantine() {
    return "Cannot use bad-records-table without on-bad-records = quarantine: only quarantine writes bad records;"
        + " add on-bad-records = quarantine or remove bad-records-table";
  }

  public static String badRecordsTableWrittenByStep(String table, String step, Object stepAt) {
    return "Cannot put bad records in " + table + ": step " + q(step) + " (" + stepAt + ") writes that table;"
        + " give the bad records a table of their own";
  }

  public static String sqlSyntax(int line, int column, String error) {
    return "SQL does not parse at line " + line + ", column " + column + " of the SQL: " + error
        + "; " + parseFix(error, "fix the SQL (it must be one SELECT query)");
  }

  private static final java.util.regex.Pattern INVALID_IDENTIFIER =
      java.util.regex.Pattern.compile("^\\[INVALID_IDENTIFIER] The unquoted identifier (\\S+) is invalid");

  /** The fix for an error of Spark's parser: its own for a name that must be back-quoted, else {@code otherwise}. */
  private static String parseFix(String error, String otherwise) {
    java.util.regex.Matcher m = INVALID_IDENTIFIER.matcher(error);
    return m.find() ? "back-quote it (`" + m.group(1) + "`) or rename the step" : otherwise;
  }

  /** A read or call the SQL may not make; {@code kind} is one of {@code SqlAnalyzer.ForbiddenKind}'s names. */
  public static String forbiddenRead(String kind, String text, String why) {
    return switch (kind) {
      case "FILE_TABLE" -> "SQL reads the file " + text + " directly, which nothing declares; declare it under"
          + " sources (format and path) and read it by the source's name";
      case "COMPUTED_NAME" -> text + " names a table or function that is known only at run time; write the name"
          + " of a source or step, or IDENTIFIER('name') with a string literal";
      case "TABLE_FUNCTION" -> "Table function " + q(text) + " may read data nothing declares; only Spark's row"
          + " generators (range, explode, inline, posexplode, stack, json_tuple, ...) are allowed; declare the data"
          + " as a source and read it by name";
      case "DENIED_FUNCTION" -> "Function " + q(text) + " is not allowed in a pipeline: it " + why
          + "; compute the value in SQL from declared sources, or pass it as a param";
      case "CATALOG_FUNCTION" -> "Function " + q(text) + " is named with a catalog or database; only Spark's"
          + " built-in functions may be called: write the function's plain name";
      case "SCRIPT" -> text + " runs a program, which a pipeline may not do; compute the columns in SQL";
      default -> throw new IllegalArgumentException(kind);
    };
  }

  public static String unnamedColumn(String expression) {
    return "Column " + q(expression) + " has no alias, and Delta rejects the name Spark would give it (spaces,"
        + " commas, parentheses and = are not allowed); write " + expression + " AS <name>";
  }

  public static String badCheck(String check, int column, String error) {
    return "Cannot parse check " + q(check) + " at column " + column + ": " + error
        + "; " + parseFix(error, "write a SQL boolean expression, e.g. \"age >= 18\"");
  }

  public static String dropWithoutOutput(String expectation, String step) {
    return "Expectation " + q(expectation) + " drops rows, but step " + q(step) + " has no output to put the"
        + " quarantine table next to; add output = schema.table or use on-violation = warn or fail";
  }

  public static String tableWrittenTwice(String step, String table, String other, Object otherAt) {
    return "Step " + q(step) + " writes " + table + ", which step " + q(other) + " (" + otherAt + ") already writes;"
        + " give each step its own output table";
  }

  public static String quarantineNameTaken(String step, String table, String owner, String ownerTable, Object ownerAt) {
    return "Step " + q(step) + " writes " + table + ", the quarantine table of " + ownerTable + " (written by step "
        + q(owner) + " at " + ownerAt + "), where rows dropped by its expectations go; give this output another name";
  }

  public static String mergeNeedsKeys() {
    return "Output mode merge needs merge-keys = [columns that identify a row]";
  }

  public static String mergeKeysWithoutMerge(String mode) {
    return "Cannot use merge-keys with mode " + mode + ": they apply to mode = merge only; remove them or set mode = merge";
  }

  public static String replacePartitionsNeedsPartitionBy() {
    return "Output mode replace-partitions needs partition-by = [columns], e.g. partition-by = [snapshot_date]";
  }

  public static String badTableName(String table) {
    return "Cannot use table name " + q(table) + ": write schema.table with lowercase letters, digits and _"
        + " (e.g. silver.customers)";
  }

  public static LakemillException unknownStep(String name, String option, Collection<String> steps) {
    return invalidInput("Unknown step " + q(name) + " in " + option + Names.suggestion(name, steps));
  }

  /** A pipeline file nested so deeply that reading it overflowed the stack. */
  public static PipelineConfigException tooDeep(String file) {
    return invalid(new Problem("", new dev.lakemill.spec.SourceLocation(file, 0), "Cannot read the file: its objects"
        + " or arrays are nested too deeply (reading it overflowed the stack); a pipeline needs a few levels, so"
        + " flatten it"));
  }

  public static LakemillException badRunId(String runId) {
    return invalidInput("Cannot use run id " + q(runId) + ": use " + RunIdRule.describe() + " (Airflow run ids"
        + " qualify)");
  }

  public static String emptyStages() {
    return "Cannot use an empty stages list: declare at least one MLlib stage, or read the input directly";
  }

  public static String gateKinds(int found) {
    return "A gate needs exactly one of at-least, at-most, at-least-champion-minus or at-most-champion-plus; found "
        + found;
  }

  public static String splitKinds() {
    return "A split is either random (test-fraction = 0.2, seed = 42) or by time (by = <column>, test-from ="
        + " <first test value>): give the keys of exactly one";
  }

  public static String outOfRange(String key, Object value, String rule) {
    return "Cannot use " + key + " = " + value + ": must be " + rule;
  }

  public static String unsafeSplitValue(String value) {
    return "Cannot use test-from = " + q(value) + ": use a plain date, time or number (letters, digits, space and"
        + " : . + _ -)";
  }

  public static String keyOfOtherMethod(String key, String method, String instead) {
    return "Cannot use " + key + " here: it belongs to method = " + method + "; use " + instead + " or change the method";
  }

  public static String emptyGridEntry(String param) {
    return "Cannot use an empty list for grid." + param + ": give at least one value";
  }

  public static String emptyGrid() {
    return "Cannot use an empty grid: give estimator params to try, e.g. grid { maxDepth = [3, 5] }";
  }

  public static String unknownMlType(String type, Collection<String> known) {
    return "Unknown MLlib class " + q(type) + Names.suggestion(type, known)
        + " (a simple name from org.apache.spark.ml.feature, .classification, .regression, .clustering,"
        + " .recommendation, or a fully qualified class name)";
  }

  public static String unusableMlType(String type, String reason) {
    return "Cannot use " + q(type) + " as an MLlib stage: it " + reason;
  }

  public static String notAnEstimator(String type) {
    return "Cannot use " + q(type) + " as the estimator: it is a Transformer, not an Estimator; move it to a features"
        + " step's stages and name an estimator here, e.g. GBTClassifier";
  }

  public static String unknownMlParam(String param, String type, Collection<String> params) {
    return "Unknown param " + q(param) + " of " + type + Names.suggestion(param, params)
        + " (params use MLlib's own names)";
  }

  public static String badMlParamValue(String param, String type, String value, String reason) {
    return "Cannot use " + param + " = " + q(value) + " for " + type + ": " + reason;
  }

  public static String metricDoesNotFit(String metric, String estimator, String problem, Collection<String> allowed) {
    if (problem.equals("other")) {
      return "Cannot use metric " + q(metric) + ": " + estimator + " has no standard evaluator in lakemill; remove"
          + " tuning, metrics and gates for it";
    }
    return "Cannot use metric " + q(metric) + " for " + estimator + " (" + problem + ")"
        + Names.closest(metric, allowed).map(c -> "; did you mean " + q(c) + "?").orElse("")
        + "; " + problem + " metrics are " + allowed;
  }

  public static String gridOutsideEstimator(String param, String estimator, Collection<String> params) {
    return "Unknown param " + q(param) + " in grid: grid entries are params of the estimator " + estimator
        + Names.suggestion(param, params);
  }

  public static String notATrainStep(String step, String found, Collection<String> trainSteps) {
    return "Cannot validate " + q(step) + ": model must name a train step of this pipeline, and " + q(step) + " is "
        + found + (trainSteps.isEmpty() ? "" : Names.suggestion(step, trainSteps));
  }

  public static String badModelRef(String text) {
    return "Cannot use model = " + q(text) + ": write name@alias or name@vN, e.g. \"churn@champion\" or \"churn@v3\"";
  }

  public static String trainInputNotReadable(String input) {
    return "Cannot read " + q(input) + ": train and validate steps produce models, not rows; read the features step"
        + " or a step with rows";
  }

  public static String featuresWithoutOutputRead(String reader, String features) {
    return "Step " + q(reader) + " reads features step " + q(features) + ", which has no output; only train steps"
        + " can use a features step without output (add output = schema.table to it, or read its input)";
  }

  public static String gateMetricNotComputed(String metric, Collection<String> metrics) {
    return "Gate metric " + q(metric) + " is not in metrics " + metrics + "; add it to metrics";
  }

  public static String driftOutputNotATable() {
    return "Cannot use an output block in a drift step: name the history table, e.g. output = monitoring.churn_drift"
        + " (each run replaces its own run date's rows there)";
  }

  /** An {@code on-drift.params} entry named like a key every drift trigger's conf has already. */
  public static String reservedTriggerParam(String name, java.util.Collection<String> reserved) {
    return "Cannot use " + q(name) + " in on-drift.params: every drift trigger's conf already has " + q(name)
        + " (it sends " + String.join(", ", reserved) + "); name the param of the triggered pipeline, e.g."
        + " train-to = \"${params.run-date}\"";
  }

  public static String triggerParamsWithoutPipeline() {
    return "Cannot use on-drift.params without trigger-pipeline: the params are sent to the pipeline it triggers;"
        + " add trigger-pipeline = <pipeline name>, or remove params";
  }

  public static String badDriftData(String key, String text) {
    return "Cannot use " + key + " = " + q(text) + ": name a source or step of this pipeline, or a lakehouse table"
        + " schema.table or schema.table@vN (e.g. gold.churn_scores@v3)";
  }

  /** @param model whether the step names a model, whose training rows are the default reference */
  public static String unpinnedReference(String text, boolean model) {
    return "Cannot use reference = " + q(text) + " without a version: a baseline must not move, so pin it, e.g. "
        + text + "@v0" + (model ? ", or leave reference out to compare with the model's training rows" : "");
  }

  public static String driftWithoutModelOrReference() {
    return "Missing required key 'reference': a drift step without a model has no training rows to compare with;"
        + " add reference = <a source or step, or schema.table@vN>, or model = \"name@alias\" to compare with that"
        + " model's training rows";
  }

  public static String driftDataNotRows(String key, String step, String why) {
    return "Cannot use " + key + " = " + q(step) + ": " + why;
  }

  /** @param method the method the threshold applies to, or null when the column's method is not declared */
  public static String driftTableOfAStep(String key, String text, String step) {
    return "Cannot use " + key + " = " + q(text) + ": step " + q(step) + " of this pipeline writes that table; name the"
        + " step instead (" + key + " = " + step + "), so that this step runs after it and reads what it wrote";
  }

  public static String driftThresholdOutOfRange(String key, double value, String method, boolean test) {
    String rule = method == null
        ? "a threshold must be positive (for ks, chisquare and z a p-value below 1), e.g. 0.1"
        : test ? method + " is a statistical test, so its threshold is a p-value between 0 and 1 (exclusive), e.g. 0.05"
        : method + " is a distance, so its threshold must be a positive number, e.g. 0.1";
    return "Cannot use thresholds." + key + " = " + value + ": " + rule;
  }

  public static String unknownDriftColumn(String block, String column, Collection<String> columns) {
    return "Unknown column " + q(column) + " in " + block + Names.suggestion(column, columns)
        + " (a drift step with columns = [...] only compares those; a threshold key is a column or a method name)";
  }

  public static String badDriftRunDate(String value, String step) {
    return "Cannot use params.run-date = " + q(value) + ": drift step " + q(step) + " records it as the run date of"
        + " its history rows; write a date such as \"2026-11-26\"";
  }

  static String q(String text) {
    return "'" + text + "'";
  }

  /** An environment setting given as an empty string. */
  public static String blankSetting(String key) {
    return "Cannot use an empty " + key + ": give a value or remove the key to use the default";
  }

  /** {@code dags generate --airflow} names a version lakemill does not write DAGs for. */
  public static LakemillException unknownAirflow(String given) {
    return invalidInput("Cannot generate DAGs for Airflow '" + given + "': use --airflow 2 or --airflow 3");
  }
}
