package dev.homefleet.controller.live;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NewLinesTest {

    private static List<String> lines(String text) {
        return text.isEmpty() ? List.of() : Arrays.asList(text.split(" "));
    }

    @ParameterizedTest(name = "{0} then {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        "a b c     | a b c       | ''      ",   // nothing happened
        "a b c     | a b c d e   | d e     ",   // grew
        "a b c     | b c d       | d       ",   // grew, the tail window slid
        "a b c     | x y         | x y     ",   // rotated: nothing in common
        "a b c     | ''          | ''      ",   // truncated to nothing
        "''        | a b         | a b     ",   // was empty
        "a b c     | c c         | c       ",   // the longest overlap wins
        "a a a     | a a a       | ''      ",   // a repeated line is not taken for new
    })
    void new_lines_are_what_follows_the_overlap_with_the_previous_tail(String previous, String current,
            String added) {
        assertThat(NewLines.since(lines(previous.trim()), lines(current.trim()))).isEqualTo(lines(added.trim()));
    }
}
