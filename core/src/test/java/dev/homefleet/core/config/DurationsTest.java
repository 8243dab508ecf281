package dev.homefleet.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DurationsTest {

    @ParameterizedTest
    @CsvSource({"500ms,PT0.5S", "30s,PT30S", "15m,PT15M", "2h,PT2H", "1h30m,PT1H30M", "7d,PT168H", "90s,PT1M30S"})
    void durations_read_as_people_write_them(String text, String iso) {
        assertThat(Durations.parse(text)).isEqualTo(Duration.parse(iso));
    }

    @ParameterizedTest
    @CsvSource({"PT0.25S,250ms", "PT30S,30s", "PT15M,15m", "PT1H30M,1h30m", "PT48H,2d"})
    void durations_print_back_in_the_same_syntax(String iso, String text) {
        assertThat(Durations.format(Duration.parse(iso))).isEqualTo(text);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "30|'30' has no unit; write it with one, e.g. 30s or 30m",
            "thirty seconds|'thirty seconds' is not a duration; write a number and a unit (ms, s, m, h, d), e.g. 30s, 15m, 2h or 1h30m",
            "5 m|'5 m' is not a duration; write a number and a unit (ms, s, m, h, d), e.g. 30s, 15m, 2h or 1h30m",
            "-5s|'-5s' is not a duration; write a number and a unit (ms, s, m, h, d), e.g. 30s, 15m, 2h or 1h30m"})
    void a_duration_without_a_unit_or_in_words_is_refused_with_an_example(String text, String message) {
        assertThatThrownBy(() -> Durations.parse(text)).hasMessage(message);
    }
}
