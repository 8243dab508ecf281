package dev.homefleet.agent.api;

import dev.homefleet.agent.failover.FailoverStatus;
import dev.homefleet.agent.failover.FailoverWatchdog;
import dev.homefleet.agent.failover.Failovers;
import dev.homefleet.agent.system.HostMetrics;
import dev.homefleet.agent.system.ListeningSockets;
import dev.homefleet.core.config.CheckSpec;
import dev.homefleet.core.config.MachineSpec;
import dev.homefleet.core.config.ServiceSpec;
import dev.homefleet.core.metrics.ListeningSocket;
import dev.homefleet.core.metrics.MachineMetrics;
import dev.homefleet.agent.service.Managers;
import dev.homefleet.agent.service.ServiceManagers;
import dev.homefleet.core.exec.CommandRunner;
import dev.homefleet.core.exec.LocalCommandRunner;
import dev.homefleet.core.probe.Probe;
import dev.homefleet.core.probe.ProbeContext;
import dev.homefleet.core.probe.ProbeResult;
import dev.homefleet.core.probe.ProbeRunner;
import dev.homefleet.core.probe.Probes;
import dev.homefleet.core.service.ServiceManager;
import dev.homefleet.core.service.ServiceState;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import oshi.SystemInfo;

/**
 * What the node agent answers, as plain Java: the HTTP server is one way in, a local control channel can be
 * another. Expected failures are {@link ApiException}s carrying the error code and a sentence.
 *
 * <p>What runs service checks is made at the first {@link #checks()}, so an agent nobody asks for checks keeps no
 * thread for them; after that two stay (the socket group's and the HTTP client's selector) and the rest end when
 * idle. {@link #close()} stops them.
 */
public final class AgentApi implements AutoCloseable {

    public static final int DEFAULT_LOG_LINES = 100;
    public static final int MAX_LOG_LINES = 10_000;
    /** Command and manager checks running at once; a machine has a handful of services. */
    static final int CHECK_CONCURRENCY = 8;

    private final MachineSpec machine;
    private final String version;
    private final HostMetrics metrics;
    private final ListeningSockets sockets;
    private final ServiceManagers managers;
    private final CommandRunner local;
    private final Failovers failovers;
    private final long startedAtNanos = System.nanoTime();
    private ProbeRunner probes;
    private boolean closed;

    public AgentApi(MachineSpec machine, String version, HostMetrics metrics, ListeningSockets sockets,
            ServiceManagers managers, CommandRunner local) {
        this(machine, version, metrics, sockets, managers, local, Failovers.none());
    }

    /** @param failovers the failover watchdogs this machine runs as the standby; closed by {@link #close()} */
    public AgentApi(MachineSpec machine, String version, HostMetrics metrics, ListeningSockets sockets,
            ServiceManagers managers, CommandRunner local, Failovers failovers) {
        this.machine = machine;
        this.version = version;
        this.metrics = metrics;
        this.sockets = sockets;
        this.managers = managers;
        this.local = local;
        this.failovers = failovers;
    }

    /** An agent whose services are driven by the standard managers on this host. */
    public AgentApi(MachineSpec machine, String version, HostMetrics metrics, ListeningSockets sockets) {
        this(machine, version, metrics, sockets, Managers.standard(), LocalCommandRunner.builder().build());
    }

    /** The agent for {@code machine} reading this host through OSHI, with the version from the jar's manifest. */
    public static AgentApi onThisHost(MachineSpec machine) {
        SystemInfo system = new SystemInfo();
        return new AgentApi(machine, version(), new HostMetrics(system, Clock.systemUTC()),
                new ListeningSockets(system.getOperatingSystem()), Managers.standard(),
                LocalCommandRunner.builder().build());
    }

    /** As {@link #onThisHost(MachineSpec)}, with the failover watchdogs this machine runs. */
    public static AgentApi onThisHost(MachineSpec machine, ServiceManagers managers, CommandRunner local,
            Failovers failovers) {
        SystemInfo system = new SystemInfo();
        return new AgentApi(machine, version(), new HostMetrics(system, Clock.systemUTC()),
                new ListeningSockets(system.getOperatingSystem()), managers, local, failovers);
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

    /** Every service fleet.yaml puts on this machine, in file order, as its manager and its port show it. */
    public List<ServiceStatus> services() {
        List<ListeningSocket> listening = sockets.read();
        return machine.services().values().stream()
                .map(service -> withManager(service, ServicePorts.status(service, machine.addresses(), listening)))
                .toList();
    }

    private ServiceStatus withManager(ServiceSpec service, ServiceStatus byPort) {
        ServiceState state;
        try {
            Optional<ServiceManager> manager = managers.forService(machine, service, local);
            if (manager.isEmpty()) {
                return byPort;
            }
            state = manager.get().status();
        } catch (IOException | RuntimeException e) {
            return byPort.withManager(null, e.getMessage());
        }
        String said = state.state().name().toLowerCase(Locale.ROOT);
        String words = "its manager (" + service.manager().type().name().toLowerCase(Locale.ROOT) + ") says " + said
                + (state.detail() == null || state.detail().isBlank() ? "" : " (" + state.detail() + ")");
        Integer pid = byPort.pid() != null ? byPort.pid() : state.pid() > 0 ? Integer.valueOf(state.pid()) : null;
        ServiceStatus.State status;
        String reason;
        switch (state.state()) {
            case RUNNING -> {
                boolean portDown = byPort.status() == ServiceStatus.State.DOWN;
                status = portDown ? ServiceStatus.State.DEGRADED : ServiceStatus.State.UP;
                reason = portDown ? words + ", but " + byPort.reason() : null;
            }
            case STARTING, STOPPING -> {
                status = ServiceStatus.State.DEGRADED;
                reason = words;
            }
            case STOPPED, ERRORED -> {
                status = ServiceStatus.State.DOWN;
                reason = words;
            }
            default -> {
                return byPort.withManager(said, null);
            }
        }
        return new ServiceStatus(byPort.name(), byPort.manager(), byPort.port(), byPort.bind(), status, pid,
                byPort.process(), reason, said, null);
    }

    /**
     * Runs the {@code check} of every service fleet.yaml puts on this machine, all at once, and returns each
     * result in file order; services without a check are left out. Each check is bounded by its own timeout, so the
     * answer takes about as long as the slowest check. A manager check whose manager cannot be built (pm2's home
     * directory unreadable) is a failed check saying why.
     */
    public List<ServiceCheck> checks() {
        ProbeRunner runner = probeRunner();
        Map<String, Probe> probes = new LinkedHashMap<>();
        Map<String, ServiceCheck> unrunnable = new LinkedHashMap<>();
        for (ServiceSpec service : machine.services().values()) {
            CheckSpec check = service.check();
            if (check == null) {
                continue;
            }
            ProbeContext context = runner.context().withCommands(local);
            if (check.manager()) {
                Optional<ServiceManager> manager;
                try {
                    manager = managers.forService(machine, service, local);
                } catch (IOException | RuntimeException e) {
                    unrunnable.put(service.name(), failed(service, "manager: " + e.getMessage()));
                    continue;
                }
                if (manager.isEmpty()) {
                    unrunnable.put(service.name(), failed(service, "manager: a cron entry has no state to check"));
                    continue;
                }
                context = context.withManager(manager.get());
            }
            probes.put(service.name(), Probes.of(check, context));
        }
        Map<String, ProbeResult> results = runner.runAll(probes);
        return machine.services().values().stream()
                .filter(service -> service.check() != null)
                .map(service -> results.containsKey(service.name())
                        ? ServiceCheck.of(service.name(), results.get(service.name()))
                        : unrunnable.get(service.name()))
                .toList();
    }

    private static ServiceCheck failed(ServiceSpec service, String detail) {
        return ServiceCheck.of(service.name(), new ProbeResult(false, Duration.ZERO, detail, Instant.now()));
    }

    private synchronized ProbeRunner probeRunner() {
        if (closed) {
            throw new ApiException(ErrorCode.INTERNAL_ERROR, "the agent is stopping; ask again once it is back");
        }
        if (probes == null) {
            probes = new ProbeRunner(CHECK_CONCURRENCY);
        }
        return probes;
    }

    /** Every failover this machine is the standby of, in fleet.yaml's order; empty when it is the standby of none. */
    public List<FailoverStatus> failovers() {
        return failovers.statuses();
    }

    /**
     * One failover this machine is the standby of.
     *
     * @throws ApiException not_found when it is not the standby of that failover
     */
    public FailoverStatus failover(String name) {
        return watchdog(name).status();
    }

    /**
     * {@code promote} pins this machine active (taking over now unless it has), {@code demote} pins it standby
     * (yielding now unless it has), {@code auto} lets the checks decide again. Waits for the actions it starts.
     *
     * @throws ApiException not_found for a failover this machine is not the standby of, bad_request for another
     *                      command
     */
    public FailoverStatus failover(String name, String command) {
        FailoverWatchdog watchdog = watchdog(name);
        try {
            return switch (command) {
                case "promote" -> watchdog.promote();
                case "demote" -> watchdog.demote();
                case "auto" -> watchdog.auto();
                default -> throw new ApiException(ErrorCode.BAD_REQUEST, "'" + command + "' is not a failover "
                        + "command; use promote, demote or auto");
            };
        } catch (IllegalStateException e) {
            throw new ApiException(ErrorCode.INTERNAL_ERROR, e.getMessage());
        }
    }

    private FailoverWatchdog watchdog(String name) {
        return failovers.get(name).orElseThrow(() -> new ApiException(ErrorCode.NOT_FOUND,
                "no failover named '" + name + "' has its standby on " + machine.name() + "; "
                        + (failovers.names().isEmpty() ? "it is the standby of none in fleet.yaml"
                                : "it is the standby of " + String.join(", ", failovers.names()))));
    }

    /** Stops the threads that run checks, and the failover watchdogs. */
    @Override
    public synchronized void close() {
        closed = true;
        failovers.close();
        if (probes != null) {
            probes.close();
            probes = null;
        }
    }

    /**
     * Restarts a service through its manager (launchd, pm2, a Windows service, a process).
     *
     * @throws ApiException not_found for a service this machine does not run, bad_request for a cron entry,
     *                      manager_failed when the manager refused or failed
     */
    public void restart(String name) {
        control(name, ServiceManager::restart);
    }

    /**
     * Starts a service through its manager; one already running stays as it is.
     *
     * @throws ApiException as {@link #restart}
     */
    public void start(String name) {
        control(name, ServiceManager::start);
    }

    /**
     * Stops a service through its manager; one already stopped stays stopped.
     *
     * @throws ApiException as {@link #restart}
     */
    public void stop(String name) {
        control(name, ServiceManager::stop);
    }

    private interface Control {
        void on(ServiceManager manager) throws IOException;
    }

    private void control(String name, Control control) {
        ServiceManager manager = manager(service(name));
        try {
            control.on(manager);
        } catch (IOException e) {
            throw new ApiException(ErrorCode.MANAGER_FAILED, e.getMessage());
        }
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
        try {
            return manager(service).logs(lines);
        } catch (IOException e) {
            throw new ApiException(ErrorCode.MANAGER_FAILED, e.getMessage());
        }
    }

    private ServiceManager manager(ServiceSpec service) {
        try {
            return managers.forService(machine, service, local).orElseThrow(() -> new ApiException(
                    ErrorCode.BAD_REQUEST, service.name() + " is a cron entry: it has no process to restart or log; "
                            + "its runs report in as check-ins"));
        } catch (IOException e) {
            throw new ApiException(ErrorCode.MANAGER_FAILED, e.getMessage());
        }
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
}
