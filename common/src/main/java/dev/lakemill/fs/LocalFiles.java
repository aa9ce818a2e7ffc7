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
    writeAtomically(target, bytes, false);
  }

  /**
   * {@link #writeAtomically(Path, byte[])}, readable and writable by the owner only ({@code 0600}) when
   * {@code ownerOnly} and the filesystem has POSIX permissions: the permissions are set when the
   * temporary file is created, so the content is never readable by others, not even for a moment.
   */
  public static void writeAtomically(Path target, byte[] bytes, boolean ownerOnly) throws IOException {
    Path temp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
    try {
      try (java.io.OutputStream out = createNew(temp, ownerOnly)) {
        out.write(bytes);
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /**
   * Creates {@code path}, failing when it exists ({@link java.nio.file.FileAlreadyExistsException}); with
   * {@code ownerOnly}, as {@code 0600} where the filesystem has POSIX permissions (the umask only removes
   * permissions, so the file is never more open than that).
   */
  public static java.io.OutputStream createNew(Path path, boolean ownerOnly) throws IOException {
    java.util.Set<StandardOpenOption> options = java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    if (ownerOnly && path.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      return java.nio.channels.Channels.newOutputStream(Files.newByteChannel(path, options,
          java.nio.file.attribute.PosixFilePermissions.asFileAttribute(OWNER_ONLY)));
    }
    return Files.newOutputStream(path, options.toArray(StandardOpenOption[]::new));
  }

  private static final java.util.Set<java.nio.file.attribute.PosixFilePermission> OWNER_ONLY =
      java.nio.file.attribute.PosixFilePermissions.fromString("rw-------");
}
