package dev.lakemill.jobs;

import dev.lakemill.error.LakemillException;

/**
 * The user-facing errors of the command line itself: options that cannot be used together, values out
 * of range, and references to runs or pipelines that do not exist. All are
 * {@link LakemillException.Kind#INVALID_INPUT} (exit code 2); {@link Lakemill} prints them.
 */
final class CliErrors {
  private CliErrors() {}

  static LakemillException resumeWithSelection() {
    return invalid("--resume picks the run and its steps itself: do not combine it with --run-id, --steps or --from");
  }

  static LakemillException waitAndNoWait() {
    return invalid("Use --wait or --no-wait, not both");
  }

  static LakemillException nothingToResume(String ledger, String pipeline) {
    return invalid("Nothing to resume: the ledger at " + ledger + " has no run of pipeline " + pipeline);
  }

  static LakemillException noSuchRun(String runId, String ledger, String pipeline) {
    return invalid("Cannot resume run " + runId + ": the ledger at " + ledger + " has no run " + runId
        + " of pipeline " + pipeline + " (lakemill history lists the runs)");
  }

  static LakemillException unknownFormat(String format) {
    return invalid("Unknown --format '" + format + "'; use text, json, mermaid or dot");
  }

  static LakemillException unknownOutputFormat(String format) {
    return invalid("Unknown --format '" + format + "'; use text or json");
  }

  static LakemillException badLimit(int limit) {
    return invalid("Cannot use --limit " + limit + ": give the number of runs to show, e.g. --limit 10");
  }

  static LakemillException badRetainHours(long hours) {
    return invalid("Cannot use --retain-hours " + hours + ": give 0 or more hours");
  }

  static LakemillException badModelReference(String model) {
    return invalid("Cannot use '" + model + "': write name@vN or name@alias, e.g. churn@v3");
  }

  static LakemillException badConfJson(String json) {
    return invalid("Cannot use --conf-json '" + json + "': give a JSON object such as '{\"rows\": 2000}'");
  }

  static LakemillException badLast(int last) {
    return invalid("Cannot use --last " + last + ": give the number of run dates to show, e.g. --last 14");
  }

  static LakemillException noDriftStep(String pipeline, String file) {
    return invalid("Pipeline " + pipeline + " (" + file + ") has no drift step, so no drift history; add a step with"
        + " type = drift");
  }

  static LakemillException unknownPipeline(String name, String root) {
    return invalid("Cannot find pipeline '" + name + "': it is not a file, and the ledger at " + root + " has no run"
        + " of a pipeline with that name; pass the pipeline file, e.g. lakemill drift history"
        + " pipeline-defs/churn-nightly.conf");
  }

  static LakemillException recordedFileGone(String file, String name) {
    return invalid("Cannot read pipeline file " + file + ", which the latest run of '" + name + "' recorded (it is"
        + " relative to where that run started); pass the pipeline file instead");
  }

  static LakemillException badInstant(String text) {
    return invalid("Cannot read --at '" + text + "': write an ISO-8601 instant such as 2026-11-01T00:00:00Z"
        + " (or +01:00 for an offset) or a date such as 2026-11-01 (start of the day, UTC)");
  }

  /** {@code text} as a date, for the option {@code option}. */
  static java.time.LocalDate date(String option, String text) {
    try {
      return java.time.LocalDate.parse(text);
    } catch (java.time.format.DateTimeParseException e) {
      throw invalid("Cannot read " + option + " '" + text + "': write a date such as 2026-11-01");
    }
  }

  static LakemillException backfillRange(String from, String to) {
    return invalid("Cannot backfill from " + from + " to " + to + ": --from is after --to; give the first date with"
        + " --from and the last with --to");
  }

  static LakemillException backfillRunDate() {
    return invalid("Cannot pass run-date to a backfill: each run's run-date is its own logical date, which the backfill"
        + " sets; give the dates with --from and --to");
  }

  static LakemillException badReprocess(String value) {
    return invalid("Unknown --reprocess '" + value + "'; use none (skip dates that have a run), failed or completed");
  }

  static LakemillException badMaxActiveRuns(int n) {
    return invalid("Cannot use --max-active-runs " + n + ": give 1 or more runs at a time");
  }

  static LakemillException noBackfillRange() {
    return invalid("lakemill backfill needs one --param whose value is a date range FROM..TO (ISO dates, both"
        + " included), e.g. --param run-date=2026-11-01..2026-11-30");
  }

  static LakemillException twoBackfillRanges(java.util.List<String> params) {
    return invalid("Cannot backfill over more than one range: --param " + String.join(", --param ", params)
        + " are all ranges; give FROM..TO to one param and a single value to the others");
  }

  static LakemillException badBackfillRange(String param, String value) {
    return invalid("Cannot read --param " + param + "=" + value + ": a range is FROM..TO with two ISO dates"
        + " (yyyy-mm-dd), both included, e.g. --param " + param + "=2026-11-01..2026-11-30");
  }

  static LakemillException notIsoDate(String param, String value, String date) {
    return invalid("Cannot read --param " + param + "=" + value + ": '" + date + "' is not an ISO date; write"
        + " yyyy-mm-dd, e.g. --param " + param + "=2026-11-01..2026-11-30");
  }

  static LakemillException rangeEndsBeforeStart(String param, String value) {
    String[] ends = value.split("\\.\\.", 2);
    return invalid("Cannot backfill --param " + param + "=" + value + ": the range ends (" + ends[1]
        + ") before it starts (" + ends[0] + "); write the first date first, e.g. --param " + param + "="
        + ends[1] + ".." + ends[0]);
  }

  static LakemillException badEvery(int days) {
    return invalid("Cannot use --every " + days + ": give the stride in days, 1 or more (1, the default, runs every"
        + " date of the range)");
  }

  static LakemillException tooManyDates(String param, String value, long dates, int max) {
    return invalid("Cannot backfill --param " + param + "=" + value + ": it holds " + dates + " dates, more than "
        + max + " (ten years); split it into several backfills or pass a larger --every");
  }

  static LakemillException nothingToResumeInRange(String ledger, String pipeline, String from, String to) {
    return invalid("Nothing to resume: the ledger at " + ledger + " has no backfill run of pipeline " + pipeline
        + " between " + from + " and " + to + "; run the backfill without --resume to start it");
  }

  private static LakemillException invalid(String message) {
    return new LakemillException(LakemillException.Kind.INVALID_INPUT, message);
  }
}
