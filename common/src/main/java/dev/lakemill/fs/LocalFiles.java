package dev.lakemill.fs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/** Writes to the local filesystem that readers never see half done. */
public final class LocalFiles {
  private LocalFiles() {}

  /**
   * Replaces {@code target} with {@code bytes} through a sibling temporary file and an atomic move:
   * a reader sees the old content or the new, never a part. The folder must exist. The temporary file
   * is not made with createTempFile, whose owner-only permissions would stay on the target after the
   * move (a DAG file the Airflow scheduler could not read).
   */
  public static void writeAtomically(Path target, byte[] bytes) throws IOException {
    Path temp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
    try {
      Files.write(temp, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
