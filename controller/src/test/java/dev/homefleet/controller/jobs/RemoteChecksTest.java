package dev.homefleet.controller.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.homefleet.core.config.CheckSpec;
import dev.homefleet.core.config.MachineSpec.Os;
import dev.homefleet.core.exec.LocalCommandRunner;
import dev.homefleet.core.probe.ProbeResult;
import dev.homefleet.core.probe.ProbeRunner;
import dev.homefleet.core.probe.Probes;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The translations themselves, and the POSIX ones run for real with curl and nc against loopback listeners. */
class RemoteChecksTest {

    private final ProbeRunner probes = new ProbeRunner(2);

    @AfterEach
    void stop() {
        probes.close();
    }

    private static CheckSpec http(String url) {
        return new CheckSpec(url, null, null, null, null, null, null, null, null, null, 4, 3);
    }

    private static CheckSpec tcp(String target) {
        return new CheckSpec(null, target, null, null, null, null, null, null, null, Duration.ofSeconds(3), null,
                null);
    }

    /** The PowerShell script inside {@code -EncodedCommand}. */
    private static String script(List<String> argv) {
        assertThat(argv.subList(0, 4)).containsExactly("powershell", "-NoProfile", "-NonInteractive",
                "-EncodedCommand");
        return new String(Base64.getDecoder().decode(argv.get(4)), StandardCharsets.UTF_16LE);
    }

    @Test
    void a_loopback_http_check_becomes_curl_on_the_machine_keeping_timeout_fall_and_rise() {
        CheckSpec translated = RemoteChecks.translate(http("http://127.0.0.1:11434/api/tags"), Os.MACOS).orElseThrow();

        assertThat(translated.command()).containsExactly("curl", "-sf", "-o", "/dev/null", "--max-time", "4",
                "http://127.0.0.1:11434/api/tags");
        assertThat(translated.http()).isNull();
        assertThat(translated.timeout()).isEqualTo(CheckSpec.DEFAULT_TIMEOUT);
        assertThat(translated.fall()).isEqualTo(4);
        assertThat(translated.rise()).isEqualTo(3);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://localhost:8080/", "http://127.0.0.2:8080/", "http://[::1]:8080/health"})
    void every_loopback_spelling_runs_on_the_machine(String url) {
        assertThat(RemoteChecks.translate(http(url), Os.LINUX).orElseThrow().command()).first().isEqualTo("curl");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://192.168.1.20:8080/", "http://macmini.local:11434/", "https://example.org/"})
    void an_http_check_to_another_address_is_run_from_the_controller_as_written(String url) {
        CheckSpec check = http(url);
        assertThat(RemoteChecks.translate(check, Os.MACOS)).containsSame(check);
    }

    @Test
    void an_http_check_with_expectations_a_status_code_cannot_judge_is_not_translated() {
        String url = "http://127.0.0.1:9010/health";
        List<CheckSpec> expecting = List.of(
                new CheckSpec(url, null, null, null, 204, null, null, null, null, null, null, null),
                new CheckSpec(url, null, null, null, null, "ok", null, null, null, null, null, null),
                new CheckSpec(url, null, null, null, null, null, "status", "up", null, null, null, null),
                new CheckSpec(url, null, null, null, null, null, null, null, Duration.ofMillis(500), null, null,
                        null));
        for (CheckSpec check : expecting) {
            assertThat(RemoteChecks.translate(check, Os.MACOS)).as("%s", check).isEmpty();
            assertThat(RemoteChecks.translate(check, Os.WINDOWS)).as("%s", check).isEmpty();
        }
    }

    @Test
    void a_loopback_tcp_check_becomes_nc_on_the_machine() {
        assertThat(RemoteChecks.translate(tcp("127.0.0.1:22"), Os.LINUX).orElseThrow().command())
                .containsExactly("nc", "-z", "-w", "2", "127.0.0.1", "22");
        assertThat(RemoteChecks.translate(tcp("localhost:5432"), Os.MACOS).orElseThrow().command())
                .containsExactly("nc", "-z", "-w", "2", "127.0.0.1", "5432");
        assertThat(RemoteChecks.translate(tcp("[::1]:6379"), Os.MACOS).orElseThrow().command())
                .containsExactly("nc", "-z", "-w", "2", "::1", "6379");
    }

    @Test
    void a_tcp_check_to_another_address_is_run_from_the_controller() {
        CheckSpec check = tcp("192.168.1.20:22");
        assertThat(RemoteChecks.translate(check, Os.LINUX)).containsSame(check);
    }

    @Test
    void a_one_second_timeout_still_gives_curl_a_second() {
        CheckSpec check = new CheckSpec("http://127.0.0.1:1/", null, null, null, null, null, null, null, null,
                Duration.ofSeconds(1), null, null);
        assertThat(RemoteChecks.translate(check, Os.LINUX).orElseThrow().command()).containsSequence("--max-time",
                "1");
    }

    @Test
    void on_windows_an_http_check_becomes_invoke_webrequest_and_a_tcp_check_test_netconnection() {
        String http = script(RemoteChecks.translate(http("http://localhost:11434/it's"), Os.WINDOWS).orElseThrow()
                .command());
        String tcp = script(RemoteChecks.translate(tcp("127.0.0.1:3389"), Os.WINDOWS).orElseThrow().command());

        assertThat(http).contains("Invoke-WebRequest -UseBasicParsing -TimeoutSec 4 -Uri "
                + "'http://localhost:11434/it''s'; if ($r.StatusCode -lt 400) { exit 0 } else { exit 1 }")
                .contains("catch { exit 1 }");
        assertThat(tcp).contains("Test-NetConnection -ComputerName '127.0.0.1' -Port 3389 -WarningAction "
                + "SilentlyContinue).TcpTestSucceeded) { exit 0 } else { exit 1 }");
    }

    @Test
    void command_and_manager_checks_are_run_as_they_are() {
        CheckSpec command = new CheckSpec(null, null, List.of("pgrep", "ollama"), null, null, null, null, null, null,
                null, null, null);
        CheckSpec manager = new CheckSpec(null, null, null, true, null, null, null, null, null, null, null, null);
        assertThat(RemoteChecks.translate(command, Os.MACOS)).containsSame(command);
        assertThat(RemoteChecks.translate(manager, Os.WINDOWS)).containsSame(manager);
    }

    private ProbeResult runTranslated(CheckSpec check) {
        CheckSpec translated = RemoteChecks.translate(check, Os.LINUX).orElseThrow();
        return probes.runAll(Map.of("x", Probes.of(translated,
                probes.context().withCommands(new LocalCommandRunner())))).get("x");
    }

    @Test
    void the_curl_translation_passes_on_a_2xx_and_fails_on_an_error_status_or_a_closed_port() throws Exception {
        try (SwitchableServer server = new SwitchableServer()) {
            CheckSpec check = http(server.url("/health"));

            assertThat(runTranslated(check).ok()).as("200").isTrue();
            server.answer(503);
            ProbeResult failed = runTranslated(check);
            assertThat(failed.ok()).as("503").isFalse();
            assertThat(failed.detail()).startsWith("exit 22");
        }
        assertThat(runTranslated(http("http://127.0.0.1:" + closedPort() + "/")).ok()).as("refused").isFalse();
    }

    @Test
    void the_nc_translation_passes_on_a_listening_port_and_fails_on_a_closed_one() throws Exception {
        try (ServerSocket listening = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"))) {
            assertThat(runTranslated(tcp("127.0.0.1:" + listening.getLocalPort())).ok()).isTrue();
        }
        assertThat(runTranslated(tcp("127.0.0.1:" + closedPort())).ok()).isFalse();
    }

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }
}
