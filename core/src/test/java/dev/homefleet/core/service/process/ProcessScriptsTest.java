package dev.homefleet.core.service.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.homefleet.core.exec.CommandResult;
import dev.homefleet.core.exec.LocalCommandRunner;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class ProcessScriptsTest {

    private static final String HOME = "/home/felipe";

    static Stream<Arguments> paths() {
        return Stream.of(
                Arguments.of("~/.homefleet/run/aphos", "\"$HOME\"/.homefleet/run/aphos",
                        HOME + "/.homefleet/run/aphos"),
                Arguments.of("~", "\"$HOME\"", HOME),
                Arguments.of("~/", "\"$HOME\"/", HOME + "/"),
                Arguments.of("~/it's $here", "\"$HOME\"/'it'\\''s $here'", HOME + "/it's $here"),
                Arguments.of("/srv/a b/`x`", "'/srv/a b/`x`'", "/srv/a b/`x`"),
                Arguments.of("~root/x", "'~root/x'", "~root/x"),
                Arguments.of("", "''", ""));
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("paths")
    void a_path_is_one_word_and_only_a_leading_tilde_slash_is_the_home(String path, String word, String expanded)
            throws IOException {
        assertThat(ProcessScripts.path(path)).isEqualTo(word);

        CommandResult printed = LocalCommandRunner.builder().environment("HOME", HOME).build()
                .run(List.of("/bin/sh", "-c", "printf '%s|' " + word), Duration.ofSeconds(10));

        assertThat(printed.stdout()).isEqualTo(expanded + "|");
    }

    @ParameterizedTest(name = "{0} ms")
    @CsvSource({"1, 0.001, 1", "200, 0.2, 2", "1000, 1, 10", "10000, 10, 100", "1050, 1.05, 11"})
    void durations_become_sleep_seconds_and_poll_counts(long millis, String seconds, int tenths) {
        assertThat(ProcessScripts.seconds(Duration.ofMillis(millis))).isEqualTo(seconds);
        assertThat(ProcessScripts.tenths(Duration.ofMillis(millis))).isEqualTo(tenths);
    }

    @Test
    void every_script_parses_in_sh() throws IOException {
        List<String> scripts = List.of(
                ProcessScripts.start("~/.homefleet/run/x", "/srv/it's", List.of("node", "dist/index.js"),
                        Duration.ofSeconds(1)),
                ProcessScripts.status("~/.homefleet/run/x"),
                ProcessScripts.stop("~/.homefleet/run/x", Duration.ofSeconds(10)),
                ProcessScripts.logs("~/.homefleet/run/x", 100),
                ProcessScripts.readEnvironment("~/.homefleet/run/x"),
                ProcessScripts.writeEnvironment("~/.homefleet/run/x", "export A='1'\n"),
                ProcessScripts.SUPERVISOR,
                ProcessScripts.SERVICE);
        for (String script : scripts) {
            CommandResult checked = new LocalCommandRunner().run(List.of("/bin/sh", "-n", "-c", script),
                    Duration.ofSeconds(10));
            assertThat(checked.exitCode()).as(checked.stderr() + "\n" + script).isZero();
        }
    }

    @Test
    void the_command_is_quoted_word_by_word_into_the_start_script() {
        String script = ProcessScripts.start("/run/x", null, List.of("node", "a b.js", "--name=it's"),
                Duration.ofMillis(250));

        assertThat(script)
                .contains(" \"$cwd\" node 'a b.js' '--name=it'\\''s' </dev/null >>\"$d/log\" 2>&1 &\n")
                .contains("\ncwd=''\n")
                .contains("\nsleep 0.25\n");
    }
}
