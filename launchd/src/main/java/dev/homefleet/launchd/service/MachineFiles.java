package dev.homefleet.launchd.service;

import dev.homefleet.core.exec.CommandResult;
import dev.homefleet.core.exec.CommandRunner;
import java.io.IOException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Files on the machine a {@link CommandRunner} reaches, read and written with POSIX tools only (sh, base64, tail,
 * mkdir, mv, rm), so the same code works on this Mac and on another over SSH. A runner has no standard input, so
 * content travels as an argument: {@code sh -c SCRIPT sh CONTENT ...} puts it in {@code $1}, which the fixed script
 * only ever quotes; nothing is pasted into shell text. (Not {@code base64 -d} on the way in: macOS before 13 spells
 * it {@code -D}.)
 */
public final class MachineFiles {

    static final Duration TIMEOUT = Duration.ofSeconds(15);

    /** Reads the bytes as base64: a binary plist survives, where {@code cat} into a Java string would not. */
    private static final String READ = "exec base64 < \"$1\"";
    /**
     * Writes to a temporary file beside the target, private to its owner, then renames it over the target: readers
     * see the old file or the new one, never half of one.
     */
    private static final String WRITE = "umask 077 && printf '%s' \"$1\" > \"$2\" && mv -f \"$2\" \"$3\""
            + " || { rm -f \"$2\"; exit 1; }";

    private final CommandRunner runner;
    private volatile String home;

    public MachineFiles(CommandRunner runner) {
        this.runner = Objects.requireNonNull(runner, "runner");
    }

    public String describe() {
        return runner.describe();
    }

    /** The home directory of the user the runner runs as ({@code printenv HOME} there); asked once. */
    public String home() throws IOException {
        String known = home;
        if (known != null) {
            return known;
        }
        CommandResult result = run(List.of("printenv", "HOME"), "find the home directory");
        String text = result.stdout().strip();
        if (!text.startsWith("/")) {
            throw new IOException("cannot find the home directory on " + runner.describe() + ": HOME is '" + text
                    + "'");
        }
        home = text;
        return text;
    }

    /** {@code ~} and {@code ~/...} on that machine, as an absolute path; other paths unchanged. */
    public String expandHome(String path) throws IOException {
        if (path.equals("~")) {
            return home();
        }
        return path.startsWith("~/") ? home() + path.substring(1) : path;
    }

    public byte[] read(String path) throws IOException {
        CommandResult result = run(List.of("sh", "-c", READ, "sh", path), "read " + path);
        try {
            return Base64.getMimeDecoder().decode(result.stdout().strip());
        } catch (IllegalArgumentException e) {
            throw new IOException("cannot read " + path + " on " + runner.describe() + ": base64 gave no base64", e);
        }
    }

    /** Replaces {@code path} with {@code content} (UTF-8) atomically; the file ends up readable by its owner only. */
    public void write(String path, String content) throws IOException {
        int slash = path.lastIndexOf('/');
        String temporary = path.substring(0, slash + 1) + "." + path.substring(slash + 1) + ".homefleet-tmp";
        run(List.of("sh", "-c", WRITE, "sh", content, temporary, path), "write " + path);
    }

    public boolean exists(String path) throws IOException {
        CommandResult result = runner.run(List.of("test", "-e", path), TIMEOUT);
        if (result.timedOut()) {
            throw new IOException("test -e " + path + " did not finish in " + TIMEOUT.toSeconds() + "s on "
                    + runner.describe());
        }
        return result.exitCode() == 0;
    }

    public void remove(String path) throws IOException {
        run(List.of("rm", "-f", path), "remove " + path);
    }

    public void makeDirectories(List<String> directories) throws IOException {
        if (!directories.isEmpty()) {
            run(concat(List.of("mkdir", "-p"), directories), "create " + String.join(", ", directories));
        }
    }

    /** The last {@code lines} lines of a file ({@code tail -n}), or empty when there is no such file. */
    public Optional<List<String>> tail(String path, int lines) throws IOException {
        CommandResult result = runner.run(List.of("tail", "-n", Integer.toString(lines), path), TIMEOUT);
        if (!result.ok()) {
            if (!result.timedOut() && !exists(path)) {
                return Optional.empty();
            }
            throw failure("read the end of " + path, List.of("tail", "-n", Integer.toString(lines), path), result);
        }
        return Optional.of(result.stdout().lines().toList());
    }

    private CommandResult run(List<String> argv, String what) throws IOException {
        CommandResult result = runner.run(argv, TIMEOUT);
        if (!result.ok()) {
            throw failure(what, argv, result);
        }
        return result;
    }

    private IOException failure(String what, List<String> argv, CommandResult result) {
        if (result.timedOut()) {
            return new IOException("cannot " + what + " on " + runner.describe() + ": " + argv.get(0)
                    + " did not finish in " + TIMEOUT.toSeconds() + "s");
        }
        String said = result.stderr().strip();
        return new IOException("cannot " + what + " on " + runner.describe() + " (exit " + result.exitCode() + ")"
                + (said.isEmpty() ? "" : ": " + said.lines().findFirst().orElse("")));
    }

    private static List<String> concat(List<String> first, List<String> second) {
        return java.util.stream.Stream.concat(first.stream(), second.stream()).toList();
    }
}
