package dev.homefleet.pm2;

import dev.homefleet.core.exec.CommandResult;
import dev.homefleet.core.exec.CommandRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * A text file on the machine a {@link CommandRunner} reaches, read and written with POSIX sh, cat, base64 and mv, so
 * it works locally and over SSH alike.
 */
final class HostFile {

    private static final int MISSING = 3;
    private static final String READ = "if [ -e \"$1\" ]; then exec cat \"$1\"; else exit " + MISSING + "; fi";
    /*
     * The text travels base64-encoded, so the argument stays ASCII whatever the locales on either side. The new text
     * goes to a temporary file beside the old one and replaces it with mv: a reader sees the old file or the new one,
     * never half of one. umask 077: the env in an ecosystem file can hold secrets.
     */
    private static final String WRITE = "umask 077; tmp=\"$2.tmp.$$\"; mkdir -p \"$(dirname \"$2\")\""
            + " && printf %s \"$1\" | base64 --decode > \"$tmp\" && mv -f \"$tmp\" \"$2\""
            + " || { status=$?; rm -f \"$tmp\"; exit $status; }";

    private final CommandRunner runner;
    private final String path;
    private final Duration timeout;

    HostFile(CommandRunner runner, String path, Duration timeout) {
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("'" + path + "' is not an absolute path; the file is on another "
                    + "machine, whose working directory nobody chose (and ~ is not expanded there)");
        }
        this.runner = runner;
        this.path = path;
        this.timeout = timeout;
    }

    String path() {
        return path;
    }

    /** The file's text, or empty when there is no such file. */
    Optional<String> read() throws IOException {
        CommandResult result = runner.run(List.of("sh", "-c", READ, "sh", path), timeout);
        if (result.exitCode() == MISSING && !result.timedOut()) {
            return Optional.empty();
        }
        check(result, "read");
        return Optional.of(result.stdout());
    }

    /** Replaces the file's text with {@code text} at once, creating the file and its directory when missing. */
    void write(String text) throws IOException {
        String encoded = Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
        check(runner.run(List.of("sh", "-c", WRITE, "sh", encoded, path), timeout), "write");
    }

    private void check(CommandResult result, String what) throws IOException {
        if (result.timedOut()) {
            throw new IOException("cannot " + what + " " + path + " on " + runner.describe() + ": no answer within "
                    + timeout.toSeconds() + " s");
        }
        if (result.exitCode() != 0) {
            String said = result.stderr().isBlank() ? "exit " + result.exitCode() : result.stderr().strip();
            throw new IOException("cannot " + what + " " + path + " on " + runner.describe() + ": " + said);
        }
    }
}
