package dev.lakemill.sources;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.from_csv;
import static org.apache.spark.sql.functions.get_json_object;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.json_object_keys;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.raise_error;
import static org.apache.spark.sql.functions.regexp_count;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakemill.delta.DeltaIO;
import dev.lakemill.error.LakemillException;
import dev.lakemill.plan.SourcePlan;
import dev.lakemill.spec.SourceFormat;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * The bad records of one csv or json source. The source is read with a corrupt-record column that
 * Spark fills with a record's raw text when the record does not match the schema (csv: another number
 * of values than columns, or a value that does not parse as its column's type; json: a line that is
 * not a JSON object, or a value that does not convert to its field's type).
 *
 * <p>With {@code on-bad-records = fail} nothing is cached or scanned twice: the good rows carry a
 * check that fails the task meeting a bad record, so the step's own job fails before its commit, and
 * only then {@link #explain} reads the source once more to name the first bad record. With
 * {@code quarantine} the parsed source is cached for the run: one scan counts and keeps the rows, the
 * bad ones are written from the cache, and steps read the good ones from it.
 */
public final class RecordCheck {
  /** The corrupt-record column added to the read schema. */
  static final String BAD = "_lakemill_bad_record";
  /** Bad records of one quarantine write that get their lines located; later ones keep a null line. */
  static final int MAX_LOCATED = 10_000;

  private static final String FILE = "_lakemill_file";
  private static final String BLOCK = "_lakemill_block";
  private static final String POSITION = "_lakemill_position";
  private static final String LINE = "line";
  private static final String MARKER = "lakemill-bad-record:";
  private static final String UNREADABLE = "not readable with the schema";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SparkSession spark;
  private final SourcePlan source;
  private final StructType schema;
  private final Dataset<Row> parsed;
  private Dataset<Row> cached;

  /** Good rows and counts of a quarantining read. */
  record Quarantined(Dataset<Row> good, long rows, long bad) {}

  /**
   * @param schema the source's columns (declared or inferred)
   * @param parsed the source read with {@code schema} plus {@link #BAD}
   */
  RecordCheck(SparkSession spark, SourcePlan source, StructType schema, Dataset<Row> parsed) {
    this.spark = spark;
    this.source = source;
    this.schema = schema;
    this.parsed = parsed;
  }

  /**
   * The good rows, checked as they are read: a bad record fails its task with a message that
   * {@link #failedSource} recognises. The check reads every column, whatever a step selects, because
   * Spark's csv and json readers only convert (and so only check) the columns a query uses; it is not
   * deterministic (it names the file), so Spark runs it below the step's own filters, on every record.
   */
  Dataset<Row> failing() {
    Column report = to_json(struct(lit(source.name()).as("source"), input_file_name().as("file"),
        col(BAD).as("record"), struct(columns()).as("parsed")));
    return parsed.where(when(col(BAD).isNull(), lit(true)).otherwise(raise_error(concat(lit(MARKER), report))))
        .select(columns());
  }

  /** Caches the parsed source, writes its bad records to the bad-records table and returns the good rows. */
  Quarantined quarantine(String pipeline, String runId) {
    cached = located().persist(StorageLevel.MEMORY_AND_DISK());
    Row counts = cached.agg(count(lit(1)), count(col(BAD))).head();
    if (counts.getLong(1) > 0) {
      writeBadRecords(cached.where(col(BAD).isNotNull()), pipeline, runId);
    }
    return new Quarantined(cached.where(col(BAD).isNull()).select(columns()), counts.getLong(0), counts.getLong(1));
  }

  /** Releases the cache of a quarantining read. */
  void release() {
    if (cached != null) {
      cached.unpersist();
      cached = null;
    }
  }

  /** The source whose bad record failed a task, if {@code failure} comes from a {@link #failing} check. */
  public static Optional<String> failedSource(Throwable failure) {
    return report(failure).map(r -> r.path("source").asText());
  }

  /**
   * The error for a failure that {@link #failedSource} recognised: the first bad record (files in path
   * order, records in file order), its line and why it is bad, and how many there are. This reads the
   * source once more (a full scan) and the bad record's file up to that record.
   */
  public LakemillException explain(Throwable failure) {
    try {
      // The parsed columns are part of the value so that every column is read, as in failing().
      Column value = struct(col(FILE), col(BAD), reason(), struct(columns()));
      Row found = located().where(col(BAD).isNotNull())
          .agg(count(lit(1)), min_by(value, struct(col(FILE), col(BLOCK), col(POSITION)))).head();
      if (found.getLong(0) > 0) {
        Row first = found.getStruct(1);
        String file = first.getString(0);
        String record = first.getString(1);
        Long line = linesKnown() ? LineLocator.locate(conf(), file, List.of(record), header()).get(0) : null;
        return SourceErrors.badRecord(source.name(), display(file), line, record, first.getString(2), found.getLong(0),
            failure);
      }
    } catch (RuntimeException e) {
      failure.addSuppressed(e);
    }
    return report(failure).map(r -> SourceErrors.badRecord(source.name(), display(r.path("file").asText()), null,
        r.path("record").asText(), null, 0, failure)).orElseGet(() -> SourceErrors.checkFailed(failure));
  }

  /** The parsed source with each record's file, file block and position in the block, for file order. */
  private Dataset<Row> located() {
    return parsed.select(col("*"), col("_metadata.file_path").as(FILE), col("_metadata.file_block_start").as(BLOCK),
        monotonically_increasing_id().as(POSITION));
  }

  private void writeBadRecords(Dataset<Row> bad, String pipeline, String runId) {
    Dataset<Row> withLines = bad.withColumn(LINE, lit(null).cast(DataTypes.LongType));
    if (linesKnown()) {
      withLines = bad.join(broadcast(lines(bad)), new String[] {FILE, BLOCK, POSITION}, "left");
    }
    Dataset<Row> rows = withLines.select(lit(runId).as("run_id"), lit(pipeline).as("pipeline"),
        lit(source.name()).as("source"), regexp_replace(col(FILE), "^file:(//)?", "").as("file"),
        col(LINE), col(BAD).as("record"), reason().as("reason"));
    DeltaIO.replaceWhere(rows, source.badRecordsLocation(),
        "pipeline = '" + pipeline + "' AND source = '" + source.name() + "' AND run_id = '" + runId + "'",
        "pipeline", "source");
  }

  /** Lines of the first {@link #MAX_LOCATED} bad records, by file, block and position. */
  private Dataset<Row> lines(Dataset<Row> bad) {
    Map<String, List<Row>> byFile = new LinkedHashMap<>();
    for (Row r : bad.select(FILE, BLOCK, POSITION, BAD).orderBy(FILE, BLOCK, POSITION).limit(MAX_LOCATED)
        .collectAsList()) {
      byFile.computeIfAbsent(r.getString(0), f -> new ArrayList<>()).add(r);
    }
    List<Row> out = new ArrayList<>();
    for (Map.Entry<String, List<Row>> file : byFile.entrySet()) {
      List<Long> lines = LineLocator.locate(conf(), file.getKey(),
          file.getValue().stream().map(r -> r.getString(3)).toList(), header());
      for (int i = 0; i < lines.size(); i++) {
        Row r = file.getValue().get(i);
        out.add(RowFactory.create(r.getString(0), r.getLong(1), r.getLong(2), lines.get(i)));
      }
    }
    StructType schema = new StructType().add(FILE, DataTypes.StringType).add(BLOCK, DataTypes.LongType)
        .add(POSITION, DataTypes.LongType).add(LINE, DataTypes.LongType);
    return spark.createDataFrame(out, schema);
  }

  /** Why a bad record does not match the schema, as SQL over its raw text and parsed columns. */
  private Column reason() {
    return source.format() == SourceFormat.CSV ? csvReason() : jsonReason();
  }

  private Column csvReason() {
    int n = schema.size();
    String quote = option("quote", "\"");
    String separator = Pattern.quote(option("sep", option("delimiter", ",")));
    String outsideQuotes = quote.length() != 1 ? "" : "(?=(?:[^" + charClass(quote) + "]*" + Pattern.quote(quote)
        + "[^" + charClass(quote) + "]*" + Pattern.quote(quote) + ")*[^" + charClass(quote) + "]*$)";
    Column values = regexp_count(col(BAD), lit(separator + outsideQuotes)).plus(1);
    StringBuilder strings = new StringBuilder();
    for (int i = 0; i < n; i++) {
      strings.append(i == 0 ? "" : ", ").append("_v").append(i).append(" STRING");
    }
    Column tokens = from_csv(col(BAD), lit(strings.toString()), source.options());
    Column reason = when(values.notEqual(n), concat(values.cast("string"),
        lit(" values, the schema has " + n + " column" + (n == 1 ? "" : "s"))));
    for (int i = 0; i < n; i++) {
      StructField f = schema.fields()[i];
      if (!(f.dataType() instanceof StringType)) {
        Column token = tokens.getField("_v" + i);
        reason = reason.when(token.isNotNull().and(column(f.name()).isNull()),
            concat(lit("value '"), token, lit("' of column " + f.name() + " is not a valid " + f.dataType().sql())));
      }
    }
    return reason.otherwise(lit(UNREADABLE));
  }

  private Column jsonReason() {
    Column reason = when(json_object_keys(col(BAD)).isNull(), lit("not a JSON object"));
    for (StructField f : schema.fields()) {
      if (!(f.dataType() instanceof StringType) && !f.name().contains("'")) {
        Column value = get_json_object(col(BAD), "$['" + f.name() + "']");
        reason = reason.when(value.isNotNull().and(column(f.name()).isNull()),
            concat(lit("value '"), value, lit("' of field " + f.name() + " is not a valid " + f.dataType().sql())));
      }
    }
    return reason.otherwise(lit(UNREADABLE));
  }

  /** Whether records are lines of their file, so that a bad record has a line number. */
  private boolean linesKnown() {
    String encoding = option("encoding", option("charset", "UTF-8"));
    return !option("multiLine", "false").equalsIgnoreCase("true") && option("lineSep", null) == null
        && (encoding.equalsIgnoreCase("UTF-8") || encoding.equalsIgnoreCase("UTF8"));
  }

  private boolean header() {
    return source.format() == SourceFormat.CSV && option("header", "false").equalsIgnoreCase("true");
  }

  /** A reader option of the source; Spark compares option names case-insensitively. */
  private String option(String key, String fallback) {
    return source.options().entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(key))
        .map(Map.Entry::getValue).findFirst().orElse(fallback);
  }

  private org.apache.hadoop.conf.Configuration conf() {
    return spark.sparkContext().hadoopConfiguration();
  }

  private Column[] columns() {
    return java.util.Arrays.stream(schema.fieldNames()).map(RecordCheck::column).toArray(Column[]::new);
  }

  private static Column column(String name) {
    return col("`" + name.replace("`", "``") + "`");
  }

  private static String charClass(String c) {
    return "\\^-[]".contains(c) ? "\\" + c : c;
  }

  /** A file as messages show it: a local path without its scheme. */
  static String display(String file) {
    return file.replaceFirst("^file:(//)?", "");
  }

  private static Optional<JsonNode> report(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      String message = t.getMessage();
      int at = message == null ? -1 : message.indexOf(MARKER);
      // raise_error's message reads "[USER_RAISED_EXCEPTION] <our text> SQLSTATE: P0001".
      int end = at < 0 ? -1 : message.indexOf(" SQLSTATE: ", at);
      if (end > at) {
        try {
          return Optional.of(JSON.readTree(message.substring(at + MARKER.length(), end)));
        } catch (java.io.IOException e) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }
}
