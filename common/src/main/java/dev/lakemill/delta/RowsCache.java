package dev.lakemill.delta;

import dev.lakemill.fs.Storage;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.zip.CRC32;

/**
 * Copies of what {@link KernelTables} read of lakemill's metadata tables (or, with no columns, only that the
 * table is there: {@link KernelTables#present}), kept beside each table, so that the
 * next process reading the same version of the table answers from a small file instead of loading Delta Kernel's
 * snapshot and reading Parquet: what lets {@code lakemill plan}, {@code history} and {@code models} cost little
 * more than {@code validate}.
 *
 * <p>One file per read (a column list and an optional filter) in {@code <table>/_lakemill_rows/}: a folder
 * Delta, Spark and {@code VACUUM} leave alone, as every folder whose name starts with {@code _}. A copy is only
 * ever used for the version it was read at, and it proves that it is of that version:
 * <ul>
 *   <li>its version, and the SHA-256 of the bytes of that version's commit file, must be those of the table's
 *       newest commit now (a table deleted and written again to the same version has other commits);</li>
 *   <li>every data file it was read from must still be there with the size and time it had (a deleted or
 *       rewritten file makes Kernel read, and report, the table again);</li>
 *   <li>and the file itself must be whole: a magic number, a format number and a CRC-32 of its contents.</li>
 * </ul>
 * Anything else (no copy, another version, a damaged or foreign file) reads through Kernel, which writes a new
 * copy. An append lakemill commits through Kernel ({@link KernelTables.Append}) carries every copy of the
 * version it appended to forward to the version it committed, with the rows it wrote: a run's ledger write
 * leaves the next {@code plan} a copy to read.
 *
 * <p>Only tables on the local file system are copied; a copy that cannot be written (a read-only lakehouse) is
 * not an error: the next read goes through Kernel, as it would without copies.
 */
final class RowsCache {
  /** The folder, inside a table's folder, holding the copies. */
  static final String FOLDER = "_lakemill_rows";
  private static final long MAGIC = 0x4c4b4d524f575331L; // "LKMROWS1"
  private static final int FORMAT = 1;
  /** Larger files are not read: metadata tables are small, and a copy is never worth more memory than this. */
  private static final long MAX_BYTES = 256L << 20;

  private final Storage storage;
  /** The hashes of commit files already read by this process, by path, size and time. */
  private final Map<String, String> hashes = new ConcurrentHashMap<>();
  /** The copies already read by this process, by file: answered again while their stamp is current. */
  private final Map<Path, Copy> known = new ConcurrentHashMap<>();

  RowsCache(Storage storage) {
    this.storage = storage;
  }

  /**
   * A table version as a copy records it: the version and the SHA-256 of its commit file. Only local tables have
   * one ({@link #stamp}), so reading, keeping and carrying forward, which all take a stamp, are local only.
   */
  record Stamp(long version, String commitHash) {}

  /** A data file a copy was read from, by its path relative to the table, with its size and time then. */
  record DataFile(String path, long size, long modified) {}

  /** One copy: what was read (columns, filter), at which version, from which files, and the rows. */
  record Copy(List<String> columns, KernelTables.Equals where, Stamp stamp, List<DataFile> files,
      List<Map<String, Object>> rows) {}

  /**
   * The stamp of version {@code version} of the local table at {@code location}, whose commit file has
   * {@code size} and {@code modified}; null when the table is not local or the file cannot be read.
   */
  Stamp stamp(String location, long version, long size, long modified) {
    try {
      return stampOf(location, version, size, modified);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private Stamp stampOf(String location, long version, long size, long modified) {
    if (!storage.isLocal(location)) {
      return null;
    }
    Path commit = commitFile(location, version);
    String key = commit + "\n" + size + "\n" + modified;
    String hash = hashes.get(key);
    if (hash == null) {
      try {
        hash = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
            .digest(Files.readAllBytes(commit)));
      } catch (IOException | java.security.NoSuchAlgorithmException e) {
        return null;
      }
      hashes.put(key, hash);
    }
    return new Stamp(version, hash);
  }

  /** The stamp of version {@code version}, stat'ing its commit file first; null as {@link #stamp}. */
  Stamp stamp(String location, long version) {
    try {
      if (!storage.isLocal(location)) {
        return null;
      }
      BasicFileAttributes a = Files.readAttributes(commitFile(location, version), BasicFileAttributes.class);
      return stamp(location, version, a.size(), a.lastModifiedTime().toMillis());
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * The rows of the copy of {@code columns} and {@code where} at {@code stamp}, when there is one and every
   * file it was read from is as it was; empty otherwise.
   */
  Optional<List<Map<String, Object>>> read(String location, List<String> columns, KernelTables.Equals where,
      Stamp stamp) {
    try {
      return copy(location, columns, where, stamp);
    } catch (RuntimeException e) {
      return Optional.empty(); // a path java.nio cannot take, say: read through Kernel
    }
  }

  private Optional<List<Map<String, Object>>> copy(String location, List<String> columns, KernelTables.Equals where,
      Stamp stamp) {
    Path file = file(location, columns, where);
    Copy copy = known.get(file);
    if (copy != null && copy.stamp().equals(stamp)) {
      return Optional.of(copy.rows());
    }
    copy = decode(file);
    if (copy == null || !copy.stamp().equals(stamp) || !copy.columns().equals(columns)
        || !java.util.Objects.equals(copy.where(), where) || !unchanged(location, copy.files())) {
      return Optional.empty();
    }
    known.put(file, copy);
    return Optional.of(copy.rows());
  }

  /**
   * Keeps {@code rows}, read at {@code stamp} from the data files {@code read} (paths as Kernel gives them), as
   * the copy of {@code columns} and {@code where}. Writes nothing when the table is not local or a file is gone.
   */
  void write(String location, List<String> columns, KernelTables.Equals where, Stamp stamp, List<String> read,
      List<Map<String, Object>> rows) {
    try {
      keep(location, columns, where, stamp, read, rows);
    } catch (RuntimeException e) {
      // Not kept: the next read goes through Kernel.
    }
  }

  private void keep(String location, List<String> columns, KernelTables.Equals where, Stamp stamp, List<String> read,
      List<Map<String, Object>> rows) {
    List<DataFile> files = dataFiles(location, read);
    if (files == null) {
      return;
    }
    Path file = file(location, columns, where);
    Copy copy = new Copy(columns, where, stamp, files, rows);
    if (store(file, copy)) {
      known.put(file, copy);
    }
  }

  /**
   * Carries every copy at {@code from} forward to {@code to}, the version of one append to the table that wrote
   * the data files {@code written} (paths as Kernel gives them): each copy gains the rows of the append that
   * {@code appended} gives for its columns and filter. Only for a commit that is exactly that append on top of
   * {@code from}: the caller checks that {@code to} is {@code from}'s version plus one.
   */
  void carryForward(String location, Stamp from, Stamp to, List<String> written,
      BiFunction<List<String>, KernelTables.Equals, List<Map<String, Object>>> appended) {
    try {
      carry(location, from, to, written, appended);
    } catch (RuntimeException e) {
      // The commit stands; copies not carried forward are of the previous version, and the next read misses.
    }
  }

  private void carry(String location, Stamp from, Stamp to, List<String> written,
      BiFunction<List<String>, KernelTables.Equals, List<Map<String, Object>>> appended) {
    List<DataFile> added = from == null || to == null ? null : dataFiles(location, written);
    if (added == null) {
      return;
    }
    List<Path> copies;
    try (var listed = Files.list(Storage.localPath(location).resolve(FOLDER))) {
      copies = listed.filter(p -> p.getFileName().toString().endsWith(".rows")).toList();
    } catch (IOException e) {
      return; // no copies yet
    }
    for (Path file : copies) {
      Copy copy = decode(file);
      if (copy == null || !copy.stamp().equals(from)) {
        continue;
      }
      List<Map<String, Object>> rows = new ArrayList<>(copy.rows());
      if (!copy.columns().isEmpty()) { // no columns: the copy says only that the table is there
        rows.addAll(appended.apply(copy.columns(), copy.where()));
      }
      List<DataFile> files = new ArrayList<>(copy.files());
      files.addAll(added);
      Copy next = new Copy(copy.columns(), copy.where(), to, files, rows);
      if (store(file, next)) {
        known.put(file, next);
      }
    }
  }

  private static Path commitFile(String location, long version) {
    return Storage.localPath(location).resolve("_delta_log").resolve(String.format("%020d.json", version));
  }

  /** The copy's file: named after its columns and filter. */
  private static Path file(String location, List<String> columns, KernelTables.Equals where) {
    String key = String.join("\u0000", columns) + "\u0001"
        + (where == null ? "" : where.column() + "\u0000" + where.value());
    try {
      byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return Storage.localPath(location).resolve(FOLDER).resolve(HexFormat.of().formatHex(digest, 0, 12) + ".rows");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The data files at {@code paths} (as Kernel gives them) as they are now; null when one is gone. */
  private static List<DataFile> dataFiles(String location, List<String> paths) {
    Path table = Storage.localPath(location);
    List<DataFile> files = new ArrayList<>();
    for (String path : paths) {
      DataFile f = dataFile(table, Storage.localPath(path));
      if (f == null) {
        return null;
      }
      files.add(f);
    }
    return files;
  }

  private static DataFile dataFile(Path table, Path file) {
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      return new DataFile(table.relativize(file).toString(), a.size(), a.lastModifiedTime().toMillis());
    } catch (IOException e) {
      return null;
    }
  }

  private static boolean unchanged(String location, List<DataFile> files) {
    Path table = Storage.localPath(location);
    for (DataFile f : files) {
      if (!f.equals(dataFile(table, table.resolve(f.path()).normalize()))) {
        return false;
      }
    }
    return true;
  }

  /** Writes {@code copy} to {@code file} whole or not at all (a new file moved over the old); false when not. */
  private static boolean store(Path file, Copy copy) {
    Path temp = null;
    try {
      byte[] bytes = encode(copy);
      Files.createDirectories(file.getParent());
      temp = file.resolveSibling("." + file.getFileName() + "." + java.util.UUID.randomUUID() + ".tmp");
      Files.write(temp, bytes);
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return true;
    } catch (IOException | RuntimeException e) {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException ignored) {
          // Hidden, small, and replaced by nothing: left behind.
        }
      }
      return false;
    }
  }

  static byte[] encode(Copy copy) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeLong(MAGIC);
    out.writeInt(FORMAT);
    out.writeInt(copy.columns().size());
    for (String c : copy.columns()) {
      string(out, c);
    }
    out.writeBoolean(copy.where() != null);
    if (copy.where() != null) {
      string(out, copy.where().column());
      string(out, copy.where().value());
    }
    out.writeLong(copy.stamp().version());
    string(out, copy.stamp().commitHash());
    out.writeInt(copy.files().size());
    for (DataFile f : copy.files()) {
      string(out, f.path());
      out.writeLong(f.size());
      out.writeLong(f.modified());
    }
    out.writeInt(copy.rows().size());
    for (Map<String, Object> row : copy.rows()) {
      for (String c : copy.columns()) {
        value(out, row.get(c));
      }
    }
    out.flush();
    CRC32 crc = new CRC32();
    crc.update(bytes.toByteArray());
    out.writeLong(crc.getValue());
    return bytes.toByteArray();
  }

  /** The copy in {@code file}; null when there is none, or it is not a whole copy of this format. */
  private static Copy decode(Path file) {
    byte[] bytes;
    try {
      if (Files.size(file) > MAX_BYTES) {
        return null;
      }
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      return null; // none (NoSuchFileException) or unreadable: a miss either way
    }
    return decode(bytes);
  }

  static Copy decode(byte[] bytes) {
    if (bytes.length < 8 + 4 + 8) {
      return null;
    }
    CRC32 crc = new CRC32();
    crc.update(bytes, 0, bytes.length - 8);
    long stored = java.nio.ByteBuffer.wrap(bytes, bytes.length - 8, 8).getLong();
    if (crc.getValue() != stored) {
      return null;
    }
    try {
      Bounded in = new Bounded(new java.io.ByteArrayInputStream(bytes, 0, bytes.length - 8));
      if (in.readLong() != MAGIC || in.readInt() != FORMAT) {
        return null;
      }
      List<String> columns = new ArrayList<>();
      for (int i = in.count(); i > 0; i--) {
        columns.add(in.string());
      }
      KernelTables.Equals where = in.readBoolean() ? new KernelTables.Equals(in.string(), in.string()) : null;
      Stamp stamp = new Stamp(in.readLong(), in.string());
      List<DataFile> files = new ArrayList<>();
      for (int i = in.count(); i > 0; i--) {
        files.add(new DataFile(in.string(), in.readLong(), in.readLong()));
      }
      List<Map<String, Object>> rows = new ArrayList<>();
      for (int i = in.count(); i > 0; i--) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (String c : columns) {
          row.put(c, in.value(0));
        }
        rows.add(Collections.unmodifiableMap(row));
      }
      return in.available() == 0 ? new Copy(List.copyOf(columns), where, stamp, List.copyOf(files),
          Collections.unmodifiableList(rows)) : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static final int NULL = 0;
  private static final int STRING = 1;
  private static final int LONG = 2;
  private static final int INT = 3;
  private static final int DOUBLE = 4;
  private static final int BOOLEAN = 5;
  private static final int FLOAT = 6;
  private static final int DATE = 7;
  private static final int TIMESTAMP = 8;
  private static final int LIST = 9;
  private static final int MAP = 10;
  private static final int DECIMAL = 11;

  /** A value as {@link KernelTables} reads it; any other type is not copied. */
  private static void value(DataOutputStream out, Object v) throws IOException {
    if (v == null) {
      out.writeByte(NULL);
    } else if (v instanceof String s) {
      out.writeByte(STRING);
      string(out, s);
    } else if (v instanceof Long l) {
      out.writeByte(LONG);
      out.writeLong(l);
    } else if (v instanceof Integer i) {
      out.writeByte(INT);
      out.writeInt(i);
    } else if (v instanceof Double d) {
      out.writeByte(DOUBLE);
      out.writeDouble(d);
    } else if (v instanceof Boolean b) {
      out.writeByte(BOOLEAN);
      out.writeBoolean(b);
    } else if (v instanceof Float f) {
      out.writeByte(FLOAT);
      out.writeFloat(f);
    } else if (v instanceof java.sql.Date d) {
      out.writeByte(DATE);
      out.writeLong(d.toLocalDate().toEpochDay());
    } else if (v instanceof Timestamp t) {
      out.writeByte(TIMESTAMP);
      out.writeLong(t.getTime());
      out.writeInt(t.getNanos());
    } else if (v instanceof List<?> list) {
      out.writeByte(LIST);
      out.writeInt(list.size());
      for (Object e : list) {
        value(out, e);
      }
    } else if (v instanceof Map<?, ?> map) {
      out.writeByte(MAP);
      out.writeInt(map.size());
      for (Map.Entry<?, ?> e : map.entrySet()) {
        value(out, e.getKey());
        value(out, e.getValue());
      }
    } else if (v instanceof BigDecimal d) {
      out.writeByte(DECIMAL);
      string(out, d.toString());
    } else {
      throw new IllegalArgumentException("Not copied: a value of " + v.getClass());
    }
  }

  private static void string(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  /** Reads what {@link #encode} wrote, never trusting a count beyond the bytes that remain. */
  private static final class Bounded extends DataInputStream {
    private static final int MAX_DEPTH = 32;

    Bounded(InputStream in) {
      super(in);
    }

    /** A count of items of at least one byte each. */
    int count() throws IOException {
      int n = readInt();
      if (n < 0 || n > available()) {
        throw new EOFException("count " + n);
      }
      return n;
    }

    String string() throws IOException {
      byte[] b = new byte[count()];
      readFully(b);
      return new String(b, StandardCharsets.UTF_8);
    }

    Object value(int depth) throws IOException {
      if (depth > MAX_DEPTH) {
        throw new EOFException("nested too deep");
      }
      int tag = readByte();
      switch (tag) {
        case NULL:
          return null;
        case STRING:
          return string();
        case LONG:
          return readLong();
        case INT:
          return readInt();
        case DOUBLE:
          return readDouble();
        case BOOLEAN:
          return readBoolean();
        case FLOAT:
          return readFloat();
        case DATE:
          return java.sql.Date.valueOf(java.time.LocalDate.ofEpochDay(readLong()));
        case TIMESTAMP: {
          Timestamp t = new Timestamp(readLong());
          t.setNanos(readInt());
          return t;
        }
        case LIST: {
          List<Object> list = new ArrayList<>();
          for (int i = count(); i > 0; i--) {
            list.add(value(depth + 1));
          }
          return list;
        }
        case MAP: {
          Map<Object, Object> map = new LinkedHashMap<>();
          for (int i = count(); i > 0; i--) {
            map.put(value(depth + 1), value(depth + 1));
          }
          return map;
        }
        case DECIMAL:
          return new BigDecimal(string());
        default:
          throw new EOFException("tag " + tag);
      }
    }
  }
}
