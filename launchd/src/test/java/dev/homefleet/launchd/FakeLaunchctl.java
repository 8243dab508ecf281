package dev.homefleet.launchd;

import dev.homefleet.core.exec.LocalCommandRunner;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

/**
 * The fake launchctl of {@code src/test/resources/fake-launchctl/} (with an {@code id} that says 501) in a bin
 * directory of a test's own, first on the PATH of a {@link LocalCommandRunner}. See the script for what it answers.
 */
public final class FakeLaunchctl {

    private final Path bin;
    private final Path home;

    private FakeLaunchctl(Path bin, Path home) {
        this.bin = bin;
        this.home = home;
    }

    /** A fake launchctl under {@code dir}, for a user whose home is {@code dir/home}. */
    public static FakeLaunchctl in(Path dir) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        for (String name : List.of("launchctl", "id")) {
            try (InputStream in = FakeLaunchctl.class.getResourceAsStream("/fake-launchctl/" + name)) {
                Path target = bin.resolve(name);
                Files.write(target, in.readAllBytes());
                Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        }
        return new FakeLaunchctl(bin, Files.createDirectories(dir.resolve("home")));
    }

    /** From now on it is the launchctl of macOS 10.9: no bootstrap, bootout, kickstart, print, enable. */
    public FakeLaunchctl oldMacos() throws IOException {
        Files.writeString(bin.resolve("old-macos"), "");
        return this;
    }

    public Path bin() {
        return bin;
    }

    public Path home() {
        return home;
    }

    /** PATH with the fake first, then the system's tools (sh, base64, tail ...). */
    public String path() {
        return bin + ":/usr/bin:/bin";
    }

    public LocalCommandRunner runner() {
        return LocalCommandRunner.builder().environment("PATH", path()).environment("HOME", home.toString()).build();
    }

    /** Every launchctl call so far, one string each, its arguments joined by spaces. */
    public List<String> calls() {
        Path log = bin.resolve("launchctl.calls");
        try {
            return Files.exists(log) ? Files.readAllLines(log) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void forgetCalls() throws IOException {
        Files.deleteIfExists(bin.resolve("launchctl.calls"));
    }

    /** Runs the fake directly, to arrange a state ("bootstrap gui/501 PLIST") without recording it. */
    public void arrange(String... args) throws IOException {
        var result = runner().run(java.util.stream.Stream.concat(java.util.stream.Stream.of("launchctl"),
                java.util.Arrays.stream(args)).toList(), Duration.ofSeconds(10));
        if (!result.ok()) {
            throw new IllegalStateException("fake launchctl " + String.join(" ", args) + ": " + result.stderr());
        }
        forgetCalls();
    }
}
