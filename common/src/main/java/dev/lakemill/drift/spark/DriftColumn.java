package dev.lakemill.drift.spark;

import dev.lakemill.drift.DriftMethod;
import dev.lakemill.drift.DriftOptions;
import dev.lakemill.drift.spark.DriftBuckets.ValueType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;

/** A column to compare, checked against both schemas: numeric, string or boolean in both. */
record DriftColumn(String name, ValueType type, boolean integral) {
  static List<DriftColumn> resolve(Dataset<Row> reference, Dataset<Row> current, List<String> columns,
      DriftOptions options) {
    List<DriftColumn> resolved = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String name : columns) {
      if (!seen.add(name)) {
        throw new IllegalArgumentException("Cannot compute drift of column '" + name
            + "' twice: list each column once");
      }
      DataType refType = type(reference, name, "reference");
      DataType curType = type(current, name, "current");
      ValueType ref = valueType(name, refType);
      ValueType cur = valueType(name, curType);
      if (ref != cur) {
        throw new IllegalArgumentException("Cannot compute drift of column '" + name + "': it is "
            + describe(ref) + " (" + refType.simpleString() + ") in the reference data but " + describe(cur)
            + " (" + curType.simpleString() + ") in the current data");
      }
      Optional<DriftMethod> method = options.methodFor(name);
      if (ref != ValueType.NUMERIC && method.isPresent() && method.get().needsNumericValues()) {
        throw new IllegalArgumentException("Cannot use " + method.get().configName() + " on column '" + name
            + "' of type " + refType.simpleString()
            + ": ks and wasserstein compare numeric columns; use chisquare, z, psi or jensenshannon");
      }
      resolved.add(new DriftColumn(name, ref, isIntegral(refType) && isIntegral(curType)));
    }
    return resolved;
  }

  private static DataType type(Dataset<Row> data, String name, String side) {
    for (StructField f : data.schema().fields()) {
      if (f.name().equals(name)) {
        return f.dataType();
      }
    }
    throw new IllegalArgumentException("Cannot compute drift of column '" + name + "': it is not in the " + side
        + " data (columns: " + String.join(", ", Arrays.asList(data.columns())) + ")");
  }

  private static ValueType valueType(String name, DataType type) {
    if (type instanceof NumericType) {
      return ValueType.NUMERIC;
    }
    if (type instanceof StringType) {
      return ValueType.STRING;
    }
    if (type instanceof BooleanType) {
      return ValueType.BOOLEAN;
    }
    throw new IllegalArgumentException("Cannot compute drift of column '" + name + "' of type "
        + type.simpleString() + ": drift compares numeric, string and boolean columns; project it to one of those"
        + " first (e.g. a probability vector to its positive-class element)");
  }

  private static boolean isIntegral(DataType type) {
    return type instanceof ByteType || type instanceof ShortType || type instanceof IntegerType
        || type instanceof LongType;
  }

  private static String describe(ValueType type) {
    return type.name().toLowerCase(Locale.ROOT);
  }

  /** A column name for {@code Dataset.col}, quoted so dots and spaces are part of the name. */
  static String quote(String name) {
    return "`" + name.replace("`", "``") + "`";
  }
}
