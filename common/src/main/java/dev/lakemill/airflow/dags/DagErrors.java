package dev.lakemill.airflow.dags;

import dev.lakemill.error.LakemillException;
import java.util.Collection;

/** The user-facing messages of DAG generation: what is wrong, the offending value and the fix. */
public final class DagErrors {
  private DagErrors() {}

  public static LakemillException missingSetting(String key, String what) {
    return invalid("Cannot generate DAGs: lakemill.dags." + key + " is not set; set it in application.conf or the"
        + " environment overlay to " + what);
  }

  public static LakemillException noPipelineFiles(String folder) {
    return invalid(folder + ": Cannot find pipeline files: the folder holds no *.conf file; pass a folder of pipeline files"
        + " or the files themselves");
  }

  /**
   * An include that {@code deploy = ship} cannot ship: shipped files land by base name in the driver's
   * working directory, so an include in a subfolder, or named like the pipeline file or a conf file,
   * would not be found there (or would replace another file).
   */
  public static LakemillException cannotShip(String pipelineFile, String include, String why) {
    return invalid(pipelineFile + ": Cannot ship include " + include + " with deploy = ship: " + why
        + "; move it next to the pipeline file under a name of its own, or use deploy = shared");
  }

  private static LakemillException invalid(String message) {
    return new LakemillException(LakemillException.Kind.INVALID_INPUT, message);
  }

  public static String sameDagId(String dagId, Collection<String> files) {
    return "Cannot generate two DAGs with dag_id '" + dagId + "' (from " + String.join(" and ", files)
        + "): give the pipelines different names";
  }

  /**
   * A warning: an {@code on-update} entry that no pipeline of this {@code dags generate} updates.
   *
   * @param at where the list is declared, {@code file: line}
   */
  public static String unproducedAsset(String at, String dagId, String entry, String uri) {
    return at + ": pipeline.schedule.on-update: Warning: no pipeline generated here "
        + (entry.contains("@") ? "moves the model alias " : "writes the table ") + entry + " (asset " + uri
        + "): DAG '" + dagId + "' runs only when something else updates that asset; check the name, or generate"
        + " the pipeline that " + (entry.contains("@") ? "promotes it" : "writes it") + " together with this one";
  }

  public static String sameFileName(String name, Collection<String> files) {
    return "Cannot deploy two pipeline files named '" + name + "' (" + String.join(" and ", files)
        + ") to one pipelines-dir: rename one of them";
  }
}
