package dev.lakemill.load;

import dev.lakemill.error.PipelineErrors;
import dev.lakemill.spec.ModelRef;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The syntax of {@code pipeline.schedule}: a 5-field cron expression or an Airflow preset, and the
 * entries of {@code schedule { on-update = [...] }}. Each check returns null when the text is valid,
 * else the whole problem message.
 */
final class Schedules {
  /** The presets Airflow accepts as a schedule, in the order messages list them. */
  static final List<String> PRESETS = List.of("@once", "@hourly", "@daily", "@weekly", "@monthly", "@quarterly",
      "@yearly", "@annually", "@continuous");

  private static final Pattern TABLE = Pattern.compile("[a-z0-9][a-z0-9_]*\\.[a-z0-9][a-z0-9_]*");
  private static final Pattern NUMBER = Pattern.compile("[0-9]{1,4}");
  private static final List<String> MONTHS =
      List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC");
  private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");

  /** One cron field: its name, range and the names it accepts (first name = {@code min}). */
  private record Field(String name, int min, int max, List<String> names) {
    String range() {
      return min + "-" + max + (names.isEmpty() ? "" : " or a name " + names.get(0) + "-" + names.get(names.size() - 1));
    }
  }

  private static final List<Field> FIELDS = List.of(
      new Field("minute", 0, 59, List.of()),
      new Field("hour", 0, 23, List.of()),
      new Field("day-of-month", 1, 31, List.of()),
      new Field("month", 1, 12, MONTHS),
      new Field("day-of-week", 0, 7, DAYS));

  private Schedules() {}

  /** Null when {@code text} is a 5-field cron expression or an Airflow preset, else the problem. */
  static String scheduleProblem(String text) {
    String trimmed = text.trim();
    if (trimmed.startsWith("@")) {
      return PRESETS.contains(trimmed) ? null : PipelineErrors.unknownSchedulePreset(text, PRESETS);
    }
    String[] fields = trimmed.split("\\s+");
    if (fields.length != FIELDS.size() || trimmed.isEmpty()) {
      return PipelineErrors.notASchedule(text, PRESETS);
    }
    for (int i = 0; i < fields.length; i++) {
      String reason = fieldProblem(FIELDS.get(i), fields[i]);
      if (reason != null) {
        return PipelineErrors.badCronField(text, reason);
      }
    }
    return null;
  }

  /** Null when {@code entry} is a lakehouse table ({@code schema.table}) or a model alias ({@code model@alias}). */
  static String onUpdateProblem(String entry) {
    if (TABLE.matcher(entry).matches()) {
      return null;
    }
    ModelRef ref = ModelRef.parse(entry).orElse(null);
    if (ref == null) {
      return PipelineErrors.badOnUpdateEntry(entry);
    }
    return ref.byAlias() ? null : PipelineErrors.onUpdateVersion(entry, ref.name());
  }

  /** Null when every comma-separated element is {@code *}, a value or a range, each with an optional {@code /step}. */
  private static String fieldProblem(Field field, String text) {
    for (String element : text.split(",", -1)) {
      if (element.isEmpty()) {
        return field.name() + " '" + text + "' has an empty list element";
      }
      String[] stepped = element.split("/", -1);
      if (stepped.length > 2) {
        return field.name() + " '" + element + "' has more than one /step";
      }
      if (stepped.length == 2) {
        Integer step = NUMBER.matcher(stepped[1]).matches() ? Integer.parseInt(stepped[1]) : null;
        if (step == null || step < 1 || step > field.max()) {
          return field.name() + " step '" + stepped[1] + "' in '" + element + "' is not a number 1-" + field.max();
        }
      }
      String base = stepped[0];
      if (base.equals("*")) {
        continue;
      }
      String[] bounds = base.split("-", -1);
      if (bounds.length > 2) {
        return field.name() + " '" + base + "' is not a value or a range a-b";
      }
      Integer low = value(field, bounds[0]);
      Integer high = bounds.length == 2 ? value(field, bounds[1]) : low;
      String bad = low == null ? bounds[0] : high == null ? bounds[1] : null;
      if (bad != null) {
        return field.name() + " '" + bad + "' is not a number " + field.range();
      }
      if (low > high) {
        return field.name() + " range '" + base + "' runs backwards: write the smaller value first, or two ranges";
      }
    }
    return null;
  }

  /** A number in the field's range or one of its names (any case), or null. */
  private static Integer value(Field field, String text) {
    if (NUMBER.matcher(text).matches()) {
      int n = Integer.parseInt(text);
      return n >= field.min() && n <= field.max() ? n : null;
    }
    int index = field.names().indexOf(text.toUpperCase(Locale.ROOT));
    return index < 0 ? null : field.min() + index;
  }
}
