package dev.homefleet.pm2;

import dev.homefleet.core.exec.CommandResult;
import dev.homefleet.core.exec.CommandRunner;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Runs pm2 through a {@link CommandRunner}, so the same calls work on this machine and over SSH. A pm2 that fails
 * (non-zero exit, a {@code [PM2][ERROR]} line, a timeout) is an {@link IOException} that says what ran, where, and
 * what pm2 said.
 */
final class Pm2Cli {

    /** Exit status of a shell that did not find the program. */
    private static final int NOT_FOUND = 127;
    private static final Pattern PM2_ERROR = Pattern.compile("^\\[PM2]\\[ERROR] *", Pattern.MULTILINE);
    /** pm2 reads these words as "every process", a process id or a list rather than a name. */
    private static final Pattern NOT_A_NAME = Pattern.compile("all|[0-9]+|.*,.*");

    private final CommandRunner runner;
    private final List<String> pm2;
    private final Duration timeout;

    Pm2Cli(CommandRunner runner, List<String> pm2, Duration timeout) {
        this.runner = Objects.requireNonNull(runner, "runner");
        if (pm2.isEmpty()) {
            throw new IllegalArgumentException("the pm2 command is empty; give at least the program, e.g. pm2");
        }
        this.pm2 = List.copyOf(pm2);
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /** Why pm2 could not take {@code name} as a process name, or null when it can. */
    static String nameProblem(String name) {
        if (name == null || name.isBlank()) {
            return "a pm2 process needs a name";
        }
        if (NOT_A_NAME.matcher(name).matches()) {
            return "'" + name + "' cannot be a pm2 process name: pm2 reads 'all' as every process, a number as a "
                    + "process id, and splits names at commas; rename it";
        }
        return null;
    }

    List<Pm2Process> jlist() throws IOException {
        return Jlist.parse(run(List.of("jlist")).stdout());
    }

    /** Runs {@code pm2 ARGS...} and returns what it printed; pm2's failures are IOExceptions. */
    CommandResult run(List<String> args) throws IOException {
        List<String> argv = new ArrayList<>(pm2);
        argv.addAll(args);
        String shown = "pm2 " + String.join(" ", args);
        CommandResult result = runner.run(argv, timeout);
        if (result.timedOut()) {
            throw new IOException(shown + " did not finish within " + timeout.toSeconds() + " s on "
                    + runner.describe() + "; is the pm2 daemon hung? (pm2 kill stops it)");
        }
        String error = pm2Error(result);
        if (result.exitCode() != 0 || error != null) {
            String said = error != null ? error : lastLines(result);
            String hint = result.exitCode() == NOT_FOUND
                    ? "; is pm2 installed there? give the pm2 command with its full path (a non-interactive SSH "
                    + "shell has a short PATH)"
                    : "";
            throw new IOException(shown + " failed on " + runner.describe() + " (exit " + result.exitCode() + "): "
                    + said + hint);
        }
        return result;
    }

    /** What pm2 reported as an error, without its tag and colours, or null. */
    private static String pm2Error(CommandResult result) {
        String text = Jlist.stripAnsi(result.stderr() + "\n" + result.stdout());
        List<String> errors = text.lines()
                .filter(line -> PM2_ERROR.matcher(line).find())
                .map(line -> PM2_ERROR.matcher(line).replaceFirst("").strip())
                .distinct()
                .toList();
        return errors.isEmpty() ? null : String.join("; ", errors);
    }

    private static String lastLines(CommandResult result) {
        String text = Jlist.stripAnsi(result.stderr().isBlank() ? result.stdout() : result.stderr());
        List<String> lines = text.lines().map(String::strip).filter(line -> !line.isEmpty()).toList();
        if (lines.isEmpty()) {
            return "it printed nothing";
        }
        return lines.subList(Math.max(0, lines.size() - 3), lines.size()).stream()
                .collect(Collectors.joining(" / "));
    }
}
