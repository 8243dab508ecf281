package dev.homefleet.core.exec;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalCommandRunnerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final int SIX_MIB = 6 * 1024 * 1024;

    private final LocalCommandRunner runner = new LocalCommandRunner();

    @Test
    void a_successful_command_returns_exit_code_zero_its_output_and_how_long_it_took() throws IOException {
        CommandResult result = runner.run(List.of("printf", "hello"), TIMEOUT);

        assertThat(result.exitCode()).isZero();
        assertThat(result.ok()).isTrue();
        assertThat(result.timedOut()).isFalse();
        assertThat(result.stdout()).isEqualTo("hello");
        assertThat(result.stderr()).isEmpty();
        assertThat(result.duration()).isPositive().isLessThan(TIMEOUT);
    }

    @Test
    void a_failing_command_returns_its_exit_code_as_data() throws IOException {
        CommandResult result = runner.run(List.of("sh", "-c", "exit 42"), TIMEOUT);

        assertThat(result.exitCode()).isEqualTo(42);
        assertThat(result.ok()).isFalse();
        assertThat(result.timedOut()).isFalse();
    }

    @Test
    void stdout_and_stderr_are_kept_apart() throws IOException {
        CommandResult result = runner.run(List.of("sh", "-c", "printf out; printf err >&2; printf more"), TIMEOUT);

        assertThat(result.stdout()).isEqualTo("outmore");
        assertThat(result.stderr()).isEqualTo("err");
    }

    @Test
    void arguments_reach_the_program_verbatim_because_no_shell_is_involved() throws IOException {
        List<String> hostile = List.of("; rm -rf ~", "$HOME", "*", "it's \"fine\"", "a b", "", "`id`");
        List<String> argv = new ArrayList<>(List.of("printf", "%s|"));
        argv.addAll(hostile);

        CommandResult result = runner.run(argv, TIMEOUT);

        assertThat(result.stdout()).isEqualTo(String.join("|", hostile) + "|");
    }

    @Test
    void output_is_decoded_as_utf8() throws IOException {
        CommandResult result = runner.run(List.of("printf", "%s", "é 中文 😀"), TIMEOUT);

        assertThat(result.stdout()).isEqualTo("é 中文 😀");
    }

    @Test
    void several_mebibytes_on_both_streams_come_back_without_deadlock_cut_at_the_limit_with_a_marker()
            throws IOException {
        // stderr first: a runner that read stdout to its end before stderr would hang here.
        String script = "head -c " + SIX_MIB + " /dev/zero | tr '\\0' e >&2; head -c " + SIX_MIB
                + " /dev/zero | tr '\\0' o";

        CommandResult result = runner.run(List.of("sh", "-c", script), TIMEOUT);

        String marker = "\n[output truncated after 4194304 bytes]";
        int limit = LocalCommandRunner.DEFAULT_MAX_OUTPUT_BYTES;
        assertThat(result.exitCode()).isZero();
        assertThat(result.stdout()).hasSize(limit + marker.length()).endsWith(marker);
        assertThat(result.stdout().substring(0, limit)).matches("o+");
        assertThat(result.stderr()).hasSize(limit + marker.length()).endsWith(marker);
        assertThat(result.stderr().substring(0, limit)).matches("e+");
    }

    @Test
    void output_up_to_the_limit_is_kept_whole_and_beyond_it_ends_with_a_marker() throws IOException {
        LocalCommandRunner small = LocalCommandRunner.builder().maxOutputBytes(10).build();

        assertThat(small.run(List.of("printf", "0123456789"), TIMEOUT).stdout()).isEqualTo("0123456789");
        assertThat(small.run(List.of("printf", "0123456789X"), TIMEOUT).stdout())
                .isEqualTo("0123456789\n[output truncated after 10 bytes]");
    }

    @Test
    void a_command_past_its_timeout_is_stopped_with_every_process_it_started_and_returns_promptly()
            throws IOException {
        // The shell, a child, a child shell and its own child (a grandchild); each prints its pid.
        String script = "echo $$; sleep 30 & echo $!; sh -c 'sleep 30 & echo $!; wait' & echo $!; wait";
        Duration timeout = Duration.ofMillis(700);

        long started = System.nanoTime();
        CommandResult result = runner.run(List.of("sh", "-c", script), timeout);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(result.timedOut()).isTrue();
        assertThat(result.exitCode()).isEqualTo(-1);
        assertThat(result.ok()).isFalse();
        assertThat(took).isLessThan(timeout.plusSeconds(2));
        List<Long> pids = pids(result.stdout());
        assertThat(pids).as("pids the tree printed before the timeout").hasSize(4);
        assertThat(pids).noneMatch(LocalCommandRunnerTest::running);
    }

    @Test
    void a_process_tree_that_ignores_sigterm_is_killed_after_the_grace_period() throws IOException {
        // An ignored signal stays ignored across fork and exec: the shell and its sleep both ignore SIGTERM.
        String script = "trap '' TERM; sleep 30 & echo $!; echo $$; wait";

        long started = System.nanoTime();
        CommandResult result = runner.run(List.of("sh", "-c", script), Duration.ofMillis(300));
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(result.timedOut()).isTrue();
        assertThat(took).isGreaterThanOrEqualTo(LocalCommandRunner.KILL_GRACE).isLessThan(Duration.ofSeconds(4));
        assertThat(pids(result.stdout())).hasSize(2).noneMatch(LocalCommandRunnerTest::running);
    }

    @Test
    void a_missing_program_raises_an_io_exception_that_names_it_and_says_it_is_not_on_path() {
        assertThatThrownBy(() -> runner.run(List.of("homefleet-no-such-program", "x"), TIMEOUT))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("cannot run homefleet-no-such-program: not found on PATH (")
                .hasMessageEndingWith("); install it or give its absolute path");
    }

    @Test
    void a_missing_program_given_by_path_is_reported_as_no_such_file(@TempDir Path dir) {
        LocalCommandRunner inDir = LocalCommandRunner.builder().workingDirectory(dir).build();

        assertThatThrownBy(() -> inDir.run(List.of("./missing.sh"), TIMEOUT))
                .isInstanceOf(IOException.class)
                .hasMessage("cannot run ./missing.sh: no such file (relative to " + dir + ")");
    }

    @Test
    void a_program_that_exists_but_cannot_be_executed_says_why(@TempDir Path dir) throws IOException {
        Path script = Files.writeString(dir.resolve("not-executable.sh"), "#!/bin/sh\necho hi\n");

        assertThatThrownBy(() -> runner.run(List.of(script.toString()), TIMEOUT))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("cannot run " + script + " (" + script + "): ")
                .hasMessageContaining("Permission denied");
    }

    @Test
    void a_missing_working_directory_is_reported_before_anything_runs(@TempDir Path dir) {
        Path gone = dir.resolve("gone");
        LocalCommandRunner inGone = LocalCommandRunner.builder().workingDirectory(gone).build();

        assertThatThrownBy(() -> inGone.run(List.of("true"), TIMEOUT))
                .isInstanceOf(IOException.class)
                .hasMessage("cannot run true: working directory " + gone + " does not exist");
    }

    @Test
    void programs_run_in_the_given_working_directory_with_the_extra_environment(@TempDir Path dir)
            throws IOException {
        LocalCommandRunner configured = LocalCommandRunner.builder()
                .workingDirectory(dir)
                .environment("HOMEFLEET_TEST", "a b $HOME")
                .build();

        CommandResult result = configured.run(List.of("sh", "-c", "pwd -P; printf %s \"$HOMEFLEET_TEST\""), TIMEOUT);

        assertThat(result.stdout()).isEqualTo(dir.toRealPath() + "\na b $HOME");
    }

    @Test
    void a_path_given_in_the_environment_is_where_programs_are_looked_up(@TempDir Path dir) throws IOException {
        Path hello = Files.writeString(dir.resolve("homefleet-hello"), "#!/bin/sh\necho hi from $0\n");
        Files.setPosixFilePermissions(hello, PosixFilePermissions.fromString("rwxr-xr-x"));
        LocalCommandRunner withPath = LocalCommandRunner.builder().environment("PATH", dir + ":/usr/bin:/bin").build();
        LocalCommandRunner onlyEmpty = LocalCommandRunner.builder().environment("PATH", "/nonexistent").build();

        assertThat(withPath.run(List.of("homefleet-hello"), TIMEOUT).stdout()).isEqualTo("hi from " + hello + "\n");
        assertThatThrownBy(() -> onlyEmpty.run(List.of("homefleet-hello"), TIMEOUT))
                .hasMessage("cannot run homefleet-hello: not found on PATH (/nonexistent);"
                        + " install it or give its absolute path");
    }

    @Test
    void standard_input_is_closed_so_a_program_reading_it_ends_instead_of_waiting() throws IOException {
        CommandResult result = runner.run(List.of("cat"), Duration.ofSeconds(5));

        assertThat(result.timedOut()).isFalse();
        assertThat(result.exitCode()).isZero();
        assertThat(result.stdout()).isEmpty();
    }

    @Test
    void a_background_process_left_holding_the_output_open_does_not_hold_up_the_result() throws IOException {
        CommandResult result = runner.run(List.of("sh", "-c", "sleep 20 & echo $!; sleep 0.2"), TIMEOUT);
        long orphan = pids(result.stdout()).get(0);
        try {
            assertThat(result.exitCode()).isZero();
            assertThat(result.timedOut()).isFalse();
            assertThat(result.duration()).isLessThan(LocalCommandRunner.DRAIN_GRACE.plusSeconds(2));
            assertThat(result.stdout()).isEqualTo(orphan + "\n\n" + OutputCapture.INCOMPLETE);
        } finally {
            ProcessHandle.of(orphan).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void twenty_commands_run_in_parallel_on_one_runner_and_each_gets_its_own_output() throws Exception {
        int count = 20;
        String script = "sleep 0.3; printf %s \"$1\"; printf e%s \"$1\" >&2";
        ExecutorService pool = Executors.newFixedThreadPool(count);
        try {
            long started = System.nanoTime();
            List<Future<CommandResult>> results = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                List<String> argv = List.of("sh", "-c", script, "sh", Integer.toString(i));
                results.add(pool.submit(() -> runner.run(argv, TIMEOUT)));
            }
            for (int i = 0; i < count; i++) {
                CommandResult result = results.get(i).get();
                assertThat(result.exitCode()).isZero();
                assertThat(result.stdout()).isEqualTo(Integer.toString(i));
                assertThat(result.stderr()).isEqualTo("e" + i);
            }
            assertThat(Duration.ofNanos(System.nanoTime() - started))
                    .as("20 x 0.3 s run one after another would take 6 s")
                    .isLessThan(Duration.ofSeconds(3));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void an_interrupted_caller_gets_an_interrupted_io_exception_and_the_command_is_killed(@TempDir Path dir)
            throws Exception {
        Path pidFile = dir.resolve("pid");
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread caller = new Thread(() -> {
            try {
                runner.run(List.of("sh", "-c", "echo $$ > \"$1\".tmp; mv \"$1\".tmp \"$1\"; exec sleep 30", "sh",
                        pidFile.toString()), Duration.ofSeconds(30));
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        caller.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!Files.exists(pidFile) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        long pid = Long.parseLong(Files.readString(pidFile).trim());

        caller.interrupt();
        caller.join(5_000);

        assertThat(caller.isAlive()).isFalse();
        assertThat(thrown.get()).isInstanceOf(InterruptedIOException.class)
                .hasMessage("interrupted while running sh; it was killed");
        waitUntilGone(pid, Duration.ofSeconds(2));
        assertThat(running(pid)).isFalse();
    }

    @Test
    void arguments_the_jvm_cannot_encode_are_refused_instead_of_reaching_the_program_mangled() {
        assertThatThrownBy(() -> LocalCommandRunner.requireEncodable(List.of("touch", "café"), Map.of(),
                List.of(US_ASCII)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("argument 1 of touch cannot be passed on: this JVM encodes it as US-ASCII;"
                        + " start the JVM in a UTF-8 locale (LANG=C.UTF-8)");
        assertThatThrownBy(() -> LocalCommandRunner.requireEncodable(List.of("env"), Map.of("NAME", "中文"),
                List.of(US_ASCII)))
                .hasMessageStartingWith("environment variable NAME cannot be passed on");
        LocalCommandRunner.requireEncodable(List.of("touch", "café 中文 😀"), Map.of("NAME", "中文"), List.of(UTF_8));
    }

    @Test
    void calls_without_a_command_or_a_positive_timeout_are_refused_with_the_rule() {
        assertThatThrownBy(() -> runner.run(List.of(), TIMEOUT)).hasMessage("no command given");
        assertThatThrownBy(() -> runner.run(List.of("true"), Duration.ZERO))
                .hasMessage("timeout must be positive, was PT0S");
        assertThatThrownBy(() -> runner.run(Arrays.asList("printf", null), TIMEOUT))
                .hasMessage("argument 1 of the command is null");
        assertThatThrownBy(() -> LocalCommandRunner.builder().maxOutputBytes(0))
                .hasMessage("maxOutputBytes must be at least 1 byte, was 0");
    }

    @Test
    void a_very_long_timeout_is_accepted() throws IOException {
        assertThat(runner.run(List.of("true"), Duration.ofSeconds(Long.MAX_VALUE)).ok()).isTrue();
    }

    @Test
    void it_describes_itself_as_local() {
        assertThat(runner.describe()).isEqualTo("local");
    }

    private static List<Long> pids(String output) {
        return output.lines().filter(line -> line.matches("\\d+")).map(Long::valueOf).toList();
    }

    /** Gone, or a zombie: this machine's init may never reap the orphans. */
    private static boolean running(long pid) {
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isEmpty() || !process.get().isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException gone) {
            return false;
        }
    }

    private static void waitUntilGone(long pid, Duration atMost) throws InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (running(pid) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }
}
