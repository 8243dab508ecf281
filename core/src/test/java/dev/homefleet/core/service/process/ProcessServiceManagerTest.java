package dev.homefleet.core.service.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.homefleet.core.config.ManagerSpec;
import dev.homefleet.core.exec.CommandRunner;
import dev.homefleet.core.exec.LocalCommandRunner;
import dev.homefleet.core.service.ServiceState;
import dev.homefleet.core.service.ServiceState.State;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The process manager with real processes on this machine, through a local runner and through a runner that
 * quotes the argv into one shell string as SSH does. Every process a test starts is gone after it.
 */
class ProcessServiceManagerTest {

    private static final Duration SETTLE = Duration.ofMillis(200);

    @TempDir
    Path temp;

    private final LocalCommandRunner local = new LocalCommandRunner();
    private final List<ProcessServiceManager> managers = new ArrayList<>();
    private final List<Long> pids = new ArrayList<>();
    private Process foreign;

    static Stream<CommandRunner> runners() {
        return Stream.of(new LocalCommandRunner(), new ShellStringRunner());
    }

    @AfterEach
    void noProcessOutlivesItsTest() throws IOException {
        for (ProcessServiceManager manager : managers) {
            Path pidFile = Path.of(manager.stateDirectory(), "pid");
            if (Files.exists(pidFile)) {
                List<String> lines = Files.readAllLines(pidFile);
                lines.stream().limit(2).filter(line -> line.matches("\\d+")).map(Long::parseLong).forEach(pids::add);
            }
            try {
                manager.stop();
            } catch (IOException | RuntimeException ignored) {
                // The pids below are killed whatever stop did.
            }
        }
        for (long pid : pids) {
            ProcessHandle.of(pid).ifPresent(process -> {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            });
        }
        if (foreign != null) {
            foreign.destroyForcibly();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        for (long pid : pids) {
            while (running(pid) && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            assertThat(running(pid)).as("pid %d after the test", pid).isFalse();
        }
    }

    private ProcessServiceManager manager(CommandRunner runner, String... command) {
        return manager(ProcessServiceManager.builder(runner, "svc", List.of(command)));
    }

    private ProcessServiceManager manager(ProcessServiceManager.Builder builder) {
        ProcessServiceManager manager = builder.stateDirectory(temp.resolve("run/svc").toString())
                .settle(SETTLE).build();
        managers.add(manager);
        return manager;
    }

    private int runningPid(ProcessServiceManager manager) throws IOException {
        ServiceState state = manager.status();
        assertThat(state.state()).as(state.detail()).isEqualTo(State.RUNNING);
        pids.add((long) state.pid());
        return state.pid();
    }

    /** Alive and not a zombie, which an init that does not reap leaves behind. */
    static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException gone) {
            return false;
        }
    }

    /** The processes whose command line holds {@code marker}. */
    static long countWith(String marker) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().arguments().map(args -> List.of(args).contains(marker)).orElse(false))
                .filter(p -> running(p.pid()))
                .count();
    }

    private static String uniqueSleep() {
        return Integer.toString(3000 + ThreadLocalRandom.current().nextInt(100_000));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runners")
    void start_runs_the_command_detached_and_status_says_running_with_pid_and_uptime(CommandRunner runner)
            throws IOException {
        ProcessServiceManager manager = manager(runner, "sh", "-c", "echo started; exec sleep 300");

        manager.start();

        ServiceState state = manager.status();
        pids.add((long) state.pid());
        assertThat(state.state()).isEqualTo(State.RUNNING);
        assertThat(state.pid()).isPositive();
        assertThat(running(state.pid())).isTrue();
        assertThat(ProcessHandle.of(state.pid()).flatMap(p -> p.info().command())).hasValueSatisfying(
                command -> assertThat(command).endsWith("sleep"));
        assertThat(state.uptime()).isNotNull().isBetween(Duration.ZERO, Duration.ofSeconds(30));
        assertThat(manager.logs(10)).containsExactly("started");
    }

    @Test
    void a_second_start_does_not_start_a_second_process() throws IOException {
        String seconds = uniqueSleep();
        ProcessServiceManager manager = manager(local, "sh", "-c", "echo started; exec sleep " + seconds);

        manager.start();
        int first = runningPid(manager);
        manager.start();

        assertThat(runningPid(manager)).isEqualTo(first);
        assertThat(countWith(seconds)).isEqualTo(1);
        assertThat(manager.logs(10)).containsExactly("started");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runners")
    void stop_ends_the_process_and_status_says_stopped(CommandRunner runner) throws IOException {
        ProcessServiceManager manager = manager(runner, "sleep", "300");
        manager.start();
        int pid = runningPid(manager);

        manager.stop();

        assertThat(running(pid)).isFalse();
        assertThat(manager.status()).isEqualTo(ServiceState.of(State.STOPPED, "not running"));
        assertThat(Path.of(manager.stateDirectory(), "pid")).doesNotExist();
    }

    @Test
    void a_process_that_ignores_term_is_killed_after_the_grace_period() throws IOException {
        Duration grace = Duration.ofMillis(500);
        ProcessServiceManager manager = manager(ProcessServiceManager.builder(local, "svc",
                List.of("sh", "-c", "trap '' TERM; echo ignoring TERM; exec sleep 300")).grace(grace));
        manager.start();
        int pid = runningPid(manager);

        long started = System.nanoTime();
        manager.stop();
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(running(pid)).isFalse();
        assertThat(took).isGreaterThanOrEqualTo(grace).isLessThan(grace.plusSeconds(3));
        assertThat(manager.status().state()).isEqualTo(State.STOPPED);
    }

    @Test
    void stop_ends_what_the_service_started_too() throws IOException {
        String seconds = uniqueSleep();
        ProcessServiceManager manager = manager(local, "sh", "-c", "sleep " + seconds + " & wait");
        manager.start();
        runningPid(manager);
        assertThat(countWith(seconds)).isEqualTo(1);

        manager.stop();

        assertThat(countWith(seconds)).as("the service's child, in its process group").isZero();
    }

    @Test
    void without_setsid_it_falls_back_to_nohup_and_stop_ends_the_process_alone() throws IOException {
        Path bin = Files.createDirectories(temp.resolve("bin-without-setsid"));
        for (String dir : List.of("/usr/bin", "/bin")) {
            try (Stream<Path> programs = Files.list(Path.of(dir))) {
                for (Path program : (Iterable<Path>) programs::iterator) {
                    Path link = bin.resolve(program.getFileName());
                    if (!program.getFileName().toString().equals("setsid") && !Files.exists(link)) {
                        Files.createSymbolicLink(link, program);
                    }
                }
            }
        }
        String seconds = uniqueSleep();
        CommandRunner noSetsid = LocalCommandRunner.builder().environment("PATH", bin.toString()).build();
        ProcessServiceManager manager = manager(noSetsid, "sh", "-c", "sleep " + seconds + " & echo up; wait");

        manager.start();
        int pid = runningPid(manager);
        ProcessHandle.of(pid).ifPresent(p -> p.children().forEach(child -> pids.add(child.pid())));
        manager.stop();

        assertThat(running(pid)).isFalse();
        assertThat(manager.status().state()).isEqualTo(State.STOPPED);
        assertThat(countWith(seconds)).as("no process group of its own: its child outlives it").isEqualTo(1);
    }

    @Test
    void restart_gives_a_new_pid() throws IOException {
        ProcessServiceManager manager = manager(local, "sh", "-c", "echo run; exec sleep 300");
        manager.start();
        int first = runningPid(manager);

        manager.restart();

        int second = runningPid(manager);
        assertThat(second).isNotEqualTo(first);
        assertThat(running(first)).isFalse();
        assertThat(manager.logs(10)).containsExactly("run", "run");
    }

    @Test
    void logs_are_the_last_lines_of_the_log_oldest_first() throws IOException {
        ProcessServiceManager manager = manager(local, "sh", "-c",
                "for i in 1 2 3 4 5; do echo \"line $i\"; done; echo 'to stderr' >&2; exec sleep 300");
        manager.start();
        runningPid(manager);

        assertThat(manager.logs(3)).containsExactly("line 4", "line 5", "to stderr");
        assertThat(manager.logs(100)).hasSize(6).startsWith("line 1");
        assertThat(manager.logs(0)).isEmpty();
        assertThatThrownBy(() -> manager.logs(-1)).hasMessage("lines must be 0 or more, was -1");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runners")
    void env_values_with_spaces_quotes_and_dollars_reach_the_process_verbatim(CommandRunner runner)
            throws IOException {
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("PLAIN", "x");
        environment.put("SPACES", "  a  b  ");
        environment.put("QUOTES", "it's \"quoted\" '\\''");
        environment.put("DOLLARS", "$HOME ${PATH} $(touch pwned) `touch pwned` $1");
        environment.put("GLOB", "* ? [a-z] ~");
        environment.put("EMPTY", "");
        environment.put("UNICODE", "caf\u00e9 \u2018quoted\u2019 \ud83d\ude00");
        environment.put("HOMEFLEET_OVERRIDE", "from the env file");
        ProcessServiceManager manager = manager(ProcessServiceManager.builder(runner, "svc",
                List.of("sh", "-c", "env; exec sleep 300")).cwd(temp.toString()));
        manager.setEnvironment(environment);

        manager.start();
        runningPid(manager);

        List<String> log = manager.logs(500);
        environment.forEach((name, value) -> assertThat(log).contains(name + "=" + value));
        assertThat(log).as("the runner's own environment is still there").anyMatch(line -> line.startsWith("PATH="));
        assertThat(temp.resolve("pwned")).doesNotExist();
    }

    @Test
    void environment_reads_back_what_set_environment_wrote_into_a_private_file() throws IOException {
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("MULTI", "line one\nline two\n");
        environment.put("QUOTE", "'");
        environment.put("if", "then");
        environment.put("NODE_ENV", "production");
        ProcessServiceManager manager = manager(local, "true");

        assertThat(manager.environment()).as("no env file yet").isEmpty();
        manager.setEnvironment(environment);

        assertThat(manager.environment()).containsExactlyEntriesOf(environment);
        Path dir = Path.of(manager.stateDirectory());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("env"))))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("env");
        }
        manager.setEnvironment(Map.of("ONLY", "1"));
        assertThat(manager.environment()).containsExactly(Map.entry("ONLY", "1"));
        manager.setEnvironment(Map.of());
        assertThat(manager.environment()).isEmpty();
    }

    @Test
    void a_variable_sh_cannot_export_is_refused_before_anything_is_written() {
        ProcessServiceManager manager = manager(local, "true");

        assertThatThrownBy(() -> manager.setEnvironment(Map.of("NOT-A-NAME", "1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("environment variable name 'NOT-A-NAME' is not one sh can export: letters, digits and _,"
                        + " not starting with a digit");
        assertThatThrownBy(() -> manager.setEnvironment(Map.of("A", "nul\0")))
                .hasMessage("environment variable A cannot be passed: its value holds a NUL, which no environment"
                        + " can carry");
        assertThat(Path.of(manager.stateDirectory())).doesNotExist();
    }

    @Test
    void a_stale_pid_file_whose_pid_now_belongs_to_another_process_is_stopped() throws IOException {
        foreign = new ProcessBuilder("sleep", "300").start();
        ProcessServiceManager manager = manager(local, "sh", "-c", "echo mine; exec sleep 300");
        Path dir = Files.createDirectories(Path.of(manager.stateDirectory()));
        Files.writeString(dir.resolve("pid"), foreign.pid() + "\n1\nproc:1\n1700000000\n");

        ServiceState state = manager.status();
        assertThat(state.state()).isEqualTo(State.STOPPED);
        assertThat(state.pid()).isEqualTo(-1);
        assertThat(state.detail()).isEqualTo("not running: its pid file names pid " + foreign.pid()
                + ", which now belongs to another process");

        manager.stop();
        assertThat(foreign.isAlive()).as("stop leaves the other process alone").isTrue();
        assertThat(dir.resolve("pid")).as("and drops the stale pid file").doesNotExist();

        Files.writeString(dir.resolve("pid"), foreign.pid() + "\n1\nproc:1\n1700000000\n");
        manager.start();
        int pid = runningPid(manager);
        assertThat((long) pid).isNotEqualTo(foreign.pid());
        assertThat(manager.logs(5)).containsExactly("mine");
    }

    @Test
    void a_command_that_exits_at_once_is_reported_with_the_end_of_its_log() throws IOException {
        ProcessServiceManager manager = manager(local, "sh", "-c",
                "echo 'loading /etc/clawd.json'; echo 'error: /etc/clawd.json: no such file' >&2; exit 3");

        assertThatThrownBy(manager::start)
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("process service svc on local did not stay up after start: exited with"
                        + " status 3 after ")
                .hasMessageEndingWith(" s; its log ends with:\nloading /etc/clawd.json\nerror: /etc/clawd.json: no"
                        + " such file");

        ServiceState state = manager.status();
        assertThat(state.state()).isEqualTo(State.ERRORED);
        assertThat(state.lastExitStatus()).isEqualTo(3);
        assertThat(state.detail()).endsWith("its log ends with:\nloading /etc/clawd.json\nerror: /etc/clawd.json:"
                + " no such file");
    }

    @Test
    void a_command_that_cannot_be_found_is_reported_with_the_shells_words() {
        ProcessServiceManager manager = manager(local, "/nonexistent/clawd-server", "--port", "9010");

        assertThatThrownBy(manager::start)
                .isInstanceOf(IOException.class)
                .hasMessageContaining("exited with status 127")
                .hasMessageContaining("/nonexistent/clawd-server");
    }

    @Test
    void the_command_runs_in_its_working_directory_whatever_its_name() throws IOException {
        Path cwd = Files.createDirectories(temp.resolve("it's a $dir; `x`"));
        ProcessServiceManager manager = manager(ProcessServiceManager.builder(new ShellStringRunner(), "svc",
                List.of("sh", "-c", "pwd; exec sleep 300")).cwd(cwd.toString()));

        manager.start();
        runningPid(manager);

        assertThat(manager.logs(1)).containsExactly(cwd.toString());
    }

    @Test
    void a_missing_working_directory_is_refused_before_anything_starts() {
        ProcessServiceManager manager = manager(ProcessServiceManager.builder(local, "svc", List.of("sleep", "300"))
                .cwd(temp.resolve("missing").toString()));

        assertThatThrownBy(manager::start)
                .isInstanceOf(IOException.class)
                .hasMessage("process service svc on local: start failed with exit code 3: homefleet: the working"
                        + " directory " + temp.resolve("missing") + " does not exist");
    }

    @Test
    void before_any_start_it_is_stopped_and_stop_does_nothing() throws IOException {
        ProcessServiceManager manager = manager(local, "sleep", "300");

        assertThat(manager.status()).isEqualTo(ServiceState.of(State.STOPPED, "not running"));
        manager.stop();
        assertThat(manager.logs(5)).isEmpty();
    }

    @Test
    void a_fleet_yaml_process_service_gets_the_default_state_directory_and_its_cwd() {
        ManagerSpec spec = new ManagerSpec(ManagerSpec.Type.PROCESS, null, null, null, null, null, null,
                "~/repos/aphos/server", null, Map.of(), List.of("node", "dist/index.js"), null);

        ProcessServiceManager manager = ProcessServiceManager.of("aphos-server-dev", spec, local);

        assertThat(manager.stateDirectory()).isEqualTo("~/.homefleet/run/aphos-server-dev");
        assertThat(manager).hasToString("process service aphos-server-dev on local");
    }

    @Test
    void bad_names_and_commands_are_refused() {
        assertThatThrownBy(() -> ProcessServiceManager.builder(local, "../x", List.of("true")))
                .hasMessage("service name '../x' cannot name a state directory: letters, digits, '.', '_' and '-',"
                        + " not starting with '.' or '-'");
        assertThatThrownBy(() -> ProcessServiceManager.builder(local, "x", List.of()))
                .hasMessage("a process service needs a command (manager.command)");
        assertThatThrownBy(() -> ProcessServiceManager.builder(local, "x", List.of("a\0b")))
                .hasMessage("the command of x holds a NUL character, which no program can receive");
        assertThatThrownBy(() -> ProcessServiceManager.builder(local, "x", List.of("true")).grace(Duration.ZERO))
                .hasMessage("grace must be positive, was PT0S");
    }
}
