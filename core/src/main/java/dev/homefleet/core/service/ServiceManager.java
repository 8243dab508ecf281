package dev.homefleet.core.service;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Drives one service through the process manager fleet.yaml names for it (launchd, pm2, a Windows service, a
 * plain process). Implementations run their commands through a {@link dev.homefleet.core.exec.CommandRunner}, so
 * the same manager works locally on an agent and remotely over SSH.
 *
 * <p>An action that the manager refuses or that fails throws an {@link IOException} whose message names the
 * service, what was tried and what the manager said. A service that is down is a {@link ServiceState}, not an
 * exception.
 */
public interface ServiceManager {

    /** The service's state as its manager reports it. */
    ServiceState status() throws IOException;

    void start() throws IOException;

    void stop() throws IOException;

    void restart() throws IOException;

    /** The last {@code lines} lines of the service's log, oldest first. */
    List<String> logs(int lines) throws IOException;

    /**
     * The environment the manager starts the service with, as its definition says (pm2's ecosystem env, the plist's
     * EnvironmentVariables, the process manager's environment).
     */
    Map<String, String> environment() throws IOException;

    /**
     * Rewrites the definition so the service starts with {@code environment} (all of it: keys left out are
     * removed); it takes effect at the next {@link #restart()}.
     */
    void setEnvironment(Map<String, String> environment) throws IOException;
}
