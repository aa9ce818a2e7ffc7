package dev.lakemill.delta;

import dev.lakemill.fs.Storage;
import io.delta.kernel.defaults.engine.fileio.FileIO;
import io.delta.kernel.defaults.engine.fileio.InputFile;
import io.delta.kernel.defaults.engine.fileio.OutputFile;
import io.delta.kernel.defaults.engine.fileio.SeekableInputStream;
import io.delta.kernel.defaults.engine.hadoopio.HadoopFileIO;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;

/**
 * Delta Kernel's file access for lakemill's reads: a local table's log and data files are listed and read
 * through {@link Storage} ({@code java.nio}); every other location, and every write (commits go through
 * Delta's {@code LogStore}, which makes them atomic), through Kernel's own {@link HadoopFileIO}, created the
 * first time one is needed.
 */
final class LocalFirstFileIO implements FileIO {
  private final Configuration hadoop;
  private final Storage storage;
  private volatile HadoopFileIO hadoopIO;

  LocalFirstFileIO(Configuration hadoop) {
    this.hadoop = hadoop;
    this.storage = Storage.of(hadoop);
  }

  Storage storage() {
    return storage;
  }

  private HadoopFileIO hadoopIO() {
    HadoopFileIO io = hadoopIO;
    if (io == null) {
      io = new HadoopFileIO(hadoop);
      hadoopIO = io;
    }
    return io;
  }

  /**
   * The entries of {@code filePath}'s folder whose names sort at or after its name, sorted by name, as Delta's
   * {@code LogStore.listFrom}: what Kernel lists a log with.
   */
  @Override
  public CloseableIterator<FileStatus> listFrom(String filePath) throws IOException {
    if (!storage.isLocal(filePath)) {
      return hadoopIO().listFrom(filePath);
    }
    java.nio.file.Path file = Storage.localPath(filePath);
    String from = file.getFileName().toString();
    List<FileStatus> listed = new ArrayList<>();
    for (Storage.Entry entry : storage.list(Storage.qualified(file.getParent()))) {
      if (entry.name().compareTo(from) >= 0) {
        listed.add(FileStatus.of(entry.path(), entry.length(), entry.modified()));
      }
    }
    return io.delta.kernel.internal.util.Utils.toCloseableIterator(listed.iterator());
  }

  @Override
  public FileStatus getFileStatus(String path) throws IOException {
    if (!storage.isLocal(path)) {
      return hadoopIO().getFileStatus(path);
    }
    Storage.Entry entry = storage.status(path).orElseThrow(() -> new FileNotFoundException("No such file: " + path));
    return FileStatus.of(entry.path(), entry.length(), entry.modified());
  }

  @Override
  public String resolvePath(String path) throws IOException {
    return storage.isLocal(path) ? Storage.qualified(Storage.localPath(path)) : hadoopIO().resolvePath(path);
  }

  @Override
  public InputFile newInputFile(String path, long fileSize) {
    return storage.isLocal(path) ? new LocalInputFile(path, fileSize) : hadoopIO().newInputFile(path, fileSize);
  }

  @Override
  public Optional<String> getConf(String key) {
    return Optional.ofNullable(hadoop.get(key));
  }

  @Override
  public boolean mkdirs(String path) throws IOException {
    return hadoopIO().mkdirs(path);
  }

  @Override
  public OutputFile newOutputFile(String path) {
    return hadoopIO().newOutputFile(path);
  }

  @Override
  public boolean delete(String path) throws IOException {
    return hadoopIO().delete(path);
  }

  @Override
  public void copyFileAtomically(String from, String to, boolean overwrite) throws IOException {
    hadoopIO().copyFileAtomically(from, to, overwrite);
  }

  /** A local file; {@code size} is the listed size, or 0 or less when not known (Kernel's {@code FileStatus.of(path)}). */
  private record LocalInputFile(String path, long size) implements InputFile {
    @Override
    public long length() throws IOException {
      return size > 0 ? size : java.nio.file.Files.size(Storage.localPath(path));
    }

    @Override
    public SeekableInputStream newStream() throws IOException {
      try {
        return new ChannelStream(FileChannel.open(Storage.localPath(path), StandardOpenOption.READ));
      } catch (NoSuchFileException e) {
        throw new FileNotFoundException("No such file: " + path);
      }
    }
  }

  /** A file channel read as a seekable stream. */
  private static final class ChannelStream extends SeekableInputStream {
    private final FileChannel channel;
    private final byte[] one = new byte[1];

    ChannelStream(FileChannel channel) {
      this.channel = channel;
    }

    @Override
    public int read() throws IOException {
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] bytes, int offset, int length) throws IOException {
      if (length == 0) {
        return 0;
      }
      return channel.read(ByteBuffer.wrap(bytes, offset, length));
    }

    @Override
    public long skip(long n) throws IOException {
      long from = channel.position();
      long to = Math.min(channel.size(), from + Math.max(0, n));
      channel.position(to);
      return to - from;
    }

    @Override
    public int available() throws IOException {
      return (int) Math.min(Integer.MAX_VALUE, Math.max(0, channel.size() - channel.position()));
    }

    @Override
    public long getPos() throws IOException {
      return channel.position();
    }

    @Override
    public void seek(long position) throws IOException {
      channel.position(position);
    }

    @Override
    public void readFully(byte[] bytes, int offset, int length) throws IOException {
      ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, length);
      while (buffer.hasRemaining()) {
        if (channel.read(buffer) < 0) {
          throw new EOFException("Reached the end of the file with " + buffer.remaining() + " bytes still to read");
        }
      }
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }
}
