package dev.lakemill.safety;

import dev.lakemill.faults.FaultPoints;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * The filesystem operations a lease needs, each atomic on its own: create with content if absent,
 * claim (see below), set the modification time, read, delete. Everything goes through the Hadoop
 * FileSystem API except create, claim and rewrite on the local filesystem, which Hadoop implements
 * as check-then-act: there they use java.nio. A local create writes a private file and hard-links
 * the lease name to it ({@code link} fails when the name exists), so a lease is never seen without
 * its content. A local claim hard-links a second name to the lease's file without removing the
 * lease name; elsewhere it is a rename (HDFS's fails when the target exists). Uses its own
 * FileSystem instance, so that Spark's cached ones keep Spark's settings.
 */
final class LeaseFiles implements AutoCloseable {
  /** A file's bytes and the modification time of that same file. */
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

  /** True when claims are links (the lease name stays until unlinked), false when they are renames. */
  boolean linksClaims() {
    return local;
  }

  /** Creates {@code path} with {@code content}; false when it exists. */
  boolean createNew(Path path, byte[] content) throws IOException {
    if (local) {
      java.nio.file.Path target = nio(path);
      java.nio.file.Path draft = target.resolveSibling(target.getFileName() + ".new-" + UUID.randomUUID());
      try {
        // Owner-only (0600): a lease holds the run's params. The link shares the draft's mode.
        try (OutputStream out = dev.lakemill.fs.LocalFiles.createNew(draft, true)) {
          out.write(content);
        }
        Files.createLink(target, draft);
        return true;
      } catch (FileAlreadyExistsException e) {
        return false;
      } finally {
        Files.deleteIfExists(draft);
      }
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

  /**
   * Gives the file named {@code lease} the second name {@code claim}: a hard link on the local
   * filesystem (the lease name stays), a rename elsewhere (it goes). False when {@code lease} is
   * gone or {@code claim} exists.
   */
  boolean claim(Path lease, Path claim) throws IOException {
    if (local) {
      try {
        Files.createLink(nio(claim), nio(lease));
        return true;
      } catch (FileAlreadyExistsException | NoSuchFileException e) {
        return false;
      }
    }
    return fs.rename(lease, claim);
  }

  /** Renames {@code from} back to {@code to} unless {@code to} exists (not on the local filesystem). */
  boolean renameBack(Path from, Path to) throws IOException {
    return fs.rename(from, to);
  }

  /**
   * Rewrites the content of {@code path}, a lease this process holds, in place: the file stays the
   * same file (its claims keep naming it); a reader may see it half-written for an instant and then
   * reads it again (see {@link RunLease}). Elsewhere by overwriting.
   */
  void rewrite(Path path, byte[] content) throws IOException {
    if (local) {
      // In place (the lease stays the same file, which claims compare); created owner-only (0600).
      Files.write(nio(path), content, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
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

  /**
   * The file's bytes and modification time, both of one file: read between two looks at its status,
   * again while the two disagree (the name was moved to another file, or the file changed, meanwhile).
   */
  Optional<Stored> read(Path path) throws IOException {
    while (true) {
      Optional<Look> before = look(path);
      if (before.isEmpty()) {
        return Optional.empty();
      }
      if (path.getName().endsWith(".lease")) {
        FaultPoints.at("lease:stat:" + path.getName().substring(0, path.getName().length() - ".lease".length()));
      }
      Optional<byte[]> content = bytes(path, before.get().length());
      Optional<Look> after = look(path);
      if (content.isPresent() && before.equals(after)) {
        return Optional.of(new Stored(content.get(), before.get().modified()));
      }
    }
  }

  /** What tells two files, or two versions of one, apart: its identity where known, length, modification time. */
  private record Look(Object key, long length, long modified) {}

  private Optional<Look> look(Path path) throws IOException {
    try {
      if (local) {
        BasicFileAttributes a = Files.readAttributes(nio(path), BasicFileAttributes.class);
        return Optional.of(new Look(a.fileKey(), a.size(), a.lastModifiedTime().toMillis()));
      }
      FileStatus status = fs.getFileStatus(path);
      return Optional.of(new Look(null, status.getLen(), status.getModificationTime()));
    } catch (FileNotFoundException | NoSuchFileException e) {
      return Optional.empty();
    }
  }

  private Optional<byte[]> bytes(Path path, long length) throws IOException {
    try {
      if (local) {
        return Optional.of(Files.readAllBytes(nio(path)));
      }
      byte[] content = new byte[(int) length];
      try (FSDataInputStream in = fs.open(path)) {
        in.readFully(0, content);
      }
      return Optional.of(content);
    } catch (FileNotFoundException | NoSuchFileException | java.io.EOFException e) {
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
