package dev.homefleet.core.probe;

import dev.homefleet.core.exec.CommandRunner;
import dev.homefleet.core.service.ServiceManager;
import java.net.http.HttpClient;
import java.nio.channels.AsynchronousChannelGroup;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * What probes share: one HTTP client and one socket group whose few threads serve every waiting HTTP and TCP check
 * (a check waiting for an answer holds a socket, not a thread), and a bounded executor for the checks that block
 * (commands, service managers). {@link ProbeRunner#context()} gives one; add the runner that reaches the service's
 * machine and, for a manager check, the service's manager.
 *
 * @param commands runs command checks; null when none are built with this context
 * @param manager  the service's manager, for a manager check; null otherwise
 */
public record ProbeContext(HttpClient http, AsynchronousChannelGroup sockets, Executor blocking, Clock clock,
        CommandRunner commands, ServiceManager manager) {

    public ProbeContext {
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(sockets, "sockets");
        Objects.requireNonNull(blocking, "blocking");
        Objects.requireNonNull(clock, "clock");
    }

    public ProbeContext withCommands(CommandRunner runner) {
        return new ProbeContext(http, sockets, blocking, clock, runner, manager);
    }

    public ProbeContext withManager(ServiceManager serviceManager) {
        return new ProbeContext(http, sockets, blocking, clock, commands, serviceManager);
    }
}
