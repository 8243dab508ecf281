package dev.homefleet.core.probe;

import static dev.homefleet.core.probe.Checks.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.homefleet.core.config.CheckSpec;
import dev.homefleet.core.exec.LocalCommandRunner;
import dev.homefleet.core.service.ServiceManager;
import dev.homefleet.core.service.process.ProcessServiceManager;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProbesTest {

    private static final Duration SHORT = Duration.ofMillis(300);

    private static TestServers servers;
    private static ProbeRunner runner;
    private static ProbeContext context;

    @BeforeAll
    static void start() throws IOException {
        servers = new TestServers();
        runner = new ProbeRunner(4);
        context = runner.context().withCommands(new LocalCommandRunner());
    }

    @AfterAll
    static void stop() throws IOException {
        runner.close();
        servers.close();
    }

    private static ProbeResult check(CheckSpec check) throws Exception {
        return check(check, context);
    }

    private static ProbeResult check(CheckSpec check, ProbeContext in) throws Exception {
        Instant before = Instant.now();
        ProbeResult result = Probes.of(check, in).run().get(30, TimeUnit.SECONDS);
        assertThat(result.at()).isBetween(before.minusMillis(1), Instant.now());
        assertThat(result.latency()).isGreaterThanOrEqualTo(Duration.ZERO);
        return result;
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"/ok, 200", "/created, 201", "/moved, 302"})
    void an_http_check_without_an_expected_status_passes_on_2xx_and_3xx(String path, int status) throws Exception {
        ProbeResult result = check(Checks.http(servers.url(path)));
        assertThat(result.ok()).as(result.detail()).isTrue();
        assertThat(result.detail()).matches(status + " in \\d+ ms");
    }

    @Test
    void an_http_check_fails_on_another_status_and_says_what_it_expected() throws Exception {
        ProbeResult anyOk = check(Checks.http(servers.url("/down")));
        assertThat(anyOk.ok()).isFalse();
        assertThat(anyOk.detail()).isEqualTo("status 503, expected 2xx or 3xx");

        ProbeResult exact = check(Checks.http(servers.url("/created"), 200, null, null, null, null, TIMEOUT));
        assertThat(exact.ok()).isFalse();
        assertThat(exact.detail()).isEqualTo("status 201, expected 200");

        ProbeResult expected503 = check(Checks.http(servers.url("/down"), 503, null, null, null, null, TIMEOUT));
        assertThat(expected503.ok()).as(expected503.detail()).isTrue();
    }

    @Test
    void an_http_check_can_ask_for_text_in_the_body() throws Exception {
        assertThat(check(Checks.http(servers.url("/ok"), null, "ok", null, null, null, TIMEOUT)).ok()).isTrue();
        ProbeResult lacks = check(Checks.http(servers.url("/ok"), null, "healthy", null, null, null, TIMEOUT));
        assertThat(lacks.ok()).isFalse();
        assertThat(lacks.detail()).isEqualTo("body lacks 'healthy'");
    }

    @Test
    void a_body_is_read_up_to_its_limit_and_judged_on_that() throws Exception {
        ProbeResult result = check(Checks.http(servers.url("/big"), null, "needle", null, null, null, TIMEOUT));
        assertThat(result.ok()).isFalse();
        assertThat(result.detail()).isEqualTo("body lacks 'needle' (in its first 1024 KiB)");
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({"status.state, starting", "status.since, 3", "items.1.name, b", "ready, true", "nothing, null"})
    void a_json_field_is_found_by_its_dotted_path_and_compared_as_text(String field, String value) throws Exception {
        ProbeResult result = check(Checks.http(servers.url("/json"), null, null, field, value, null, TIMEOUT));
        assertThat(result.ok()).as(result.detail()).isTrue();
    }

    @ParameterizedTest(name = "{0} = {1}: {2}")
    @CsvSource(delimiter = '|', textBlock = """
            /json | status.state | ok    | status.state is 'starting', expected 'ok'
            /json | status.gone  | ok    | status.gone is missing, expected 'ok'
            /json | items.7.name | a     | items.7.name is missing, expected 'a'
            /json | ready.deeper | true  | ready.deeper is missing, expected 'true'
            /json | status       | ok    | status is '{"state":"starting","since":3}', expected 'ok'
            /ok   | status.state | ok    | body is not JSON, expected status.state 'ok'
            """)
    void a_json_field_that_differs_or_is_missing_fails_the_check(String path, String field, String value,
            String detail) throws Exception {
        ProbeResult result = check(Checks.http(servers.url(path), null, null, field, value, null, TIMEOUT));
        assertThat(result.ok()).isFalse();
        assertThat(result.detail()).isEqualTo(detail);
    }

    @Test
    void an_answer_slower_than_max_response_time_fails_the_check() throws Exception {
        ProbeResult result = check(Checks.http(servers.url("/slow"), null, null, null, null, Duration.ofMillis(100),
                TIMEOUT));
        assertThat(result.ok()).isFalse();
        assertThat(result.detail()).matches("answered in \\d+ ms, over max_response_time 100ms");
        assertThat(result.latency()).isGreaterThan(Duration.ofMillis(100));
    }

    @Test
    void a_server_that_accepts_and_never_answers_times_out() throws Exception {
        ProbeResult result = check(Checks.http("http://127.0.0.1:" + servers.hungPort() + "/", null, null, null, null,
                null, SHORT));
        assertThat(result.ok()).isFalse();
        assertThat(result.detail()).isEqualTo("timed out after 300ms");
        assertThat(result.latency()).isGreaterThanOrEqualTo(SHORT);
    }

    @Test
    void a_closed_port_is_refused() throws Exception {
        int port = TestServers.closedPort();
        ProbeResult http = check(Checks.http("http://127.0.0.1:" + port + "/"));
        assertThat(http.ok()).isFalse();
        assertThat(http.detail()).isEqualTo("connection refused");

        ProbeResult tcp = check(Checks.tcp("127.0.0.1:" + port, TIMEOUT));
        assertThat(tcp.ok()).isFalse();
        assertThat(tcp.detail()).isEqualTo("connection refused");
    }

    @Test
    void a_tcp_check_passes_when_the_port_accepts_a_connection() throws Exception {
        ProbeResult v4 = check(Checks.tcp("127.0.0.1:" + servers.httpPort(), TIMEOUT));
        assertThat(v4.ok()).as(v4.detail()).isTrue();
        assertThat(v4.detail()).matches("connected in \\d+ ms");

        ProbeResult byName = check(Checks.tcp("localhost:" + servers.httpPort(), TIMEOUT));
        assertThat(byName.ok()).as(byName.detail()).isTrue();
    }

    @Test
    void a_tcp_check_times_out_when_the_port_takes_no_more_connections() throws Exception {
        // With its accept queue full and nobody accepting, Linux drops further connection attempts unanswered.
        List<Socket> fillers = new ArrayList<>();
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            for (int i = 0; i < 3; i++) {
                Socket s = new Socket();
                try {
                    s.connect(full.getLocalSocketAddress(), 200);
                } catch (IOException dropped) {
                    // the queue is full already
                }
                fillers.add(s);
            }
            ProbeResult result = check(Checks.tcp("127.0.0.1:" + full.getLocalPort(), SHORT));
            assertThat(result.ok()).isFalse();
            assertThat(result.detail()).isEqualTo("timed out after 300ms");
        } finally {
            for (Socket s : fillers) {
                s.close();
            }
        }
    }

    @Test
    void a_command_check_passes_on_exit_0_and_fails_with_the_first_line_it_wrote() throws Exception {
        ProbeResult ok = check(Checks.command(TIMEOUT, "true"));
        assertThat(ok.ok()).isTrue();
        assertThat(ok.detail()).matches("exit 0 in \\d+ ms");

        ProbeResult silent = check(Checks.command(TIMEOUT, "false"));
        assertThat(silent.ok()).isFalse();
        assertThat(silent.detail()).isEqualTo("exit 1");

        ProbeResult said = check(Checks.command(TIMEOUT, "sh", "-c", "echo 'database is locked' >&2; echo more >&2; "
                + "exit 3"));
        assertThat(said.ok()).isFalse();
        assertThat(said.detail()).isEqualTo("exit 3: database is locked");
    }

    @Test
    void a_command_that_runs_too_long_is_stopped_and_times_out() throws Exception {
        ProbeResult result = check(Checks.command(SHORT, "sleep", "30"));
        assertThat(result.ok()).isFalse();
        assertThat(result.detail()).isEqualTo("timed out after 300ms");
        assertThat(result.latency()).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void a_command_that_cannot_start_says_why() throws Exception {
        ProbeResult result = check(Checks.command(TIMEOUT, "no-such-program-hf"));
        assertThat(result.ok()).isFalse();
        assertThat(result.detail()).startsWith("cannot run no-such-program-hf: not found on PATH");
    }

    @Test
    void a_manager_check_follows_what_the_manager_says(@TempDir Path temp) throws Exception {
        LocalCommandRunner local = new LocalCommandRunner();
        ProcessServiceManager manager = ProcessServiceManager.builder(local, "svc", List.of("sleep", "30"))
                .stateDirectory(temp.resolve("run/svc").toString()).settle(Duration.ofMillis(200)).build();
        ProbeContext withManager = context.withManager(manager);

        ProbeResult stopped = check(Checks.manager(TIMEOUT), withManager);
        assertThat(stopped.ok()).isFalse();
        assertThat(stopped.detail()).startsWith("manager: stopped");
        manager.start();
        try {
            ProbeResult running = check(Checks.manager(TIMEOUT), withManager);
            assertThat(running.ok()).as(running.detail()).isTrue();
            assertThat(running.detail()).startsWith("manager: running");
        } finally {
            manager.stop();
        }
    }

    @Test
    void a_manager_that_fails_or_hangs_is_a_failed_check() throws Exception {
        ServiceManager failing = new StubManager() {
            @Override
            public dev.homefleet.core.service.ServiceState status() throws IOException {
                throw new IOException("pm2 is not installed on box; install it with npm i -g pm2");
            }
        };
        ProbeResult failed = check(Checks.manager(TIMEOUT), context.withManager(failing));
        assertThat(failed.ok()).isFalse();
        assertThat(failed.detail()).isEqualTo("manager: pm2 is not installed on box; install it with npm i -g pm2");

        StubManager.Hanging hanging = new StubManager.Hanging();
        ProbeResult hung = check(Checks.manager(SHORT), context.withManager(hanging));
        assertThat(hung.ok()).isFalse();
        assertThat(hung.detail()).isEqualTo("timed out after 300ms");
        assertThat(hanging.interrupted.await(5, TimeUnit.SECONDS)).as("the hung thread is interrupted").isTrue();
    }

    @Test
    void a_check_needs_what_its_kind_runs_with() {
        ProbeContext bare = runner.context();
        assertThatThrownBy(() -> Probes.of(Checks.command(TIMEOUT, "true"), bare))
                .hasMessage("a command check needs a CommandRunner in its ProbeContext");
        assertThatThrownBy(() -> Probes.of(Checks.manager(TIMEOUT), bare))
                .hasMessage("a manager check needs the service's ServiceManager in its ProbeContext");
        assertThatThrownBy(() -> Probes.of(new CheckSpec(null, null, null, null, null, null, null, null, null, null,
                null, null), bare)).hasMessage("the check names none of http, tcp, command and manager: true");
    }

    @Test
    void a_probe_names_its_target_and_timeout() {
        Probe http = Probes.of(Checks.http(servers.url("/ok")), context);
        assertThat(http.target()).isEqualTo(servers.url("/ok"));
        assertThat(http.timeout()).isEqualTo(TIMEOUT);
        assertThat(Probes.of(Checks.tcp("[::1]:22", SHORT), context).target()).isEqualTo("[::1]:22");
        assertThat(Probes.of(Checks.command(SHORT, "pgrep", "ollama"), context).target())
                .isEqualTo("pgrep ollama (local)");
    }
}
