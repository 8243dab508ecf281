package dev.homefleet.agent.api;

import dev.homefleet.agent.system.HostMetrics;
import dev.homefleet.agent.system.ListeningSockets;
import dev.homefleet.core.config.MachineSpec;
import dev.homefleet.core.config.ServiceSpec;
import dev.homefleet.core.metrics.ListeningSocket;
import dev.homefleet.core.metrics.MachineMetrics;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import oshi.SystemInfo;

/**
 * What the node agent answers, as plain Java: the HTTP server is one way in, a local control channel can be
 * another. Expected failures are {@link ApiException}s carrying the error code and a sentence.
 */
public final class AgentApi {

    public static final int DEFAULT_LOG_LINES = 100;
    public static final int MAX_LOG_LINES = 10_000;

    private final MachineSpec machine;
    private final String version;
    private final HostMetrics metrics;
    private final ListeningSockets sockets;
    private final long startedAtNanos = System.nanoTime();

    public AgentApi(MachineSpec machine, String version, HostMetrics metrics, ListeningSockets sockets) {
        this.machine = machine;
        this.version = version;
        this.metrics = metrics;
        this.sockets = sockets;
    }

    /** The agent for {@code machine} reading this host through OSHI, with the version from the jar's manifest. */
    public static AgentApi onThisHost(MachineSpec machine) {
        SystemInfo system = new SystemInfo();
        return new AgentApi(machine, version(), new HostMetrics(system, Clock.systemUTC()),
                new ListeningSockets(system.getOperatingSystem()));
    }

    /** The Implementation-Version of the agent's jar, or "development" when run from classes. */
    public static String version() {
        String version = AgentApi.class.getPackage().getImplementationVersion();
        return version == null ? "development" : version;
    }

    public MachineSpec machine() {
        return machine;
    }

    public Health health() {
        long uptime = (System.nanoTime() - startedAtNanos) / 1_000_000_000L;
        return new Health(Health.OK, machine.name(), version, uptime);
    }

    public MachineMetrics metrics() {
        return metrics.read();
    }

    public List<ListeningSocket> ports() {
        return sockets.read();
    }

    /** Every service fleet.yaml puts on this machine, in file order, as its port shows it. */
    public List<ServiceStatus> services() {
        List<ListeningSocket> listening = sockets.read();
        return machine.services().values().stream()
                .map(service -> ServicePorts.status(service, machine.addresses(), listening))
                .toList();
    }

    /**
     * Restarting goes through the service's manager (launchd, pm2, Windows services), which this version does not
     * have yet.
     *
     * @throws ApiException not_found for a service this machine does not run, else not_implemented
     */
    public void restart(String name) {
        ServiceSpec service = service(name);
        throw notYet(service, "restarting " + service.name() + " goes");
    }

    /**
     * The last {@code lines} lines of a service's log, which come from its manager; not in this version.
     *
     * @throws ApiException not_found, bad_request for a line count out of range, else not_implemented
     */
    public List<String> logs(String name, int lines) {
        ServiceSpec service = service(name);
        if (lines < 1 || lines > MAX_LOG_LINES) {
            throw new ApiException(ErrorCode.BAD_REQUEST,
                    "lines must be from 1 to " + MAX_LOG_LINES + ", not " + lines);
        }
        throw notYet(service, "the logs of " + service.name() + " come");
    }

    private ServiceSpec service(String name) {
        ServiceSpec service = machine.services().get(name);
        if (service == null) {
            String runs = machine.services().isEmpty() ? "fleet.yaml gives it none"
                    : "it runs " + String.join(", ", machine.services().keySet());
            throw new ApiException(ErrorCode.NOT_FOUND, "no service named '" + name + "' on " + machine.name()
                    + "; " + runs);
        }
        return service;
    }

    /** @param action the start of the sentence: "restarting web goes" */
    private static ApiException notYet(ServiceSpec service, String action) {
        String manager = service.manager().type().name().toLowerCase(Locale.ROOT);
        return new ApiException(ErrorCode.NOT_IMPLEMENTED, action + " through its service manager (" + manager
                + "), which this version of the agent does not have yet");
    }
}
