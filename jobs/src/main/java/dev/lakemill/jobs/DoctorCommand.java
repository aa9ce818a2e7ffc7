package dev.lakemill.jobs;

import dev.lakemill.engine.SparkSessions;
import dev.lakemill.ops.Doctor;
import dev.lakemill.settings.Environment;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code lakemill doctor}: checks the lakehouse and prints what it found and how to fix each. */
@Command(name = "doctor", description = "Check the lakehouse: ledger, registry and other tables readable, leases,"
    + " rows of unfinished runs, model data within log retention. Exit 0 when nothing is damaged, 3 when a table"
    + " is damaged.")
final class DoctorCommand implements Callable<Integer> {
  @Mixin
  PipelineOptions options;

  @Override
  public Integer call() {
    Environment env = options.environment();
    SparkSession spark = SparkSessions.create(env, "lakemill doctor");
    Doctor.Report report;
    try {
      report = new Doctor(spark).check(env.lakehouseRoot());
    } finally {
      spark.stop();
    }
    System.out.print(render(report));
    report.failIfDamaged();
    return Lakemill.OK;
  }

  static String render(Doctor.Report report) {
    StringBuilder out = new StringBuilder("lakemill doctor: lakehouse " + report.root() + ", "
        + report.checked().size() + " table(s) checked\n");
    if (report.findings().isEmpty()) {
      return out.append("all well: every table is readable, no stale leases, no rows of unfinished runs, no model"
          + " data older than its log retention\n").toString();
    }
    for (Doctor.Finding f : report.findings()) {
      out.append(f.level() == Doctor.Level.DAMAGE ? "damaged: " : "warning: ").append(f.text()).append('\n');
    }
    long damaged = report.findings().stream().filter(f -> f.level() == Doctor.Level.DAMAGE).count();
    return out.append(damaged).append(" damaged, ").append(report.findings().size() - damaged)
        .append(" warning(s)\n").toString();
  }
}
