package dev.homefleet.pm2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.homefleet.core.service.ServiceState;
import dev.homefleet.core.service.ServiceState.State;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JlistTest {

    /** pm_uptime of web in jlist-states.txt, plus 90 s. */
    private static final Instant NOW = Instant.ofEpochMilli(1795308559928L).plusSeconds(90);

    private static Map<String, Pm2Process> byName(List<Pm2Process> processes) {
        return processes.stream().collect(Collectors.toMap(Pm2Process::name, Function.identity()));
    }

    @Test
    void an_online_app_is_running_with_its_pid_restarts_uptime_cpu_and_memory() throws IOException {
        Pm2Process web = byName(Jlist.parse(Captured.read("jlist-states.txt"))).get("web");

        assertThat(web.pmId()).isZero();
        assertThat(web.env()).containsEntry("PORT", "47311").containsEntry("NODE_ENV", "production");
        ServiceState state = web.state(NOW);
        assertThat(state.state()).isEqualTo(State.RUNNING);
        assertThat(state.pid()).isEqualTo(17469);
        assertThat(state.restarts()).isZero();
        assertThat(state.uptime()).isEqualTo(Duration.ofSeconds(90));
        assertThat(state.cpuPercent()).isZero();
        assertThat(state.memoryBytes()).isEqualTo(50_581_504L);
        assertThat(state.lastExitStatus()).isNull();
        assertThat(state.detail()).isEqualTo("online");
        assertThat(web.launch()).isEqualTo(new Pm2Process.Launch("/tmp/hfcap/server.js", List.of(), "/tmp/hfcap",
                "node"));
    }

    @Test
    void every_captured_state_maps_to_a_service_state() throws IOException {
        Map<String, Pm2Process> processes = byName(Jlist.parse(Captured.read("jlist-states.txt")));

        assertThat(processes.keySet())
                .containsExactlyInAnyOrder("web", "crashy", "idle", "never-ready", "slow-stop", "backoff");
        assertThat(processes.get("crashy").state(NOW)).isEqualTo(
                new ServiceState(State.ERRORED, -1, 1, null, -1, -1, 1, "errored"));
        assertThat(processes.get("idle").state(NOW)).isEqualTo(
                new ServiceState(State.STOPPED, -1, 0, null, -1, -1, 0, "stopped"));
        ServiceState stopping = processes.get("slow-stop").state(NOW);
        assertThat(stopping.state()).isEqualTo(State.STOPPING);
        assertThat(stopping.pid()).isEqualTo(17488);
        // Waiting for its restart, it keeps the pid of the run that ended: that is no process of ours.
        assertThat(processes.get("backoff").state(NOW)).isEqualTo(
                new ServiceState(State.STARTING, -1, 1, null, -1, -1, 1, "waiting restart"));
    }

    @Test
    void the_banner_of_a_daemon_that_jlist_had_to_start_is_skipped() throws IOException {
        String output = Captured.read("jlist-new-daemon.txt");
        assertThat(output).contains("Spawning PM2 daemon").contains("[PM2]");

        assertThat(Jlist.parse(output)).isEmpty();
    }

    @Test
    void the_out_of_date_warning_before_the_list_is_skipped() throws IOException {
        String output = Captured.read("jlist-out-of-date.txt");
        assertThat(output).startsWith("\n").contains(">>>> In-memory PM2 is out-of-date");

        Map<String, Pm2Process> processes = byName(Jlist.parse(output));

        assertThat(processes.get("web").state(NOW).state()).isEqualTo(State.RUNNING);
        assertThat(processes.get("web").pid()).isEqualTo(22628);
        assertThat(processes.get("web").cpuPercent()).isEqualTo(3.8);
        assertThat(processes.get("crashy").state(NOW).state()).isEqualTo(State.ERRORED);
    }

    @Test
    void lines_after_the_list_are_ignored() throws IOException {
        String output = Captured.read("jlist-states.txt") + "\n>>>> In-memory PM2 is out-of-date, do:\n";

        assertThat(Jlist.parse(output)).hasSize(6);
    }

    @Test
    void output_without_a_list_is_an_ioexception_that_shows_what_pm2_printed() {
        assertThatThrownBy(() -> Jlist.parse("\u001B[31m[PM2][ERROR] \u001B[39mDaemon not launched\n"))
                .isInstanceOf(IOException.class)
                .hasMessage("pm2 jlist printed no process list: [PM2][ERROR] Daemon not launched");
        assertThatThrownBy(() -> Jlist.parse(""))
                .hasMessage("pm2 jlist printed no process list: (nothing)");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "online, RUNNING, 4242",
            "launching, STARTING, 4242",
            "waiting restart, STARTING, -1",
            "stopping, STOPPING, 4242",
            "stopped, STOPPED, -1",
            "one-launch-status, STOPPED, -1",
            "errored, ERRORED, -1",
            "something new, UNKNOWN, -1"})
    void pm2_states_map_to_service_states(String status, State expected, int pid) throws IOException {
        String entry = "[{\"pid\":4242,\"name\":\"app\",\"pm_id\":7,\"pm2_env\":{\"status\":\"" + status
                + "\",\"restart_time\":3,\"pm_uptime\":1795308559928},\"monit\":{\"memory\":1024,\"cpu\":1.5}}]";

        ServiceState state = Jlist.parse(entry).get(0).state(NOW);

        assertThat(state.state()).isEqualTo(expected);
        assertThat(state.pid()).isEqualTo(pid);
        assertThat(state.restarts()).isEqualTo(3);
        assertThat(state.detail()).isEqualTo(status);
        assertThat(state.uptime()).isEqualTo(pid > 0 ? Duration.ofSeconds(90) : null);
        assertThat(state.memoryBytes()).isEqualTo(pid > 0 ? 1024 : -1);
    }

    @Test
    void a_start_time_ahead_of_our_clock_is_an_uptime_of_zero() throws IOException {
        Pm2Process web = byName(Jlist.parse(Captured.read("jlist-states.txt"))).get("web");

        assertThat(web.state(Instant.ofEpochMilli(1795308559928L).minusSeconds(5)).uptime()).isZero();
    }
}
