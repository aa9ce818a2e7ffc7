package dev.lakemill.fs;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * What lakemill reads of files without Spark (Delta logs, data file listings, source stamps), wherever the
 * lakehouse lives: on the local file system through {@code java.nio}, anywhere else ({@code hdfs://},
 * {@code s3a://}, ...) through Hadoop's {@link FileSystem} with the given settings.
 *
 * <p>Local reads answer as Hadoop's local file system would: the same qualified paths ({@code file:/...}),
 * sizes and modification times, with its checksum files ({@code .name.crc}) hidden. They spare a command
 * Hadoop's file system machinery (its service loading, the login user, and the XML defaults every later
 * {@code Configuration} parses): 0.1 to 0.25 s of a {@code plan} (docs/BENCHMARKS.md).
 *
 * <p>A location is local when its scheme is {@code file}, or it has none and the default file system
 * ({@code fs.defaultFS}) is local.
 */
public final class Storage {
  private final Configuration hadoop;
  private final boolean localByDefault;

  private Storage(Configuration hadoop) {
    this.hadoop = hadoop;
    this.localByDefault = "file".equals(schemeOf(hadoop.get("fs.defaultFS", "file:///")));
  }

  /** Reads with these Hadoop settings (used only for locations that are not local). */
  public static Storage of(Configuration hadoop) {
    return new Storage(hadoop);
  }

  /** A file or folder as a listing shows it. {@code path} is qualified as Hadoop prints it. */
  public record Entry(String path, String name, boolean directory, long length, long modified) {}

  /** Whether {@code location} is on the local file system, read through {@code java.nio}. */
  public boolean isLocal(String location) {
    String scheme = new Path(location).toUri().getScheme();
    return scheme == null ? localByDefault : "file".equals(scheme);
  }

  /** The local file of a local {@code location} ({@link #isLocal}). */
  public static java.nio.file.Path localPath(String location) {
    return java.nio.file.Path.of(new Path(location).toUri().getPath()).toAbsolutePath().normalize();
  }

  /** What is at {@code location}; empty when nothing is. */
  public Optional<Entry> status(String location) throws IOException {
    if (isLocal(location)) {
      java.nio.file.Path file = localPath(location);
      try {
        return Optional.of(entry(file, Files.readAttributes(file, BasicFileAttributes.class)));
      } catch (NoSuchFileException e) {
        return Optional.empty();
      }
    }
    Path path = new Path(location);
    try {
      return Optional.of(entry(path.getFileSystem(hadoop).getFileStatus(path)));
    } catch (FileNotFoundException e) {
      return Optional.empty();
    }
  }

  /** Whether anything is at {@code location}. */
  public boolean exists(String location) throws IOException {
    return status(location).isPresent();
  }

  /**
   * The files and folders directly in the folder {@code location}, sorted by name.
   *
   * @throws FileNotFoundException when there is no such folder
   */
  public List<Entry> list(String location) throws IOException {
    List<Entry> entries = new ArrayList<>();
    if (isLocal(location)) {
      java.nio.file.Path folder = localPath(location);
      try (DirectoryStream<java.nio.file.Path> children = Files.newDirectoryStream(folder)) {
        for (java.nio.file.Path child : children) {
          if (!isChecksum(child.getFileName().toString())) {
            try {
              entries.add(entry(child, Files.readAttributes(child, BasicFileAttributes.class)));
            } catch (NoSuchFileException gone) {
              // deleted between the listing and its status, as a listing taken a moment later would show
            }
          }
        }
      } catch (NoSuchFileException | java.nio.file.NotDirectoryException e) {
        throw new FileNotFoundException("No such folder: " + location);
      }
    } else {
      Path folder = new Path(location);
      for (FileStatus status : folder.getFileSystem(hadoop).listStatus(folder)) {
        entries.add(entry(status));
      }
    }
    entries.sort(Comparator.comparing(Entry::name));
    return entries;
  }

  /**
   * Every file under {@code location}, at any depth (folders themselves are not listed): {@code location}
   * itself when it is a file, as Hadoop's {@code listFiles(location, true)}.
   *
   * @throws FileNotFoundException when nothing is there
   */
  public List<Entry> filesUnder(String location) throws IOException {
    List<Entry> files = new ArrayList<>();
    if (isLocal(location)) {
      java.nio.file.Path root = localPath(location);
      if (!Files.exists(root)) {
        throw new FileNotFoundException("No such file or folder: " + location);
      }
      collect(root, files);
    } else {
      Path root = new Path(location);
      RemoteIterator<LocatedFileStatus> it = root.getFileSystem(hadoop).listFiles(root, true);
      while (it.hasNext()) {
        files.add(entry(it.next()));
      }
    }
    return files;
  }

  private static void collect(java.nio.file.Path path, List<Entry> files) throws IOException {
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(path, BasicFileAttributes.class);
    } catch (NoSuchFileException gone) {
      return;
    }
    if (!attributes.isDirectory()) {
      files.add(entry(path, attributes));
      return;
    }
    List<java.nio.file.Path> children = new ArrayList<>();
    try (DirectoryStream<java.nio.file.Path> stream = Files.newDirectoryStream(path)) {
      for (java.nio.file.Path child : stream) {
        if (!isChecksum(child.getFileName().toString())) {
          children.add(child);
        }
      }
    }
    children.sort(Comparator.naturalOrder());
    for (java.nio.file.Path child : children) {
      collect(child, files);
    }
  }

  /** Opens the file at {@code location} for reading. */
  public InputStream open(String location) throws IOException {
    if (isLocal(location)) {
      try {
        return Files.newInputStream(localPath(location));
      } catch (NoSuchFileException e) {
        throw new FileNotFoundException("No such file: " + location);
      }
    }
    Path path = new Path(location);
    return path.getFileSystem(hadoop).open(path);
  }

  /** {@code file} qualified as Hadoop's local file system prints it: {@code file:/absolute/path}. */
  public static String qualified(java.nio.file.Path file) {
    return new Path("file", null, file.toAbsolutePath().normalize().toString()).toString();
  }

  /** Hadoop's local file system hides its checksum files: {@code .name.crc} beside each file it writes. */
  private static boolean isChecksum(String name) {
    return name.startsWith(".") && name.endsWith(".crc");
  }

  /** {@code attributes} read following links: sizes and times of what a link points to, as Hadoop reports them. */
  private static Entry entry(java.nio.file.Path file, BasicFileAttributes attributes) {
    boolean directory = attributes.isDirectory();
    return new Entry(qualified(file), file.getFileName().toString(), directory, directory ? 0 : attributes.size(),
        attributes.lastModifiedTime().toMillis());
  }

  private static Entry entry(FileStatus status) {
    return new Entry(status.getPath().toString(), status.getPath().getName(), status.isDirectory(),
        status.isDirectory() ? 0 : status.getLen(), status.getModificationTime());
  }

  private static String schemeOf(String uri) {
    try {
      return URI.create(uri).getScheme();
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
