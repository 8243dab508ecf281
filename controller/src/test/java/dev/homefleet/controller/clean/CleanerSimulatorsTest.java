package dev.homefleet.controller.clean;

import static org.assertj.core.api.Assertions.assertThat;

import dev.homefleet.core.config.FleetConfig;
import dev.homefleet.core.exec.CommandResult;
import dev.homefleet.core.exec.CommandRunner;
import dev.homefleet.core.exec.LocalCommandRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Simulators on a "Mac": the CoreSimulator processes are real (sleep under a CoreSimulator path), counted from the
 * real ps; only xcrun, which this Linux box does not have, is answered by the test.
 */
class CleanerSimulatorsTest {

    @TempDir
    Path dir;

    private final List<Process> simulators = new ArrayList<>();
    private final List<List<String>> xcrunCalls = new CopyOnWriteArrayList<>();

    @AfterEach
    void stopSimulators() throws InterruptedException {
        for (Process p : simulators) {
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void more_coresimulator_processes_than_the_limit_shut_every_simulator_down() throws IOException {
        startSimulatorProcesses(3);
        FleetConfig config = fleet(2);

        CleanerReport report = clean(config, xcrun(new CommandResult(0, "", "", Duration.ofMillis(800), false)));

        assertThat(xcrunCalls).containsExactly(List.of("xcrun", "simctl", "shutdown", "all"));
        assertThat(report.simulators()).isEqualTo(new Simulators(3, 2, true, null));
        assertThat(report.errors()).isEmpty();
        assertThat(report.summary()).contains("; 3 simulators, shut down; ");
    }

    @Test
    void at_the_limit_nothing_is_shut_down() throws IOException {
        startSimulatorProcesses(3);

        CleanerReport report = clean(fleet(3), xcrun(new CommandResult(0, "", "", Duration.ZERO, false)));

        assertThat(xcrunCalls).isEmpty();
        assertThat(report.simulators()).isEqualTo(new Simulators(3, 3, false, null));
        assertThat(report.summary()).contains("; 3 simulators; ");
    }

    @Test
    void a_failing_shutdown_is_an_error_with_simctls_message() throws IOException {
        startSimulatorProcesses(2);
        String simctl = "An error was encountered processing the command (domain=com.apple.CoreSimulator.SimError,"
                + " code=405):\nUnable to shutdown device in current state: Shutdown\n";

        CleanerReport report = clean(fleet(1), xcrun(new CommandResult(149, "", simctl, Duration.ZERO, false)));

        assertThat(report.simulators().shutDown()).isFalse();
        assertThat(report.errors()).containsExactly("xcrun simctl shutdown all failed on local (exit 149: "
                + simctl.strip() + ")");
        assertThat(report.summary()).contains("; 2 simulators, shutdown failed; ");
    }

    @Test
    void machines_that_are_not_macs_have_no_simulator_check() {
        FleetConfig config = fleet(0);

        CleanerReport report = Cleaner.of(config).run("box", config.machines().get("box"), new LocalCommandRunner(),
                List.of());

        assertThat(report.simulators()).isNull();
        assertThat(report.summary()).contains("; 0 simulators; ");
    }

    private CleanerReport clean(FleetConfig config, CommandRunner runner) {
        return Cleaner.of(config).run("mini", config.machines().get("mini"), runner, List.of());
    }

    private void startSimulatorProcesses(int count) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("CoreSimulator.framework/Versions/A/XPCServices"));
        Path program = Files.createSymbolicLink(bin.resolve("launchd_sim"), Path.of("/bin/sleep"));
        for (int i = 0; i < count; i++) {
            simulators.add(new ProcessBuilder(program.toString(), "300").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
        }
    }

    /** The local machine, except that xcrun answers {@code result} (xcrun simctl shutdown all: exit 0, silent). */
    private CommandRunner xcrun(CommandResult result) {
        return Runners.intercepting(new LocalCommandRunner(), "xcrun", (argv, timeout) -> {
            xcrunCalls.add(List.copyOf(argv));
            return result;
        });
    }

    private static FleetConfig fleet(int limit) {
        return TestFleet.create().cleaner("simulator_limit: " + limit).config();
    }
}
