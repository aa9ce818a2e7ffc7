package dev.lakemill.safety;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/** What the lease folder of a ledger holds, read only: for {@code lakemill doctor}. */
public final class Leases {
  /**
   * A lease file or the tombstone of a lease taken over ({@link RunLease}).
   *
   * @param holder what the file says, empty when it cannot be read (a torn write)
   * @param modified the file's modification time (the holder's last heartbeat), epoch millis
   * @param tombstone a lease taken over from a run that stopped heart-beating
   * @param recorded for a tombstone: the abandoned run is recorded in the ledger
   */
  public record Lease(Path path, Optional<LeaseHolder> holder, long modified, boolean tombstone, boolean recorded) {}

  private Leases() {}

  /** The leases and unrecorded tombstones under {@code <ledgerLocation>/leases}, sorted by file name. */
  public static List<Lease> list(String ledgerLocation, Configuration conf) {
    Path dir = new Path(ledgerLocation, RunLease.FOLDER);
    try {
      if (!dir.getFileSystem(conf).exists(dir)) {
        return List.of();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot look for the leases in " + dir, e);
    }
    try (LeaseFiles files = new LeaseFiles(dir, conf)) {
      List<Lease> out = new ArrayList<>();
      for (Path p : files.list(dir, "")) {
        String name = p.getName();
        boolean tombstone = name.contains(".lease.expired-");
        if (name.endsWith(".recorded") || !tombstone && !name.endsWith(".lease")) {
          continue;
        }
        Optional<LeaseFiles.Stored> stored = files.read(p);
        if (stored.isEmpty()) {
          continue;
        }
        boolean recorded = tombstone && files.exists(new Path(dir, name + ".recorded"));
        out.add(new Lease(p, LeaseHolder.fromJson(stored.get().content(), stored.get().modified()),
            stored.get().modified(), tombstone, recorded));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list the leases in " + dir, e);
    }
  }
}
