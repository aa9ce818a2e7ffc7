package dev.lakemill.load;

import com.typesafe.config.ConfigOrigin;
import dev.lakemill.spec.SourceLocation;

/** Converts Typesafe origins to the serializable {@link SourceLocation} that specs keep. */
public final class Origins {
  private Origins() {}

  public static SourceLocation location(ConfigOrigin origin) {
    if (origin == null) {
      return new SourceLocation("<unknown>", 0);
    }
    String file = origin.filename() != null ? origin.filename() : origin.description();
    String line = ": " + origin.lineNumber();
    if (origin.filename() == null && origin.lineNumber() > 0 && file.endsWith(line)) {
      // A file read from a URI (Locations): its origin is a description, "uri: line".
      file = file.substring(0, file.length() - line.length());
    }
    return new SourceLocation(file, Math.max(origin.lineNumber(), 0));
  }
}
