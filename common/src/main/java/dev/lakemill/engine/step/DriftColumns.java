package dev.lakemill.engine.step;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The columns a drift step without a model compares when it lists none: those both sides share, in the
 * reference's order, that drift can compare (numeric, string or boolean on both sides) and that are not
 * ids. Left out, with the reason: ids ({@code id}, or a name ending in {@code _id} or {@code -id}, any
 * case), whose values are unique per row and always "drift"; dates, timestamps and every other type
 * (they move every night by design, or are not values drift compares). A column on one side only is
 * not shared and not mentioned.
 *
 * @param compared the columns to compare
 * @param leftOut the shared columns left out, each as {@code name (why)}
 */
record DriftColumns(List<String> compared, List<String> leftOut) {
  DriftColumns {
    compared = List.copyOf(compared);
    leftOut = List.copyOf(leftOut);
  }

  static DriftColumns shared(StructType reference, StructType current) {
    Set<String> other = java.util.Arrays.stream(current.fields()).map(StructField::name).collect(Collectors.toSet());
    List<String> compared = new ArrayList<>();
    List<String> leftOut = new ArrayList<>();
    for (StructField f : reference.fields()) {
      if (!other.contains(f.name())) {
        continue;
      }
      DataType cur = current.apply(f.name()).dataType();
      if (isId(f.name())) {
        leftOut.add(f.name() + " (an id)");
      } else if (!comparable(f.dataType()) || !comparable(cur)) {
        leftOut.add(f.name() + " (" + (comparable(f.dataType()) ? cur : f.dataType()).simpleString() + ")");
      } else {
        compared.add(f.name());
      }
    }
    return new DriftColumns(compared, leftOut);
  }

  static boolean isId(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.equals("id") || n.endsWith("_id") || n.endsWith("-id");
  }

  private static boolean comparable(DataType type) {
    return type instanceof NumericType || type instanceof StringType || type instanceof BooleanType;
  }
}
