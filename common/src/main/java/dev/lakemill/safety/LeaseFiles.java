package dev.lakemill.safety;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * The filesystem operations a lease needs, each atomic on its own: create if absent, rename if the
 * target is absent, set the modification time, read, delete. Everything goes through the Hadoop
 * FileSystem API except create and rename on the local filesystem, which Hadoop implements as
 * check-then-act: there they use java.nio ({@code O_EXCL} create; hard link then unlink, since
 * {@code link} fails when the target exists and {@code rename} would replace it). HDFS's create
 * without overwrite and its rename are atomic and fail when the target exists. S3 has neither (see
 * docs/RUNS.md). Uses its own FileSystem instance, so that Spark's cached ones keep Spark's settings.
 */
final class LeaseFiles implements AutoCloseable {
  /** A file's bytes and modification time. */
  record Stored(byte[] content, long modified) {}

  /** Lease files hold the run's params: readable by their owner only. */
  private static final org.apache.hadoop.fs.permission.FsPermission OWNER_ONLY =
      new org.apache.hadoop.fs.permission.FsPermission((short) 0600);

  private final FileSystem fs;
  private final FileSystem owned;
  private final boolean local;

  LeaseFiles(Path dir, Configuration conf) throws IOException {
    owned = FileSystem.newInstance(dir.toUri(), conf);
    fs = owned instanceof LocalFileSystem l ? l.getRawFileSystem() : owned;
    local = fs instanceof RawLocalFileSystem;
    fs.mkdirs(dir);
  }

  /** Creates {@code path} with {@code content}; false when it exists. */
  boolean createNew(Path path, byte[] content) throws IOException {
    if (local) {
      // Owner-only (0600): a lease holds the run's params.
      try (OutputStream out = dev.lakemill.fs.LocalFiles.createNew(nio(path), true)) {
        out.write(content);
      } catch (FileAlreadyExistsException e) {
        return false;
      }
      return true;
    }
    try (FSDataOutputStream out = fs.create(path, OWNER_ONLY, false, fs.getConf().getInt("io.file.buffer.size", 4096),
        fs.getDefaultReplication(path), fs.getDefaultBlockSize(path), null)) {
      out.write(content);
    } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
      return false;
    } catch (IOException e) {
      // HDFS refuses a create while another client is creating the same file (AlreadyBeingCreated).
      if (fs.exists(path)) {
        return false;
      }
      throw e;
    }
    return true;
  }

  /** Renames {@code from} to {@code to}; false when {@code from} is gone or {@code to} exists. */
  boolean renameIfAbsent(Path from, Path to) throws IOException {
    if (local) {
      try {
        Files.createLink(nio(to), nio(from));
      } catch (FileAlreadyExistsException | NoSuchFileException e) {
        return false;
      }
      // Unlink only our own link: a waiter may have removed it as stuck and created a new lease since.
      if (sameFile(from, to)) {
        Files.deleteIfExists(nio(from));
      }
      return true;
    }
    return fs.rename(from, to);
  }

  /**
   * Replaces the content of {@code path}, a file this process owns: atomically on the local
   * filesystem (a sibling file moved over it); elsewhere by overwriting, during which a reader may
   * see it empty (readers then go by its modification time, see {@link RunLease}).
   */
  void replace(Path path, byte[] content) throws IOException {
    if (local) {
      dev.lakemill.fs.LocalFiles.writeAtomically(nio(path), content, true);
      return;
    }
    try (FSDataOutputStream out = fs.create(path, OWNER_ONLY, true, fs.getConf().getInt("io.file.buffer.size", 4096),
        fs.getDefaultReplication(path), fs.getDefaultBlockSize(path), null)) {
      out.write(content);
    }
  }

  /** True when both names are links to one file (only on the local filesystem; elsewhere false). */
  boolean sameFile(Path a, Path b) throws IOException {
    if (!local) {
      return false;
    }
    try {
      return Files.isSameFile(nio(a), nio(b));
    } catch (NoSuchFileException e) {
      return false;
    }
  }

  Optional<Stored> read(Path path) throws IOException {
    try {
      FileStatus status = fs.getFileStatus(path);
      byte[] content = new byte[(int) status.getLen()];
      try (FSDataInputStream in = fs.open(path)) {
        in.readFully(0, content);
      }
      return Optional.of(new Stored(content, status.getModificationTime()));
    } catch (FileNotFoundException e) {
      return Optional.empty();
    }
  }

  /** Sets the modification time; throws FileNotFoundException when the file is gone. */
  void touch(Path path, long millis) throws IOException {
    fs.setTimes(path, millis, -1);
  }

  void delete(Path path) throws IOException {
    fs.delete(path, false);
  }

  boolean exists(Path path) throws IOException {
    return fs.exists(path);
  }

  /** Files in {@code dir} whose name starts with {@code prefix}, sorted by name. */
  List<Path> list(Path dir, String prefix) throws IOException {
    List<Path> out = new ArrayList<>();
    try {
      for (FileStatus status : fs.listStatus(dir)) {
        if (status.getPath().getName().startsWith(prefix)) {
          out.add(status.getPath());
        }
      }
    } catch (FileNotFoundException e) {
      return List.of();
    }
    out.sort(null);
    return out;
  }

  private java.nio.file.Path nio(Path path) {
    URI uri = fs.makeQualified(path).toUri();
    return Paths.get(uri);
  }

  @Override
  public void close() throws IOException {
    owned.close();
  }
}
