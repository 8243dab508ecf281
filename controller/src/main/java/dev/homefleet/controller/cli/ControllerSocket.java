package dev.homefleet.controller.cli;

import dev.homefleet.core.config.LoadResult;
import dev.homefleet.core.config.Paths;
import dev.homefleet.core.control.ControlClient;
import dev.homefleet.core.control.ControlException;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The running controller's local socket ({@code DATA_DIR/controller.sock}): commands that ask the daemon
 * ({@code fleet status}, {@code fleet jobs}) go through it, with no token, since only this user can open it.
 */
final class ControllerSocket {
    static final String FILE = "controller.sock";

    private final Path path;

    private ControllerSocket(Path path) {
        this.path = path;
    }

    /** --socket, else data_dir of the fleet file when there is a valid one, else ~/.homefleet. */
    static ControllerSocket locate(CliContext context, ConfigOptions options, Path socket) {
        if (socket != null) {
            return new ControllerSocket(context.workingDirectory().resolve(socket));
        }
        try {
            Path file = options.locate(context);
            LoadResult result = ConfigOptions.load(context, file);
            if (result.ok()) {
                return new ControllerSocket(Paths.expandHome(result.config().controller().dataDir(), context.home())
                        .resolve(FILE));
            }
            // A broken edit is exactly when one asks the controller what runs: read data_dir as plain YAML.
            String dataDir = dataDirOf(file);
            if (dataDir != null) {
                return new ControllerSocket(Paths.expandHome(dataDir, context.home()).resolve(FILE));
            }
        } catch (ConfigOptions.NoConfigException e) {
            // no fleet file here: the default place is the best guess
        }
        return new ControllerSocket(context.home().resolve(".homefleet").resolve(FILE));
    }

    private static String dataDirOf(Path file) {
        try {
            JsonNode dir = dev.homefleet.core.config.FleetJson.yaml().readTree(file.toFile()).path("controller")
                    .path("data_dir");
            return dir.isTextual() && !dir.asText().isBlank() ? dir.asText() : null;
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    Path path() {
        return path;
    }

    JsonNode request(String action, Object data, Duration timeout) throws ControlException {
        return new ControlClient(path, Duration.ofSeconds(1)).request(action, data, timeout);
    }

    /** What to tell a person when the daemon is not there or refused. */
    String explain(ControlException e) {
        return e.code().equals("unavailable")
                ? "no controller answers on " + path + "; start it with: fleet controller (or check it runs: "
                        + "launchctl print gui/$(id -u)/dev.homefleet.controller)"
                : e.getMessage();
    }
}
