package dev.homefleet.core.service.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.homefleet.core.service.ServiceState;
import dev.homefleet.core.service.ServiceState.State;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProcessReportTest {

    private static final String DEAD = """
            now=1769700000
            pidfile=yes
            pid=4242
            started=1769690000
            alive=no
            exit=%s
            ended=%s
            --- log
            listening on 127.0.0.1:9010
            shutting down
            """;

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"00:05, PT5S", "01:05, PT1M5S", "1:02:03, PT1H2M3S", "2-01:02:03, PT49H2M3S", "00:00, PT0S"})
    void elapsed_time_as_ps_prints_it(String etime, Duration expected) {
        assertThat(ProcessReport.etime(etime)).isEqualTo(expected);
    }

    @Test
    void no_or_unreadable_elapsed_time_is_unknown() {
        assertThat(ProcessReport.etime(null)).isNull();
        assertThat(ProcessReport.etime("")).isNull();
        assertThat(ProcessReport.etime("5 minutes")).isNull();
    }

    @Test
    void a_running_service_has_its_pid_and_uptime() {
        ServiceState state = ProcessReport.parse("now=1\npidfile=yes\npid=4242\nstarted=1\nalive=yes\netime=01:02:03\n")
                .state();

        assertThat(state).isEqualTo(new ServiceState(State.RUNNING, 4242, -1, Duration.ofSeconds(3723), -1, -1, null,
                "running"));
    }

    @Test
    void a_service_that_ran_a_while_and_exited_0_is_stopped() {
        ServiceState state = ProcessReport.parse(DEAD.formatted(0, 1769699000)).state();

        assertThat(state.state()).isEqualTo(State.STOPPED);
        assertThat(state.lastExitStatus()).isZero();
        assertThat(state.detail()).isEqualTo("exited with status 0 after 9000 s; its log ends with:\nlistening on"
                + " 127.0.0.1:9010\nshutting down");
    }

    @ParameterizedTest(name = "status {0} after {1} s -> {2}")
    @CsvSource({"0, 9000, STOPPED", "0, 4, ERRORED", "1, 9000, ERRORED", "137, 9000, ERRORED", "0, 5, STOPPED"})
    void a_failure_is_a_non_zero_status_or_an_end_within_five_seconds(int status, long ranFor, State expected) {
        ServiceState state = ProcessReport.parse(DEAD.formatted(status, 1769690000 + ranFor)).state();

        assertThat(state.state()).isEqualTo(expected);
        assertThat(state.lastExitStatus()).isEqualTo(status);
    }

    @Test
    void a_process_gone_without_an_exit_status_is_stopped_with_why_that_may_be() {
        ServiceState state = ProcessReport.parse("pidfile=yes\npid=4242\nstarted=1\nalive=no\n--- log\n").state();

        assertThat(state).isEqualTo(ServiceState.of(State.STOPPED, "process 4242 is gone without an exit status"
                + " (killed together with its supervisor, or the machine restarted); its log is empty"));
    }

    @Test
    void no_report_at_all_is_refused() {
        assertThatThrownBy(() -> ProcessReport.parse("sh: 1: syntax error\n"))
                .hasMessage("the script printed no report: sh: 1: syntax error");
    }
}
