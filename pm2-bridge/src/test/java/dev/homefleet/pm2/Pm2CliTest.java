package dev.homefleet.pm2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.homefleet.core.exec.CommandResult;
import dev.homefleet.core.exec.CommandRunner;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Pm2CliTest {

    /** Answers every command with one result and remembers the argvs. */
    private static final class Scripted implements CommandRunner {
        final List<List<String>> argvs = new ArrayList<>();
        private final CommandResult result;

        Scripted(int exitCode, String stdout, String stderr, boolean timedOut) {
            this.result = new CommandResult(exitCode, stdout, stderr, Duration.ofMillis(5), timedOut);
        }

        @Override
        public CommandResult run(List<String> argv, Duration timeout) {
            argvs.add(argv);
            return result;
        }

        @Override
        public String describe() {
            return "ssh felipemacmini@felipes-mac-mini.local:22";
        }
    }

    private static Pm2Cli cli(Scripted runner) {
        return new Pm2Cli(runner, List.of("/opt/homebrew/bin/node", "/opt/homebrew/bin/pm2"), Duration.ofSeconds(30));
    }

    @Test
    void the_pm2_argv_prefix_comes_before_the_arguments() throws IOException {
        Scripted runner = new Scripted(0, "[]", "", false);

        assertThat(cli(runner).jlist()).isEmpty();

        assertThat(runner.argvs).containsExactly(List.of("/opt/homebrew/bin/node", "/opt/homebrew/bin/pm2", "jlist"));
    }

    @Test
    void a_pm2_error_line_is_the_message_even_when_pm2_exits_0() {
        Scripted runner = new Scripted(0, "", "\u001B[31m[PM2][ERROR] \u001B[39mFile /x.config.js not found\n", false);

        assertThatThrownBy(() -> cli(runner).run(List.of("start", "/x.config.js")))
                .isInstanceOf(IOException.class)
                .hasMessage("pm2 start /x.config.js failed on ssh felipemacmini@felipes-mac-mini.local:22 (exit 0): "
                        + "File /x.config.js not found");
    }

    @Test
    void a_non_zero_exit_without_a_pm2_error_shows_the_last_lines_it_printed() {
        Scripted runner = new Scripted(1, "", "node:internal/modules/cjs/loader:1228\n  throw err;\n  ^\n"
                + "Error: Cannot find module '/opt/homebrew/lib/node_modules/pm2/bin/pm2'\n", false);

        assertThatThrownBy(() -> cli(runner).run(List.of("jlist")))
                .hasMessage("pm2 jlist failed on ssh felipemacmini@felipes-mac-mini.local:22 (exit 1): throw err; / ^ / "
                        + "Error: Cannot find module '/opt/homebrew/lib/node_modules/pm2/bin/pm2'");
    }

    @Test
    void a_pm2_the_remote_shell_cannot_find_gets_a_hint_about_the_path() {
        Scripted runner = new Scripted(127, "", "zsh:1: command not found: pm2\n", false);

        assertThatThrownBy(() -> cli(runner).run(List.of("jlist")))
                .hasMessage("pm2 jlist failed on ssh felipemacmini@felipes-mac-mini.local:22 (exit 127): "
                        + "zsh:1: command not found: pm2; is pm2 installed there? give the pm2 command with its full "
                        + "path (a non-interactive SSH shell has a short PATH)");
    }

    @Test
    void a_pm2_that_does_not_answer_in_time_is_an_ioexception() {
        Scripted runner = new Scripted(-1, "", "", true);

        assertThatThrownBy(() -> cli(runner).run(List.of("restart", "web")))
                .hasMessage("pm2 restart web did not finish within 30 s on ssh "
                        + "felipemacmini@felipes-mac-mini.local:22; is the pm2 daemon hung? (pm2 kill stops it)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"all", "0", "12", "a,b"})
    void words_pm2_does_not_read_as_one_name_are_refused(String name) {
        assertThat(Pm2Cli.nameProblem(name)).startsWith("'" + name + "' cannot be a pm2 process name");
    }

    @ParameterizedTest
    @ValueSource(strings = {"aphos-server-prod", "ollama", "web 2", "all-in-one", "v2"})
    void ordinary_names_are_fine(String name) {
        assertThat(Pm2Cli.nameProblem(name)).isNull();
    }
}
