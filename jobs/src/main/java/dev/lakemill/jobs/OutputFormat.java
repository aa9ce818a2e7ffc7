package dev.lakemill.jobs;

import java.util.Locale;
import picocli.CommandLine.Option;

/** {@code --format text|json} of the commands that print results (docs/OUTPUT.md describes the JSON). */
final class OutputFormat {
  @Option(names = "--format", defaultValue = "text", paramLabel = "FORMAT",
      description = "text or json (default: ${DEFAULT-VALUE}); json prints one JSON document on stdout, described in"
          + " docs/OUTPUT.md, and everything else on stderr.")
  String format;

  /** True for {@code --format json}; throws for anything but text and json. */
  boolean json() {
    String f = format.toLowerCase(Locale.ROOT);
    if (!f.equals("text") && !f.equals("json")) {
      throw CliErrors.unknownOutputFormat(format);
    }
    return f.equals("json");
  }
}
