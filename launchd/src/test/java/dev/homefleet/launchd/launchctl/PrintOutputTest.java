package dev.homefleet.launchd.launchctl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.homefleet.launchd.Golden;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PrintOutputTest {

    private static String output(String file) throws IOException {
        return new String(Golden.testResource("launchctl/" + file), StandardCharsets.UTF_8);
    }

    @Test
    void a_running_agent_gives_its_state_pid_runs_last_exit_code_and_plist() throws IOException {
        JobStatus status = PrintOutput.parse("com.clawdbot.gateway", output("print-gateway-running.txt"));

        assertThat(status).isEqualTo(new JobStatus("com.clawdbot.gateway", true, "running", 48213, 1, 3,
                "/Users/felipevieira/Library/LaunchAgents/com.clawdbot.gateway.plist"));
        assertThat(status.running()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "null", textBlock = """
            print-gateway-running.txt         | running         | 48213 | 1    | 3
            print-crabwalk-ex-config.txt      | not running     | -1    | 78   | 12
            print-status-api-terminated.txt   | not running     | -1    | -15  | 1
            print-node-spawn-scheduled.txt    | spawn scheduled | -1    | 1    | 5
            print-ollama-system.txt           | running         | 612   | null | 1
            """)
    void each_state_reads_as_launchd_words_it(String file, String state, int pid, Integer lastExit, int runs)
            throws IOException {
        JobStatus status = PrintOutput.parse("x", output(file));

        assertThat(status.state()).isEqualTo(state);
        assertThat(status.pid()).isEqualTo(pid);
        assertThat(status.lastExitStatus()).isEqualTo(lastExit);
        assertThat(status.runs()).isEqualTo(runs);
        assertThat(status.loaded()).isTrue();
    }

    @Test
    void keys_inside_nested_blocks_and_look_alike_keys_are_not_taken_for_the_jobs_own() {
        String output = """
                gui/501/com.example = {
                \tstate = not running
                \tenvironment = {
                \t\tpid = 99
                \t\tstate = running
                \t}
                \tjob state = running
                \tlast exit code = (never exited)
                }
                """;

        JobStatus status = PrintOutput.parse("com.example", output);

        assertThat(status.state()).isEqualTo("not running");
        assertThat(status.pid()).isEqualTo(-1);
        assertThat(status.lastExitStatus()).isNull();
        assertThat(status.running()).isFalse();
    }

    @Test
    void output_without_the_keys_leaves_what_it_does_not_say_unknown() {
        JobStatus status = PrintOutput.parse("com.example", "gui/501/com.example = {\n}\n");

        assertThat(status).isEqualTo(new JobStatus("com.example", true, null, -1, null, -1, null));
    }
}
