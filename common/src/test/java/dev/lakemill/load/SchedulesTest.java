package dev.lakemill.load;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The schedule syntax; whole pipeline files with invalid schedules are in the invalid/ corpus. */
class SchedulesTest {
  @ParameterizedTest
  @ValueSource(strings = {"0 3 * * *", "*/15 0-6,22-23 1,15 JAN-MAR,dec mon-fri", "59 23 31 12 7", "0 0 * * 0",
      "5/10 * * * *", "0-30/5 */2 1-31/3 */6 SUN", " 0  3 * * * ", "@once", "@hourly", "@daily", "@weekly",
      "@monthly", "@quarterly", "@yearly", "@annually", "@continuous", " @daily "})
  void acceptsCronExpressionsAndAirflowPresets(String schedule) {
    assertThat(Schedules.scheduleProblem(schedule)).isNull();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "60 * * * *|minute '60' is not a number 0-59",
      "* * 0 * *|day-of-month '0' is not a number 1-31",
      "* * * 13 *|month '13' is not a number 1-12 or a name JAN-DEC",
      "* * * * 8|day-of-week '8' is not a number 0-7 or a name SUN-SAT",
      "* * * * MONDAY|day-of-week 'MONDAY' is not a number 0-7 or a name SUN-SAT",
      "1,,2 * * * *|minute '1,,2' has an empty list element",
      "*/5/2 * * * *|minute '*/5/2' has more than one /step",
      "*/x * * * *|minute step 'x' in '*/x' is not a number 1-59",
      "* 1-2-3 * * *|hour '1-2-3' is not a value or a range a-b",
      "* -1 * * *|hour '' is not a number 0-23",
      "0 0 L * *|day-of-month 'L' is not a number 1-31",
      "0 0 * * 5#3|day-of-week '5#3' is not a number 0-7 or a name SUN-SAT"})
  void namesTheFieldAndWhyItIsWrong(String schedule, String reason) {
    assertThat(Schedules.scheduleProblem(schedule)).isEqualTo("Cannot use schedule '" + schedule + "': " + reason
        + " (cron fields: minute hour day-of-month month day-of-week)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   ", "0 3 * *", "0 0 3 * * *", "daily"})
  void wrongFieldCountsAreNotCronExpressions(String schedule) {
    assertThat(Schedules.scheduleProblem(schedule)).startsWith("Cannot use schedule '" + schedule
        + "': not a cron expression (5 fields: minute hour day-of-month month day-of-week) or an Airflow preset");
  }

  @ParameterizedTest
  @ValueSource(strings = {"silver.customers", "gold.churn_scores_v2", "churn@champion", "churn-model@chal_1"})
  void onUpdateTakesTablesAndModelAliases(String entry) {
    assertThat(Schedules.onUpdateProblem(entry)).isNull();
  }
}
