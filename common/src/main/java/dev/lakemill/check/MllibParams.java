package dev.lakemill.check;

import java.util.List;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleArrayArrayParam;
import org.apache.spark.ml.param.DoubleArrayParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.FloatParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.param.StringArrayParam;

/**
 * Converts parameter values as HOCON gives them (String, Number, Boolean, List) to the Java value an
 * MLlib {@link Param} takes, and applies the parameter's own validator. Used by {@code validate} and
 * by the runners, so both read a value the same way. Numbers written as strings (e.g. a
 * {@code --param} override substituted into {@code maxIter = ${params.iters}}) are accepted.
 */
public final class MllibParams {
  private MllibParams() {}

  /** Why a value cannot be used for a parameter. */
  public static final class BadValue extends IllegalArgumentException {
    BadValue(String message) {
      super(message);
    }
  }

  /** Sets {@code param = value} on {@code stage}, converted and validated. */
  @SuppressWarnings("unchecked")
  public static void set(Params stage, String param, Object value) {
    Param<Object> p = (Param<Object>) stage.getParam(param);
    stage.set(p, checked(p, value));
  }

  /** The converted value, validated by the parameter itself. */
  @SuppressWarnings("unchecked")
  public static Object checked(Param<?> param, Object value) {
    Object converted = convert(param, value);
    boolean valid;
    try {
      valid = (Boolean) ((scala.Function1<Object, Object>) (scala.Function1<?, ?>) param.isValid()).apply(converted);
    } catch (RuntimeException e) {
      valid = false;
    }
    if (!valid) {
      throw new BadValue("not allowed: " + param.doc());
    }
    return converted;
  }

  /** The Java value for {@code param}; throws {@link BadValue} saying what type was expected. */
  public static Object convert(Param<?> param, Object value) {
    if (param instanceof IntParam) {
      long v = whole(value);
      if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
        throw new BadValue("expected a whole number between " + Integer.MIN_VALUE + " and " + Integer.MAX_VALUE);
      }
      return (int) v;
    }
    if (param instanceof LongParam) {
      return whole(value);
    }
    if (param instanceof DoubleParam) {
      return number(value);
    }
    if (param instanceof FloatParam) {
      return (float) number(value);
    }
    if (param instanceof BooleanParam) {
      if (value instanceof Boolean b) {
        return b;
      }
      if (value instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
        return Boolean.parseBoolean(s);
      }
      throw new BadValue("expected true or false");
    }
    if (param instanceof StringArrayParam) {
      return list(value, "a list of column names, e.g. [a, b]").stream().map(MllibParams::scalarText).toArray(String[]::new);
    }
    if (param instanceof IntArrayParam) {
      return list(value, "a list of whole numbers, e.g. [1, 2]").stream().mapToInt(v -> (int) whole(v)).toArray();
    }
    if (param instanceof DoubleArrayParam) {
      return list(value, "a list of numbers, e.g. [0.5, 0.5]").stream().mapToDouble(MllibParams::number).toArray();
    }
    if (param instanceof DoubleArrayArrayParam) {
      return list(value, "a list of lists of numbers, e.g. [[0.1, 0.2]]").stream()
          .map(row -> list(row, "a list of lists of numbers").stream().mapToDouble(MllibParams::number).toArray())
          .toArray(double[][]::new);
    }
    if (value instanceof String s) {
      return s;
    }
    throw new BadValue("expected a string");
  }

  private static long whole(Object value) {
    if (value instanceof Integer || value instanceof Long) {
      return ((Number) value).longValue();
    }
    if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) && !Double.isInfinite(n.doubleValue())) {
      return n.longValue();
    }
    if (value instanceof String s) {
      try {
        return Long.parseLong(s.trim());
      } catch (NumberFormatException e) {
        // fall through to the error
      }
    }
    throw new BadValue("expected a whole number");
  }

  private static double number(Object value) {
    if (value instanceof Number n) {
      return n.doubleValue();
    }
    if (value instanceof String s) {
      try {
        return Double.parseDouble(s.trim());
      } catch (NumberFormatException e) {
        // fall through to the error
      }
    }
    throw new BadValue("expected a number");
  }

  private static List<?> list(Object value, String expected) {
    if (value instanceof List<?> l) {
      return l;
    }
    throw new BadValue("expected " + expected);
  }

  private static String scalarText(Object value) {
    if (value instanceof List || value instanceof java.util.Map) {
      throw new BadValue("expected a list of column names, e.g. [a, b]");
    }
    return String.valueOf(value);
  }
}
