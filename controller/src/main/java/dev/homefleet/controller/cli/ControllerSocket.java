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
            LoadResult result = options.load(context);
            if (result.ok()) {
                return new ControllerSocket(Paths.expandHome(result.config().controller().dataDir(), context.home())
                        .resolve(FILE));
            }
        } catch (ConfigOptions.NoConfigException e) {
            // no fleet file here: the default place is the best guess
        }
        return new ControllerSocket(context.home().resolve(".homefleet").resolve(FILE));
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
