package dev.homefleet.controller.cli;

import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code --config} and {@code --socket}: how a command that asks the running controller finds its socket. */
final class ControllerSocketOptions {

    @Mixin
    ConfigOptions config = new ConfigOptions();

    @Option(names = "--socket", paramLabel = "PATH",
            description = "The controller's socket (default DATA_DIR/controller.sock).")
    Path socket;

    ControllerSocket locate(CliContext context) {
        return ControllerSocket.locate(context, config, socket);
    }
}
