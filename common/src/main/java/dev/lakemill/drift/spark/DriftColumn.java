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
        throw DriftErrors.columnTwice(name);
      }
      DataType refType = type(reference, name, "reference");
      DataType curType = type(current, name, "current");
      ValueType ref = valueType(name, refType);
      ValueType cur = valueType(name, curType);
      if (ref != cur) {
        throw DriftErrors.typesDiffer(name, describe(ref), refType.simpleString(), describe(cur),
            curType.simpleString());
      }
      Optional<DriftMethod> method = options.methodFor(name);
      if (ref != ValueType.NUMERIC && method.isPresent() && method.get().needsNumericValues()) {
        throw DriftErrors.methodNeedsNumbers(method.get().configName(), name, refType.simpleString());
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
    throw DriftErrors.noSuchColumn(name, side, Arrays.asList(data.columns()));
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
    throw DriftErrors.unsupportedType(name, type.simpleString());
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
