package dev.homefleet.agent.failover;

import dev.homefleet.agent.service.ServiceManagers;
import dev.homefleet.core.config.FailoverSpec;
import dev.homefleet.core.config.FleetConfig;
import dev.homefleet.core.config.MachineSpec;
import dev.homefleet.core.exec.CommandRunner;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The failover watchdogs of one agent: one per fleet.yaml failover whose standby is this agent's machine, each on a
 * thread of its own. Their transitions go to the controller ({@link ControllerEvents}, when it can be reached from
 * here) and to the alerts, which run on one thread of their own behind a bounded queue.
 */
public final class Failovers implements AutoCloseable {

    static final int ALERT_QUEUE = 100;

    private static final Logger LOG = LoggerFactory.getLogger(Failovers.class);

    private final Map<String, FailoverWatchdog> watchdogs;
    private final ControllerEvents controller;
    private final ThreadPoolExecutor alerting;

    private Failovers(Map<String, FailoverWatchdog> watchdogs, ControllerEvents controller,
            ThreadPoolExecutor alerting) {
        this.watchdogs = Collections.unmodifiableMap(watchdogs);
        this.controller = controller;
        this.alerting = alerting;
    }

    /** An agent that is the standby of nothing. */
    public static Failovers none() {
        return new Failovers(new LinkedHashMap<>(), null, null);
    }

    /** The failovers of {@code config} whose standby is {@code self}; see {@link Builder#build()}. */
    public static Builder forMachine(FleetConfig config, MachineSpec self) {
        return new Builder(config, self);
    }

    /** The names of the failovers this machine is the standby of, in fleet.yaml's order. */
    /**
     * Starts every watchdog: each resumes from its saved state and checks at once. Call it once this agent is
     * known to be the only one on the machine (its control socket is open), so two never share a state file.
     */
    public Failovers start() {
        watchdogs.values().forEach(FailoverWatchdog::start);
        return this;
    }

    public Set<String> names() {
        return watchdogs.keySet();
    }

    public Optional<FailoverWatchdog> get(String name) {
        return Optional.ofNullable(watchdogs.get(name));
    }

    public List<FailoverStatus> statuses() {
        return watchdogs.values().stream().map(FailoverWatchdog::status).toList();
    }

    /** Where transitions are posted, or empty when the controller cannot be reached from here. */
    public Optional<URI> controllerEndpoint() {
        return controller == null ? Optional.empty() : Optional.of(controller.endpoint());
    }

    @Override
    public void close() {
        watchdogs.values().forEach(FailoverWatchdog::close);
        if (controller != null) {
            controller.close();
        }
        if (alerting != null) {
            alerting.shutdown();
            try {
                alerting.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** What the watchdogs need from the agent; everything but the state directory has a default. */
    public static final class Builder {
        private final FleetConfig config;
        private final MachineSpec self;
        private Path stateDirectory;
        private ServiceManagers managers;
        private CommandRunner runner;
        private FailoverAlerts alerts = FailoverAlerts.log();
        private String controllerToken;
        private Optional<URI> controllerEndpoint;
        private Duration commandTimeout = FailoverActions.COMMAND_TIMEOUT;
        private Clock clock = Clock.systemUTC();

        private Builder(FleetConfig config, MachineSpec self) {
            this.config = config;
            this.self = self;
        }

        /** Where each failover's state file goes: {@code DIR/NAME.json}. */
        public Builder stateDirectory(Path directory) {
            this.stateDirectory = directory;
            return this;
        }

        public Builder managers(ServiceManagers value) {
            this.managers = value;
            return this;
        }

        /** Runs the service managers' commands and the command actions, on this machine. */
        public Builder runner(CommandRunner value) {
            this.runner = value;
            return this;
        }

        public Builder alerts(FailoverAlerts value) {
            this.alerts = value;
            return this;
        }

        /** The controller's admin token, when the agent's environment has it; null sends none. */
        public Builder controllerToken(String token) {
            this.controllerToken = token;
            return this;
        }

        /** Where to post transitions instead of where fleet.yaml puts the controller; empty posts nowhere. */
        public Builder controllerEndpoint(Optional<URI> endpoint) {
            this.controllerEndpoint = endpoint;
            return this;
        }

        public Builder commandTimeout(Duration value) {
            this.commandTimeout = value;
            return this;
        }

        public Builder clock(Clock value) {
            this.clock = value;
            return this;
        }

        /** A watchdog per failover whose standby is this machine, not started yet; none at all when it is no standby. */
        public Failovers build() {
            Objects.requireNonNull(stateDirectory, "stateDirectory");
            Objects.requireNonNull(managers, "managers");
            Objects.requireNonNull(runner, "runner");
            List<FailoverSpec> mine = new ArrayList<>();
            for (FailoverSpec spec : config.failover().values()) {
                if (spec.standby().machine().equals(self.name())) {
                    mine.add(spec);
                }
            }
            if (mine.isEmpty()) {
                return none();
            }
            Optional<URI> endpoint = controllerEndpoint != null ? controllerEndpoint
                    : ControllerEvents.endpoint(config, self);
            ControllerEvents controller = endpoint.map(uri -> new ControllerEvents(uri, controllerToken)).orElse(null);
            if (controller == null && controllerEndpoint == null) {
                LOG.warn("failover events cannot reach the controller from {}: controller.bind ({}) is not an "
                        + "address of {} that {} can reach; only the alerts go out", self.name(),
                        config.controller().bind(), config.controller().machine(), self.name());
            }
            ThreadPoolExecutor alerting = alertThread();
            FailoverAlerts alertsToUse = alerts;
            Consumer<FailoverEvent> events = event -> {
                if (controller != null) {
                    controller.send(event);
                }
                alerting.execute(() -> {
                    try {
                        alertsToUse.transition(event);
                    } catch (RuntimeException e) {
                        LOG.warn("the failover alert for {} ({} -> {}) failed: {}", event.failover(), event.from(),
                                event.to(), e.toString());
                    }
                });
            };
            Duration longest = mine.stream().map(FailoverSpec::timeout).max(Duration::compareTo).orElseThrow();
            HttpClient http = HttpPrimaryCheck.client(longest);
            FailoverActions actions = new FailoverActions(self, managers, runner, commandTimeout);
            FailoverStore store = new FailoverStore(stateDirectory);
            Map<String, FailoverWatchdog> watchdogs = new LinkedHashMap<>();
            for (FailoverSpec spec : mine) {
                String url = config.failoverCheckUrl(spec).orElseThrow(() -> new IllegalArgumentException(
                        "failover." + spec.name() + " has no check URL and none can be derived"));
                PrimaryCheck check = new HttpPrimaryCheck(http, URI.create(url), spec.timeout(), clock);
                watchdogs.put(spec.name(), new FailoverWatchdog(spec.name(), spec, check, actions, store, events,
                        clock));
            }
            return new Failovers(watchdogs, controller, alerting);
        }

        private static ThreadPoolExecutor alertThread() {
            ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                    new ArrayBlockingQueue<>(ALERT_QUEUE), r -> {
                        Thread t = new Thread(r, "homefleet-failover-alerts");
                        t.setDaemon(true);
                        return t;
                    }, (task, pool) -> {
                        if (!pool.isShutdown()) {
                            pool.getQueue().poll();
                            LOG.warn("failover alerts are not keeping up; dropped the oldest waiting alert");
                            pool.execute(task);
                        }
                    });
            return executor;
        }
    }
}
