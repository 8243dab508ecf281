package dev.homefleet.core.metrics.sweep;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The captured outputs under src/test/resources/metrics/, and commands run on this machine with a time limit. */
final class Captures {

    private Captures() {}

    static String read(String name) {
        try (InputStream in = Captures.class.getResourceAsStream("/metrics/" + name)) {
            if (in == null) {
                throw new IllegalStateException("no test resource metrics/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs {@code argv} here and returns its standard output; fails the test past {@code timeout}. */
    static String runLocally(List<String> argv, Duration timeout) throws IOException, InterruptedException {
        Path out = Files.createTempFile("homefleet-sweep", ".txt");
        try {
            Process process = new ProcessBuilder(argv)
                    .redirectOutput(out.toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(argv.get(0) + " ran past " + timeout);
            }
            return Files.readString(out);
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
