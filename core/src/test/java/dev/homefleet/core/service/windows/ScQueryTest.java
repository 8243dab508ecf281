package dev.homefleet.core.service.windows;

import static dev.homefleet.core.service.windows.RecordingRunner.capture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScQueryTest {

    private static final String CRASHED = capture("sc-queryex-clawdbot-crashed.txt");

    @Test
    void queryex_of_a_running_service_gives_its_state_and_pid() {
        ScQuery query = ScQuery.parse(capture("sc-queryex-sshd-running.txt"));

        assertThat(query).isEqualTo(new ScQuery("sshd", WindowsStatus.RUNNING, 0, 0, 3412));
        assertThat(query.exitCode()).isNull();
    }

    @Test
    void query_without_ex_has_no_pid_line_and_gives_minus_one() {
        ScQuery query = ScQuery.parse(capture("sc-query-tailscale-running.txt"));

        assertThat(query).isEqualTo(new ScQuery("Tailscale", WindowsStatus.RUNNING, 0, 0, -1));
    }

    @Test
    void a_crashed_service_is_stopped_with_its_win32_exit_code() {
        ScQuery query = ScQuery.parse(CRASHED);

        assertThat(query.status()).isEqualTo(WindowsStatus.STOPPED);
        assertThat(query.pid()).isZero();
        assertThat(query.exitCode()).as("ERROR_PROCESS_ABORTED").isEqualTo(1067);
    }

    @ParameterizedTest(name = "WIN32_EXIT_CODE {0}, SERVICE_EXIT_CODE {1} -> {2}")
    @CsvSource(nullValues = "none", value = {
            "0, 0, none",
            "1077, 0, none",    // ERROR_SERVICE_NEVER_STARTED: stopped since boot, not failed
            "1066, 3, 3",       // ERROR_SERVICE_SPECIFIC_ERROR: the service's own code
            "1066, 0, 1066",
            "1067, 0, 1067",
            "2147942405, 0, -2147024891"})
    void the_exit_code_is_the_services_own_when_it_gave_one(long win32, long service, Integer expected) {
        String output = CRASHED.replace("1067  (0x42b)", win32 + "  (0x" + Long.toHexString(win32) + ")")
                .replace("SERVICE_EXIT_CODE  : 0  (0x0)", "SERVICE_EXIT_CODE  : " + service + "  (0x"
                        + Long.toHexString(service) + ")");

        assertThat(ScQuery.parse(output).exitCode()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"1  STOPPED, STOPPED", "2  START_PENDING, START_PENDING", "3  STOP_PENDING, STOP_PENDING",
            "4  RUNNING, RUNNING", "5  CONTINUE_PENDING, CONTINUE_PENDING", "6  PAUSE_PENDING, PAUSE_PENDING",
            "7  PAUSED, PAUSED"})
    void every_state_code_is_read(String state, WindowsStatus expected) {
        String output = capture("sc-queryex-sshd-running.txt").replace("4  RUNNING", state);

        assertThat(ScQuery.parse(output).status()).isEqualTo(expected);
    }

    @Test
    void a_missing_service_is_recognised_and_not_parsed() {
        String missing = capture("sc-queryex-missing.txt");

        assertThat(ScQuery.saysNoSuchService(missing)).isTrue();
        assertThatThrownBy(() -> ScQuery.parse(missing))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("sc failed with error 1060: [SC] EnumQueryServicesStatus:OpenService FAILED 1060: The"
                        + " specified service does not exist as an installed service.");
    }

    @Test
    void output_without_a_service_block_is_refused() {
        assertThatThrownBy(() -> ScQuery.parse("\r\nDESCRIPTION:\r\n        Something else\r\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("sc printed no SERVICE_NAME and STATE lines: DESCRIPTION:");
    }

    @Test
    void an_unknown_state_code_is_refused() {
        String output = capture("sc-queryex-sshd-running.txt").replace("4  RUNNING", "9  WEIRD");

        assertThatThrownBy(() -> ScQuery.parse(output))
                .hasMessage("unknown service state 9; Windows knows 1 (Stopped) to 7 (Paused)");
    }
}
