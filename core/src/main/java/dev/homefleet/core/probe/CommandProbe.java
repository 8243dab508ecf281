package dev.homefleet.core.probe;

import dev.homefleet.core.config.CheckSpec;
import dev.homefleet.core.exec.CommandResult;
import dev.homefleet.core.exec.CommandRunner;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Runs the check's command through the {@link CommandRunner} that reaches the service's machine; healthy on exit 0.
 * Runs on the bounded blocking executor.
 */
final class CommandProbe implements Probe {

    private final List<String> argv;
    private final Duration timeout;
    private final CommandRunner runner;
    private final ProbeContext context;

    CommandProbe(CheckSpec check, ProbeContext context) {
        if (context.commands() == null) {
            throw new IllegalArgumentException("a command check needs a CommandRunner in its ProbeContext");
        }
        this.argv = List.copyOf(check.command());
        this.timeout = check.timeout();
        this.runner = context.commands();
        this.context = context;
    }

    @Override
    public String target() {
        return String.join(" ", argv) + " (" + runner.describe() + ")";
    }

    @Override
    public Duration timeout() {
        return timeout;
    }

    @Override
    public CompletableFuture<ProbeResult> run() {
        return Blocking.run(context, timeout, (at, started) -> {
            CommandResult result = runner.run(argv, timeout);
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            if (result.timedOut()) {
                return ProbeResult.failed(took, Words.timedOut(timeout), at);
            }
            if (result.exitCode() == 0) {
                return ProbeResult.ok(took, "exit 0 in " + Words.elapsed(took), at);
            }
            String said = Words.firstLine(result.stderr().isBlank() ? result.stdout() : result.stderr(), 120);
            return ProbeResult.failed(took, "exit " + result.exitCode() + (said.isEmpty() ? "" : ": " + said), at);
        });
    }
}
