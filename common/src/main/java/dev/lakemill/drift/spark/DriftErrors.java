package dev.lakemill.drift.spark;

import dev.lakemill.error.LakemillException;
import java.util.List;

/** The user-facing errors of comparing columns for drift: which column, why, and what to compare instead. */
final class DriftErrors {
  private DriftErrors() {}

  static LakemillException columnTwice(String name) {
    return invalid("Cannot compute drift of column '" + name + "' twice: list each column once");
  }

  static LakemillException typesDiffer(String name, String ref, String refType, String cur, String curType) {
    return invalid("Cannot compute drift of column '" + name + "': it is " + ref + " (" + refType + ") in the"
        + " reference data but " + cur + " (" + curType + ") in the current data");
  }

  static LakemillException methodNeedsNumbers(String method, String name, String type) {
    return invalid("Cannot use " + method + " on column '" + name + "' of type " + type
        + ": ks and wasserstein compare numeric columns; use chisquare, z, psi or jensenshannon");
  }

  static LakemillException noSuchColumn(String name, String side, List<String> columns) {
    return invalid("Cannot compute drift of column '" + name + "': it is not in the " + side + " data (columns: "
        + String.join(", ", columns) + ")");
  }

  static LakemillException unsupportedType(String name, String type) {
    return invalid("Cannot compute drift of column '" + name + "' of type " + type + ": drift compares numeric,"
        + " string and boolean columns; project it to one of those first (e.g. a probability vector to its"
        + " positive-class element)");
  }

  /** A drift history table Delta cannot read (a garbled commit, a missing data file, a lost log): exit code 3. */
  static LakemillException damaged(String table, long latest, Throwable cause) {
    return dev.lakemill.delta.TableErrors.damaged("drift history table", table, latest, cause);
  }

  private static LakemillException invalid(String message) {
    return new LakemillException(LakemillException.Kind.INVALID_INPUT, message);
  }
}
