package dev.homefleet.launchd.launchctl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.homefleet.launchd.Golden;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ListOutputTest {

    private static String output(String file) throws IOException {
        return new String(Golden.testResource("launchctl/" + file), StandardCharsets.UTF_8);
    }

    @Test
    void the_table_gives_pid_status_and_label_with_a_dash_for_no_pid_and_a_minus_for_a_signal() throws IOException {
        assertThat(ListOutput.parseTable(output("list.txt"))).containsExactly(
                new ListEntry(-1, 0, "com.apple.SafariHistoryServiceAgent"),
                new ListEntry(631, 0, "com.apple.Finder"),
                new ListEntry(48213, 0, "com.clawdbot.gateway"),
                new ListEntry(-1, 78, "com.clawdbot.crabwalk"),
                new ListEntry(51277, 0, "com.clawdbot.status-api"),
                new ListEntry(-1, -9, "com.apple.mdworker.shared.0B000000-0000-0000-0000-000000000000"),
                new ListEntry(788, 0, "com.apple.Spotlight"),
                new ListEntry(-1, 0, "com.apple.xpc.launchd.oneshot.0x10000003.Google Chrome Helper"));
    }

    @Test
    void a_table_whose_tabs_became_spaces_still_reads() {
        assertThat(ListOutput.parseTable("PID   Status  Label\n48213   0   com.clawdbot.gateway\n-  -15  a b\n"))
                .containsExactly(new ListEntry(48213, 0, "com.clawdbot.gateway"), new ListEntry(-1, -15, "a b"));
    }

    @Test
    void list_label_of_a_running_job_gives_its_pid_and_decodes_the_wait_status() throws IOException {
        JobStatus status = ListOutput.parseLabel("com.clawdbot.gateway", output("list-gateway.txt"));

        assertThat(status).isEqualTo(new JobStatus("com.clawdbot.gateway", true, "running", 48213, 1, -1, null));
    }

    @Test
    void list_label_of_a_stopped_job_has_no_pid_and_exit_code_78_for_status_19968() throws IOException {
        JobStatus status = ListOutput.parseLabel("com.clawdbot.crabwalk", output("list-crabwalk.txt"));

        assertThat(status).isEqualTo(new JobStatus("com.clawdbot.crabwalk", true, "not running", -1, 78, -1, null));
        assertThat(status.running()).isFalse();
    }

    @ParameterizedTest(name = "wait status {0} is {1}")
    @CsvSource({"0, 0", "256, 1", "19968, 78", "15, -15", "9, -9", "134, -6", "78, 78"})
    void a_wait_status_reads_as_the_exit_code_or_minus_the_signal(int waitStatus, int shown) {
        assertThat(ListOutput.decodeWaitStatus(waitStatus)).isEqualTo(shown);
    }
}
