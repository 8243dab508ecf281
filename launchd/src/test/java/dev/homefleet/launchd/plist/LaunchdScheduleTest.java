package dev.homefleet.launchd.plist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.homefleet.core.config.Schedule;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LaunchdScheduleTest {

    /** Entries as "minute hour day weekday month" with - for a key left out. */
    private static String entries(String schedule) {
        return LaunchdSchedule.of(Schedule.parse(schedule)).calendarIntervals().stream()
                .map(e -> text(e.minute()) + " " + text(e.hour()) + " " + text(e.day()) + " " + text(e.weekday())
                        + " " + text(e.month()))
                .collect(Collectors.joining(" | "));
    }

    private static String text(Integer value) {
        return value == null ? "-" : value.toString();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', textBlock = """
            0 10 * * *          ; 0 10 - - -
            */15 * * * *        ; 0 - - - - | 15 - - - - | 30 - - - - | 45 - - - -
            0 */6 * * *         ; 0 0 - - - | 0 6 - - - | 0 12 - - - | 0 18 - - -
            0 0 * * 0           ; 0 0 - 0 -
            0 0 * * 7           ; 0 0 - 0 -
            30 9 * * 1-5        ; 30 9 - 1 - | 30 9 - 2 - | 30 9 - 3 - | 30 9 - 4 - | 30 9 - 5 -
            0 0 1 * *           ; 0 0 1 - -
            0 0 1 1,7 *         ; 0 0 1 - 1 | 0 0 1 - 7
            * * * * *           ; - - - - -
            0-59 0-23 * * *     ; - - - - -
            @hourly             ; 0 - - - -
            @daily              ; 0 0 - - -
            @weekly             ; 0 0 - 0 -
            0 0 12 ? * MON-FRI  ; 0 12 - 1 - | 0 12 - 2 - | 0 12 - 3 - | 0 12 - 4 - | 0 12 - 5 -
            0 0 22-1 * * ?      ; 0 0 - - - | 0 1 - - - | 0 22 - - - | 0 23 - - -
            0 15 10 ? JAN,DEC SUN ; 15 10 - 0 1 | 15 10 - 0 12
            """)
    void a_cron_schedule_becomes_start_calendar_interval_entries_without_ranges_or_steps(String schedule,
            String expected) {
        assertThat(entries(schedule)).isEqualTo(expected);
    }

    @Test
    void the_system_cleanup_every_fifteen_minutes_becomes_a_start_interval_of_900_seconds() {
        LaunchdSchedule schedule = LaunchdSchedule.of(Schedule.parse("@every 15m"));

        assertThat(schedule.startInterval()).isEqualTo(900);
        assertThat(schedule.calendarIntervals()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            @every 1500ms     | '@every 1500ms' is not a whole number of seconds; launchd's StartInterval counts seconds
            */30 * * * * ?    | '*/30 * * * * ?' fires within the minute; launchd's StartCalendarInterval starts jobs on whole minutes (use @every for shorter intervals)
            0 0 12 L * ?      | '0 0 12 L * ?' uses 'L' in the day-of-month field; launchd's StartCalendarInterval has no last-day, weekday-nearest or nth-weekday entries
            0 0 12 ? * MON#2  | '0 0 12 ? * MON#2' uses 'MON#2' in the day-of-week field; launchd's StartCalendarInterval has no last-day, weekday-nearest or nth-weekday entries
            0 0 12 * * ? 2030 | '0 0 12 * * ? 2030' names a year; launchd's StartCalendarInterval has none
            0-58 0-22 * * *   | '0-58 0-22 * * *' becomes 1357 StartCalendarInterval entries (launchd has no ranges or steps); the limit is 500, so use @every or a simpler schedule
            """)
    void a_schedule_launchd_cannot_say_is_refused_with_the_reason(String schedule, String message) {
        assertThatThrownBy(() -> LaunchdSchedule.of(Schedule.parse(schedule)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    @Test
    void every_entry_is_a_valid_calendar_interval_for_a_weekday_range_crossing_sunday() {
        assertThat(entries("0 8 * * 5-7")).isEqualTo("0 8 - 0 - | 0 8 - 5 - | 0 8 - 6 -");
        assertThat(LaunchdSchedule.of(Schedule.parse("0 8 * * 5-7")).calendarIntervals()).hasSize(3)
                .allMatch(e -> List.of(0, 5, 6).contains(e.weekday()));
    }
}
