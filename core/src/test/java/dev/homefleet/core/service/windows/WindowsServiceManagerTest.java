package dev.homefleet.core.service.windows;

import static dev.homefleet.core.service.windows.RecordingRunner.capture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.homefleet.core.config.ManagerSpec;
import dev.homefleet.core.service.ServiceState;
import dev.homefleet.core.service.ServiceState.State;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Windows service manager against the captures under service/windows/ (see its README), through a fake runner
 * that records each argv; the scripts are decoded from their -EncodedCommand argument and checked whole.
 */
class WindowsServiceManagerTest {

    private final RecordingRunner runner = new RecordingRunner();

    private WindowsServiceManager manager(String name) {
        return new WindowsServiceManager(runner, name);
    }

    @Test
    void status_script_is_get_service_as_json_then_sc_queryex_for_the_pid() throws IOException {
        runner.answer(capture("get-service-sshd-running-ps51.json") + capture("sc-queryex-sshd-running.txt"));

        manager("sshd").status();

        assertThat(runner.body(0)).isEqualTo("""
                $name = 'sshd'
                $service = Get-Service -Name $name
                ConvertTo-AsciiJson ($service | Select-Object Name,DisplayName,Status,StartType)
                sc.exe queryex $service.Name""");
        assertThat(runner.timeouts).containsExactly(WindowsServiceManager.DEFAULT_TIMEOUT);
    }

    @Test
    void a_running_service_has_its_pid_start_type_and_display_name() throws IOException {
        runner.answer(capture("get-service-sshd-running-ps51.json") + capture("sc-queryex-sshd-running.txt"));

        ServiceState state = manager("sshd").status();

        assertThat(state).isEqualTo(new ServiceState(State.RUNNING, 3412, -1, null, -1, -1, null,
                "Running, start type Automatic (OpenSSH SSH Server)"));
    }

    @Test
    void a_service_that_stopped_with_an_exit_code_is_errored_in_powershell_7_too() throws IOException {
        runner.answer(capture("get-service-clawdbot-stopped-ps74.json") + capture("sc-queryex-clawdbot-crashed.txt"));

        ServiceState state = manager("clawdbot-bot").status();

        assertThat(state.state()).isEqualTo(State.ERRORED);
        assertThat(state.pid()).isEqualTo(-1);
        assertThat(state.lastExitStatus()).isEqualTo(1067);
        assertThat(state.detail()).isEqualTo("Stopped with exit code 1067, start type Automatic (Clawdbot Bot)");
    }

    @Test
    void a_service_not_started_since_boot_is_just_stopped() throws IOException {
        runner.answer(capture("get-service-clawdbot-stopped-ps74.json").replace("Automatic", "Manual")
                + capture("sc-queryex-clawdbot-crashed.txt").replace("1067  (0x42b)", "1077  (0x435)"));

        ServiceState state = manager("clawdbot-bot").status();

        assertThat(state.state()).isEqualTo(State.STOPPED);
        assertThat(state.lastExitStatus()).isNull();
        assertThat(state.detail()).isEqualTo("Stopped, start type Manual (Clawdbot Bot)");
    }

    @Test
    void sc_alone_gives_the_state_when_get_service_printed_no_json() throws IOException {
        runner.answer(capture("sc-query-tailscale-running.txt"));

        ServiceState state = manager("Tailscale").status();

        assertThat(state.state()).isEqualTo(State.RUNNING);
        assertThat(state.pid()).as("sc query has no PID line").isEqualTo(-1);
        assertThat(state.detail()).isEqualTo("Running");
    }

    @Test
    void when_sc_fails_get_service_still_gives_the_state_without_a_pid() throws IOException {
        runner.answer(capture("get-service-sshd-running-ps51.json")
                + "[SC] OpenService FAILED 5:\r\n\r\nAccess is denied.\r\n\r\n");

        ServiceState state = manager("sshd").status();

        assertThat(state).isEqualTo(new ServiceState(State.RUNNING, -1, -1, null, -1, -1, null,
                "Running, start type Automatic (OpenSSH SSH Server)"));
    }

    @Test
    void output_that_is_neither_json_nor_sc_is_an_io_exception_that_quotes_it() {
        runner.answer("Get-Service printed something else\r\n");

        assertThatThrownBy(() -> manager("sshd").status())
                .isInstanceOf(IOException.class)
                .hasMessage("Windows service 'sshd' on ssh msi: the status script printed what homefleet cannot read:"
                        + " it printed neither Get-Service's JSON nor sc's answer");
    }

    @Test
    void a_pending_state_is_starting_with_the_pid_it_already_has() throws IOException {
        runner.answer(capture("get-service-sshd-running-ps51.json").replace("\"Status\":4", "\"Status\":2")
                + capture("sc-queryex-sshd-running.txt").replace("4  RUNNING", "2  START_PENDING"));

        ServiceState state = manager("sshd").status();

        assertThat(state.state()).isEqualTo(State.STARTING);
        assertThat(state.pid()).isEqualTo(3412);
        assertThat(state.detail()).startsWith("StartPending");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"get-service-missing-ps51.stderr.txt", "get-service-missing-ps74.stderr.txt"})
    void a_missing_service_is_an_io_exception_that_says_what_to_fix(String capture) {
        runner.answer(1, "", capture(capture));

        assertThatThrownBy(() -> manager("nosuch").status())
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("Windows service 'nosuch' on ssh msi does not exist (Get-Service")
                .hasMessageContaining("Cannot find any service with service name 'nosuch'.")
                .hasMessageEndingWith("); manager.name must be the service's name as `sc query` or Get-Service"
                        + " lists it")
                .hasMessageNotContaining("At line");
    }

    @Test
    void sc_saying_1060_is_a_missing_service_too() {
        runner.answer(0, capture("sc-queryex-missing.txt"), "");

        assertThatThrownBy(() -> manager("nosuch").status())
                .isInstanceOf(IOException.class)
                .hasMessage("Windows service 'nosuch' on ssh msi does not exist ([SC]"
                        + " EnumQueryServicesStatus:OpenService FAILED 1060: The specified service does not exist as"
                        + " an installed service.); manager.name must be the service's name as `sc query` or"
                        + " Get-Service lists it");
    }

    @Test
    void start_stop_and_restart_send_their_cmdlet_for_the_one_service() throws IOException {
        runner.answer("").answer("").answer("");
        WindowsServiceManager manager = manager("clawdbot-bot");

        manager.start();
        manager.stop();
        manager.restart();

        assertThat(runner.body(0)).isEqualTo("$name = 'clawdbot-bot'\nStart-Service -Name $name");
        assertThat(runner.body(1)).isEqualTo("$name = 'clawdbot-bot'\nStop-Service -Name $name");
        assertThat(runner.body(2)).isEqualTo("$name = 'clawdbot-bot'\nRestart-Service -Name $name");
    }

    @Test
    void a_failed_restart_says_what_powershell_said_without_its_positions() {
        runner.answer(1, "WARNING: Waiting for service 'Clawdbot Bot (clawdbot-bot)' to stop...\r\n",
                capture("restart-service-failed-ps51.stderr.txt"));

        assertThatThrownBy(() -> manager("clawdbot-bot").restart())
                .isInstanceOf(IOException.class)
                .hasMessage("Windows service 'clawdbot-bot' on ssh msi: Restart-Service failed with exit code 1:"
                        + " Restart-Service : Failed to start service 'Clawdbot Bot (clawdbot-bot)'.");
    }

    @Test
    void a_refused_stop_hints_at_administrator_rights() {
        runner.answer(1, "", capture("stop-service-access-denied-ps51.stderr.txt"));

        assertThatThrownBy(() -> manager("sshd").stop())
                .isInstanceOf(IOException.class)
                .hasMessage("Windows service 'sshd' on ssh msi: Stop-Service failed with exit code 1: Stop-Service :"
                        + " Service 'OpenSSH SSH Server (sshd)' cannot be stopped due to the following error: Cannot"
                        + " open sshd service on computer '.'. (changing a service or its registry key needs an"
                        + " administrator's session)");
    }

    @Test
    void a_timeout_is_an_io_exception_that_says_the_service_may_still_be_moving() {
        runner.timeOut();

        assertThatThrownBy(() -> manager("sshd").restart())
                .isInstanceOf(IOException.class)
                .hasMessage("Windows service 'sshd' on ssh msi: Restart-Service did not finish within 60 s; the"
                        + " service may still be changing state");
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"it's", "a\u2018b", "x\u2019; Stop-Computer -Force; \u2019", "$(Stop-Computer)",
            "\"; Stop-Computer; \"", "Clawdbot Bot", "caf\u00e9"})
    void a_hostile_name_reaches_powershell_as_one_verbatim_string(String name) throws IOException {
        runner.answer("").answer(capture("sc-query-tailscale-running.txt")).answer("[]").answer("[]").answer("");
        WindowsServiceManager manager = manager(name);

        manager.restart();
        manager.status();
        manager.logs(5);
        manager.environment();
        manager.setEnvironment(Map.of("A", "1"));

        for (int i = 0; i < runner.calls.size(); i++) {
            String firstLine = runner.body(i).lines().findFirst().orElseThrow();
            assertThat(firstLine).startsWith("$name = ");
            assertThat(PowerShellLiteral.value(firstLine.substring("$name = ".length()))).isEqualTo(name);
            assertThat(runner.body(i).lines().skip(1)).noneMatch(line -> line.contains(name));
        }
    }

    @Test
    void its_and_typographic_quotes_are_doubled_in_the_script() throws IOException {
        runner.answer("").answer("");

        manager("it's").start();
        manager("a\u2018b").start();

        assertThat(runner.body(0)).startsWith("$name = 'it''s'\n");
        assertThat(runner.body(1)).startsWith("$name = 'a\u2018\u2018b'\n");
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"*", "ssh?", "[a-z]*", "a`b", "a]"})
    void a_name_with_a_wildcard_is_refused_before_anything_runs(String name) {
        assertThatThrownBy(() -> manager(name))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("which Get-Service and Stop-Service read as a wildcard that could match other"
                        + " services; give the exact name `sc query` lists");
        assertThat(runner.calls).isEmpty();
    }

    @Test
    void names_windows_cannot_have_are_refused() {
        assertThatThrownBy(() -> manager(" ")).hasMessage("a Windows service needs its name (manager.name)");
        assertThatThrownBy(() -> manager("a\\b")).hasMessage("Windows service name 'a\\b' holds '\\', which Windows"
                + " does not allow in a service name");
        assertThatThrownBy(() -> manager("a\nb")).hasMessage("Windows service name 'a\nb' holds a control character"
                + " (U+000A)");
        assertThatThrownBy(() -> manager("x".repeat(257))).hasMessageEndingWith("is 257 characters long; Windows"
                + " allows at most 256");
    }

    @Test
    void logs_are_the_service_control_managers_events_for_the_display_name_oldest_first() throws IOException {
        runner.answer(capture("scm-events-clawdbot.json"));

        List<String> lines = manager("clawdbot-bot").logs(20);

        assertThat(runner.body(0)).isEqualTo("""
                $name = 'clawdbot-bot'
                $display = (Get-Service -Name $name).DisplayName
                try {
                    $all = @(Get-WinEvent -FilterHashtable @{ LogName = 'System'; ProviderName = 'Service Control \
                Manager' } -MaxEvents 1000)
                } catch {
                    if ($_.FullyQualifiedErrorId -notlike 'NoMatchingEventsFound*') { throw }
                    $all = @()
                }
                $events = @($all | Where-Object { $_.Properties.Count -gt 0 -and [string]$_.Properties[0].Value -eq \
                $display } | Select-Object -First 20 | ForEach-Object {
                    [pscustomobject]@{ TimeCreated = $_.TimeCreated.ToString('o'); Id = $_.Id; Level = \
                $_.LevelDisplayName; Message = $_.Message }
                })
                ConvertTo-AsciiJson $events""");
        assertThat(lines).containsExactly(
                "2026-01-28T09:00:57.7343750-05:00 Information 7045 A service was installed in the system. Service"
                        + " Name:  Clawdbot Bot Service File Name:  \"C:\\Program Files\\Clawdbot\\clawdbot-bot.exe\""
                        + " --service Service Type:  user mode service Service Start Type:  demand start Service"
                        + " Account:  LocalSystem",
                "2026-01-28T09:01:02.1250000-05:00 Information 7040 The start type of the Clawdbot Bot service was"
                        + " changed from demand start to auto start.",
                "2026-01-28T09:02:41.5000000-05:00 Error 7000 The Clawdbot Bot service failed to start due to the"
                        + " following error: The system cannot find the file specified.",
                "2026-01-29T00:30:13.9843750-05:00 Error 7031 The Clawdbot Bot service terminated unexpectedly.  It"
                        + " has done this 1 time(s).  The following corrective action will be taken in 60000"
                        + " milliseconds: Restart the service.",
                "2026-01-29T00:31:14.2031250-05:00 Information 7036 The Clawdbot Bot service entered the running"
                        + " state.");
    }

    @Test
    void logs_ask_for_at_most_the_events_searched_and_zero_lines_run_nothing() throws IOException {
        runner.answer("[]").answer("");

        assertThat(manager("sshd").logs(0)).isEmpty();
        assertThat(runner.calls).isEmpty();
        assertThat(manager("sshd").logs(5000)).isEmpty();
        assertThat(runner.body(0)).contains("Select-Object -First 1000 |");
        assertThat(manager("sshd").logs(3)).as("no events at all prints nothing").isEmpty();
        assertThatThrownBy(() -> manager("sshd").logs(-1)).hasMessage("lines must be 0 or more, was -1");
    }

    @Test
    void environment_is_read_from_the_services_registry_key() throws IOException {
        runner.answer(capture("registry-environment-clawdbot.json"));

        Map<String, String> environment = manager("clawdbot-bot").environment();

        assertThat(runner.body(0)).isEqualTo("""
                $name = 'clawdbot-bot'
                $service = Get-Service -Name $name
                $key = 'HKLM:\\SYSTEM\\CurrentControlSet\\Services\\' + $service.Name
                $item = Get-ItemProperty -LiteralPath $key -Name Environment -ErrorAction SilentlyContinue
                $entries = @()
                if ($null -ne $item) { $entries = @($item.Environment) }
                ConvertTo-AsciiJson $entries""");
        assertThat(environment).containsExactly(
                Map.entry("CLAWDBOT_MODE", "windows"),
                Map.entry("TELEGRAM_ENABLED", "false"),
                Map.entry("LOG_DIR", "C:\\ProgramData\\Clawdbot\\logs"),
                Map.entry("GREETING", "it's \"on\""));
    }

    @Test
    void a_lone_entry_or_none_reads_as_a_map() throws IOException {
        runner.answer("\"ONLY=1\"\r\n").answer("[]\r\n").answer("").answer("[\"=C:=C:\\\\\",\"no-equals\",\"A=\"]");

        assertThat(manager("sshd").environment()).containsExactly(Map.entry("ONLY", "1"));
        assertThat(manager("sshd").environment()).isEmpty();
        assertThat(manager("sshd").environment()).isEmpty();
        assertThat(manager("sshd").environment()).as("strings without a name are skipped")
                .containsExactly(Map.entry("A", ""));
    }

    @Test
    void set_environment_writes_a_multi_string_of_quoted_entries() throws IOException {
        runner.answer("");
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("CLAWDBOT_MODE", "windows");
        environment.put("GREETING", "it's a\u2018b $(x)");

        manager("clawdbot-bot").setEnvironment(environment);

        assertThat(runner.body(0)).isEqualTo("""
                $name = 'clawdbot-bot'
                $service = Get-Service -Name $name
                $key = 'HKLM:\\SYSTEM\\CurrentControlSet\\Services\\' + $service.Name
                Set-ItemProperty -LiteralPath $key -Name Environment -Type MultiString -Value \
                @('CLAWDBOT_MODE=windows', 'GREETING=it''s a\u2018\u2018b $(x)')""");
    }

    @Test
    void an_empty_environment_removes_the_value() throws IOException {
        runner.answer("");

        manager("clawdbot-bot").setEnvironment(Map.of());

        assertThat(runner.body(0)).endsWith("""
                $key = 'HKLM:\\SYSTEM\\CurrentControlSet\\Services\\' + $service.Name
                $value = Get-ItemProperty -LiteralPath $key -Name Environment -ErrorAction SilentlyContinue
                if ($null -ne $value) {
                    Remove-ItemProperty -LiteralPath $key -Name Environment
                }""");
    }

    @Test
    void a_variable_windows_cannot_store_is_refused_before_anything_runs() {
        assertThatThrownBy(() -> manager("sshd").setEnvironment(Map.of("A=B", "1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("environment variable name 'A=B' cannot be stored: a Windows variable name is not empty"
                        + " and holds no '=' and no NUL");
        assertThatThrownBy(() -> manager("sshd").setEnvironment(Map.of("A", "x\0y")))
                .hasMessage("environment variable A cannot be stored: its value holds a NUL, which ends a"
                        + " REG_MULTI_SZ string");
        assertThat(runner.calls).isEmpty();
    }

    @Test
    void a_fleet_yaml_windows_service_gives_its_manager() throws IOException {
        ManagerSpec spec = new ManagerSpec(ManagerSpec.Type.WINDOWS, null, null, null, "Tailscale", null, null, null,
                null, null, null, null);
        runner.answer("");

        WindowsServiceManager.of(spec, runner).start();

        assertThat(runner.body(0)).isEqualTo("$name = 'Tailscale'\nStart-Service -Name $name");
        assertThat(WindowsServiceManager.of(spec, runner)).hasToString("Windows service 'Tailscale' on ssh msi");
        assertThatThrownBy(() -> new WindowsServiceManager(runner, "sshd", "pwsh.exe", Duration.ZERO))
                .hasMessage("timeout must be positive, was PT0S");
    }
}
