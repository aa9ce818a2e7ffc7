package dev.lakemill.sources;

import dev.lakemill.plan.SourcePlan;
import dev.lakemill.spec.SourceFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.orc.OrcFile;
import org.apache.orc.Reader;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.datasources.orc.OrcUtils;
import org.apache.spark.sql.execution.datasources.parquet.ParquetToSparkSchemaConverter;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Compares the declared schema of a parquet or orc source with each file's own schema, read from the
 * file's footer (no data). Spark would read a declared column that a file lacks as NULL, and orc
 * would cast a column of another type (a DOUBLE read as INT loses its fraction), so a file matches
 * only when it has every declared column (by name, case-insensitively unless
 * {@code spark.sql.caseSensitive}) with the same type; extra columns are fine.
 */
final class FileSchemas {
  private FileSchemas() {}

  /** Throws for the first mismatch, files in path order and columns in declared order. */
  static void check(SparkSession spark, SourcePlan source, StructType declared, String[] files) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    boolean caseSensitive = Boolean.parseBoolean(spark.conf().get("spark.sql.caseSensitive", "false"));
    for (String file : Arrays.stream(files).sorted().toList()) {
      StructType actual = schema(conf, source.format(), file);
      for (StructField column : declared.fields()) {
        Optional<StructField> found = Arrays.stream(actual.fields())
            .filter(f -> caseSensitive ? f.name().equals(column.name()) : f.name().equalsIgnoreCase(column.name()))
            .findFirst();
        if (found.isEmpty()) {
          throw SourceErrors.columnNotInFile(source.name(), RecordCheck.display(file), column.name());
        }
        if (!sameType(found.get().dataType(), column.dataType())) {
          throw SourceErrors.columnTypeDiffers(source.name(), RecordCheck.display(file), column.name(),
              found.get().dataType().sql(), column.dataType().sql());
        }
      }
    }
  }

  private static StructType schema(Configuration conf, SourceFormat format, String file) {
    Path path = new Path(URI.create(file));
    try {
      if (format == SourceFormat.PARQUET) {
        try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(path, conf))) {
          return new ParquetToSparkSchemaConverter(SQLConf.get())
              .convert(reader.getFooter().getFileMetaData().getSchema());
        }
      }
      try (Reader reader = OrcFile.createReader(path, OrcFile.readerOptions(conf))) {
        return OrcUtils.toCatalystSchema(reader.getSchema());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the schema of " + file + ": " + e.getMessage(), e);
    }
  }

  /** Same type, nullability aside (nested field names compared like column names: without case). */
  private static boolean sameType(DataType a, DataType b) {
    return a.catalogString().toLowerCase(Locale.ROOT).equals(b.catalogString().toLowerCase(Locale.ROOT));
  }
}
