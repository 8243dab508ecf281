package dev.homefleet.core.service.windows;

import static org.assertj.core.api.Assertions.assertThat;

import dev.homefleet.core.exec.CommandResult;
import dev.homefleet.core.exec.CommandRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.List;

/** A CommandRunner that answers from a queue of canned results and records every argv it was given. */
final class RecordingRunner implements CommandRunner {

    private final Deque<CommandResult> answers = new ArrayDeque<>();
    final List<List<String>> calls = new ArrayList<>();
    final List<Duration> timeouts = new ArrayList<>();

    static String capture(String name) {
        try (InputStream in = RecordingRunner.class.getResourceAsStream("/service/windows/" + name)) {
            if (in == null) {
                throw new IllegalStateException("no test resource service/windows/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    RecordingRunner answer(String stdout) {
        return answer(0, stdout, "");
    }

    RecordingRunner answer(int exitCode, String stdout, String stderr) {
        answers.add(new CommandResult(exitCode, stdout, stderr, Duration.ofMillis(900), false));
        return this;
    }

    RecordingRunner timeOut() {
        answers.add(new CommandResult(-1, "", "", Duration.ofSeconds(60), true));
        return this;
    }

    @Override
    public CommandResult run(List<String> argv, Duration timeout) {
        calls.add(List.copyOf(argv));
        timeouts.add(timeout);
        if (answers.isEmpty()) {
            throw new AssertionError("unexpected command: " + argv);
        }
        return answers.removeFirst();
    }

    @Override
    public String describe() {
        return "ssh msi";
    }

    /** The whole script of call {@code i}, decoded from its -EncodedCommand argument. */
    String script(int i) {
        List<String> argv = calls.get(i);
        assertThat(argv).hasSize(5);
        assertThat(argv.subList(0, 4)).containsExactly("powershell.exe", "-NoProfile", "-NonInteractive",
                "-EncodedCommand");
        return new String(Base64.getDecoder().decode(argv.get(4)), StandardCharsets.UTF_16LE);
    }

    /** The script of call {@code i} after the prelude every script starts with. */
    String body(int i) {
        String script = script(i);
        assertThat(script).startsWith(PowerShellScript.PRELUDE + "\n");
        return script.substring(PowerShellScript.PRELUDE.length() + 1);
    }
}
