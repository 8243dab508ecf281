package dev.homefleet.controller.cli;

import java.nio.file.Path;
import java.util.Map;

/**
 * What a command may know of the world it runs in: the environment, the working directory and the home directory.
 * Passed in, never read from globals, so tests run commands in a world of their own.
 */
public record CliContext(Map<String, String> environment, Path workingDirectory, Path home) {

    public CliContext {
        environment = Map.copyOf(environment);
    }

    public static CliContext system() {
        return new CliContext(System.getenv(), Path.of("").toAbsolutePath(), Path.of(System.getProperty("user.home")));
    }
}
