package dev.lakemill;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The lakemill version, recorded in the ledger and in every step fingerprint. */
public final class LakemillVersion {
  private static final String VERSION = load();

  private LakemillVersion() {}

  public static String get() {
    return VERSION;
  }

  private static String load() {
    try (InputStream in = LakemillVersion.class.getResourceAsStream("/lakemill.properties")) {
      Properties p = new Properties();
      if (in != null) {
        p.load(in);
      }
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
