package dev.lakemill.delta;

/**
 * One input a step read.
 *
 * @param name source or step name
 * @param location table location or file path; empty for generated data and view-only steps
 * @param version Delta version read, or -1 when the input is not a Delta table
 * @param writtenBy the run whose rows were read: the input is the rows that run wrote at {@code version}
 *     (a step's {@code append}, {@code replace-partitions} or {@code merge} output); empty when the whole
 *     table at {@code version} was read (sources, {@code overwrite} outputs, and every input recorded
 *     before lakemill read step outputs this way)
 */
public record InputVersion(String name, String location, long version, String writtenBy) {
  public InputVersion {
    writtenBy = writtenBy == null ? "" : writtenBy;
  }

  /** The whole table (or file, or view) at {@code version}. */
  public InputVersion(String name, String location, long version) {
    this(name, location, version, "");
  }

  /** True when only the rows run {@link #writtenBy} wrote at {@link #version} were read. */
  public boolean rowsOnly() {
    return !writtenBy.isEmpty();
  }

  /** What was read, as the ledger's docs and messages put it: {@code table at v3} or {@code rows written by run R at v3}. */
  public String describe() {
    return rowsOnly() ? "rows written by run " + writtenBy + " at v" + version : "table at v" + version;
  }
}
