package dev.homefleet.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.text.ParseException;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Date;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.quartz.CronExpression;

class ScheduleTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "*/15 * * * *|0 */15 * * * ?",
            "0 10 * * *|0 0 10 * * ?",
            "0 0 * * 0|0 0 0 ? * 1",
            "0 0 * * 7|0 0 0 ? * 1",
            "0 9 * * 1-5|0 0 9 ? * 2,3,4,5,6",
            "0 9 * * 5-7|0 0 9 ? * 1,6,7",
            "0 9 * * 1-7/2|0 0 9 ? * 1,2,4,6",
            "0 9 * * */2|0 0 9 ? * 1,3,5,7",
            "0 9 * * 1/2|0 0 9 ? * 1,2,4,6",
            "0 9 * * 7/2|0 0 9 ? * 1",
            "0 9 * * MON-FRI|0 0 9 ? * MON-FRI",
            "0 0 1 * *|0 0 0 1 * ?",
            "@hourly|0 0 * * * ?",
            "@daily|0 0 0 * * ?",
            "@weekly|0 0 0 ? * 1",
            "0 0/5 * * * ?|0 0/5 * * * ?"})
    void crontab_lines_become_quartz_expressions(String crontab, String quartz) {
        assertThat(Schedule.parse(crontab).quartz()).isEqualTo(quartz);
    }

    @Test
    void a_translated_sunday_schedule_fires_on_sunday_as_crontab_would() throws ParseException {
        CronExpression cron = new CronExpression(Schedule.parse("0 0 * * 0").quartz());
        cron.setTimeZone(TimeZone.getTimeZone("UTC"));
        ZonedDateTime wednesday = ZonedDateTime.of(2026, 11, 18, 12, 0, 0, 0, ZoneOffset.UTC);
        Date next = cron.getNextValidTimeAfter(Date.from(wednesday.toInstant()));
        assertThat(next.toInstant()).isEqualTo(ZonedDateTime.of(2026, 11, 22, 0, 0, 0, 0, ZoneOffset.UTC).toInstant());
    }

    @Test
    void every_is_an_interval() {
        Schedule every = Schedule.parse("@every 15m");
        assertThat(every.isInterval()).isTrue();
        assertThat(every.every()).isEqualTo(Duration.ofMinutes(15));
        assertThat(every.quartz()).isNull();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "*/15 * * *|'*/15 * * *' has 4 fields; a crontab line has 5 (minute hour day-of-month month day-of-week), a Quartz expression 6 or 7",
            "61 * * * *|'61' is out of range for the minute field; use 0 to 59",
            "0 25 * * *|'25' is out of range for the hour field; use 0 to 23",
            "0 0 1 * 1|'0 0 1 * 1' sets both day-of-month and day-of-week, which crontab reads as 'either'; Quartz cannot express that, so split it into two schedules",
            "@every|'@every' needs an interval, e.g. '@every 15m'",
            "@every soon|'soon' is not a duration; write a number and a unit (ms, s, m, h, d), e.g. 30s, 15m, 2h or 1h30m",
            "@often|'@often' is not a schedule; use @every DURATION, @hourly, @daily, @weekly, @monthly or a crontab line",
            "*/x * * * *|'*/x' has a bad step in the minute field; write */N or FROM-TO/N with a whole number N",
            "*/0 * * * *|'*/0' has a bad step in the minute field; write */N or FROM-TO/N with a whole number N",
            "0 0 31 2 *|'0 0 31 2 *' never fires (no such date comes again); check the day and month fields",
            "@EVERY 0s|'@EVERY 0s' is shorter than 1s; use 1s or more",
            "0 9 * * 5-2|'5-2' in the day-of-week field runs backwards; write the lower number first",
            "0 9 * * MON,3|'MON,3' mixes weekday names and numbers; write the day-of-week field with one or the other"})
    void broken_schedules_are_refused_with_the_reason(String text, String message) {
        assertThatThrownBy(() -> Schedule.parse(text)).hasMessage(message);
    }

    @Test
    void quartz_own_parser_judges_what_the_translation_cannot() {
        assertThatThrownBy(() -> Schedule.parse("0 0 10 * * FOO"))
                .hasMessageStartingWith("'0 0 10 * * FOO' is not a valid cron expression: ");
    }
}
