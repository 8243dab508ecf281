package dev.homefleet.launchd.render;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JvmOptionsTest {

    @Test
    void comments_and_blank_lines_are_dropped_and_a_line_may_hold_several_flags_as_the_launcher_reads_them() {
        String text = """
                # a comment line
                -XX:+UseSerialGC
                   -Xms16m   -Xmx128m   # two flags, then a comment

                \t-Xss512k\t
                -Dnote=a#b
                """;

        assertThat(JvmOptions.parse(text)).containsExactly("-XX:+UseSerialGC", "-Xms16m", "-Xmx128m", "-Xss512k",
                "-Dnote=a");
    }

    @Test
    void an_empty_file_has_no_flags() {
        assertThat(JvmOptions.parse("")).isEmpty();
        assertThat(JvmOptions.parse("# only a comment\n\n")).isEmpty();
    }
}
