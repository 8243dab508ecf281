package dev.homefleet.controller.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.homefleet.controller.cli.CliContext;
import dev.homefleet.controller.cli.FleetCommand;
import dev.homefleet.controller.events.EventType;
import dev.homefleet.controller.events.FleetEvent;
import dev.homefleet.controller.state.FleetState.ServiceStatus;
import dev.homefleet.controller.web.Tokens;
import dev.homefleet.core.config.FleetConfig;
import dev.homefleet.core.config.FleetConfigLoader;
import dev.homefleet.core.config.LoadResult;
import dev.homefleet.core.config.ManagerSpec;
import dev.homefleet.core.config.ServiceSpec;
import dev.homefleet.core.exec.LocalCommandRunner;
import dev.homefleet.core.service.process.ProcessServiceManager;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * A fleet.yaml of a test's making whose controller machine ({@value #MACHINE}) is this one, reached locally, and a
 * controller for it running in this JVM: its HOME, data_dir, socket and database under a temporary directory, the
 * HTTP server on 127.0.0.1 port 0. Plain-process services run under core's process manager with their pid and log
 * files in that HOME, as the controller sees them. {@link #close} stops the controller and every service, and kills
 * whatever still carries the fleet's {@link #marker}.
 */
final class LocalFleet implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LocalFleet.class);
    static final String MACHINE = "here";
    static final Duration RELOAD_QUIET = Duration.ofMillis(200);

    final Path home;
    final Path file;
    final Map<String, String> env;
    /** In the command line of every node server of this fleet. */
    final String marker = "hf-e2e-" + UUID.randomUUID().toString().substring(0, 8);
    private final LocalCommandRunner runner;
    private ControllerDaemon daemon;

    LocalFleet(Path dir) {
        this.home = dir.resolve("home");
        this.file = dir.resolve("fleet.yaml");
        try {
            Files.createDirectories(home);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.env = Map.of("HOME", home.toString(), "PATH", Objects.requireNonNullElse(System.getenv("PATH"),
                "/usr/bin:/bin"));
        this.runner = LocalCommandRunner.builder().environment("HOME", home.toString()).build();
    }

    /** A service of machine "here" that runs {@code node} on $PORT, as a fleet.yaml block at 6 spaces. */
    String nodeService(String name, int port, String checkExtra) {
        return """
                      %s:
                        manager:
                          type: process
                          command: %s
                        port: %d
                        bind: loopback
                        check:
                          http: http://127.0.0.1:%d/
                          timeout: 1s
                          fall: 2
                          rise: 1
                %s""".formatted(name, Loopback.nodeServerYaml(marker), port, port, checkExtra);
    }

    /** Jobs that run only when asked (or hourly), the healer restarting nothing, no cleaner: a quiet controller. */
    static final String QUIET_JOBS = """
            jobs:
              checks:
                schedule: "@every 1h"
              heartbeat:
                schedule: "@every 1h"
              healer:
                schedule: "@every 1h"
                max_restarts_per_run: 0
              cleaner:
                enabled: false
            """;

    /** The head of a fleet.yaml with machine "here", up to its services: block. */
    static String head() {
        return """
                version: 1
                name: e2e
                controller:
                  machine: here
                machines:
                  here:
                    os: linux
                    reach:
                      via: local
                    services:
                """;
    }

    /** One machine with one service, {@code web}, a process that only sleeps; the jobs quiet. */
    void writeOneIdleService() {
        write(head() + """
                      web:
                        manager:
                          type: process
                          command: [sh, -c, "exec sleep 600 # %s"]
                """.formatted(marker) + QUIET_JOBS);
    }

    void write(String yaml) {
        try {
            Path temp = file.resolveSibling("fleet.yaml.tmp");
            Files.writeString(temp, yaml);
            Files.move(temp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    FleetConfig load() {
        LoadResult result = new FleetConfigLoader(env).load(file);
        assertThat(result.errors()).as("the test's fleet.yaml is valid").isEmpty();
        return result.config();
    }

    Path dataDir() {
        return home.resolve(".homefleet");
    }

    Path socket() {
        return dataDir().resolve("controller.sock");
    }

    Path database() {
        return dataDir().resolve("homefleet.db");
    }

    /** Starts the controller for the file as it is now, the way {@code fleet controller --port 0} does. */
    ControllerDaemon start() throws IOException {
        return start(new Tokens(null, null));
    }

    /** As {@link #start()}, with the controller's admin and viewer tokens. */
    ControllerDaemon start(Tokens tokens) throws IOException {
        Files.createDirectories(dataDir());
        daemon = ControllerDaemon.start(new ControllerDaemon.Options(file, load(), env, home, socket(), database(),
                Loopback.HOST, 0, tokens, RELOAD_QUIET, Clock.systemUTC(), null));
        return daemon;
    }

    ControllerDaemon daemon() {
        return daemon;
    }

    /** The process manager of a service of "here", as the controller builds it (the file as it is now). */
    ProcessServiceManager process(String service) {
        ServiceSpec spec = load().machines().get(MACHINE).services().get(service);
        return ProcessServiceManager.of(service, spec.manager(), runner);
    }

    /** The process manager of a service of another machine whose agent runs with {@code agentHome} as HOME. */
    ProcessServiceManager process(String machine, String service, Path agentHome) {
        ServiceSpec spec = load().machines().get(machine).services().get(service);
        return ProcessServiceManager.of(service, spec.manager(),
                LocalCommandRunner.builder().environment("HOME", agentHome.toString()).build());
    }

    /** Starts a process service with PORT in its environment and waits until it answers. */
    ProcessServiceManager startService(String service, int port) throws IOException {
        return startService(process(service), port);
    }

    static ProcessServiceManager startService(ProcessServiceManager manager, int port) throws IOException {
        manager.setEnvironment(Map.of("PORT", Integer.toString(port)));
        manager.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> Loopback.get(port).isPresent());
        return manager;
    }

    Optional<ServiceStatus> service(String name) {
        var machine = daemon.state().machines().get(MACHINE);
        return machine == null ? Optional.empty() : Optional.ofNullable(machine.services().get(name));
    }

    List<FleetEvent> events(EventType type) {
        return daemon.store().events(null, type, 10_000);
    }

    List<FleetEvent> events(EventType type, String service) {
        return events(type).stream().filter(e -> service.equals(e.service())).toList();
    }

    FleetEvent awaitEvent(EventType type, String service, Duration within) {
        await().atMost(within).pollInterval(Duration.ofMillis(100)).until(() -> !events(type, service).isEmpty());
        return events(type, service).get(0);
    }

    FleetEvent awaitEventOfType(EventType type, Duration within) {
        await().atMost(within).pollInterval(Duration.ofMillis(100)).until(() -> !events(type).isEmpty());
        return events(type).get(0);
    }

    record Run(int exitCode, String out, String err) {}

    /** The real {@code fleet} command line, in this fleet's HOME and directory, e.g. {@code status --json}. */
    Run fleet(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine line = FleetCommand.commandLine(new CliContext(env, file.getParent(), home));
        line.setOut(new PrintWriter(out, true));
        line.setErr(new PrintWriter(err, true));
        int code = line.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Override
    public void close() {
        if (daemon != null) {
            daemon.close();
        }
        FleetConfig last = new FleetConfigLoader(env).load(file).bound().orElse(null);
        if (last != null) {
            for (ServiceSpec service : last.machines().get(MACHINE).services().values()) {
                if (service.manager().type() == ManagerSpec.Type.PROCESS) {
                    try {
                        ProcessServiceManager.of(service.name(), service.manager(), runner).stop();
                    } catch (IOException | RuntimeException e) {
                        log.warn("stopping {}: {}", service.name(), e.getMessage());
                    }
                }
            }
        }
        // A stopped service's supervisor (whose command line holds the marker too) records the end, then exits.
        try {
            await().atMost(Duration.ofSeconds(5)).until(() -> Loopback.pids(marker).isEmpty());
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            List<String> left = Loopback.pids(marker).stream().map(pid -> pid + " " + ProcessHandle.of(pid)
                    .flatMap(h -> h.info().commandLine()).orElse("?")).toList();
            Loopback.killAll(marker);
            assertThat(left).as("processes of %s left running after the test", marker).isEmpty();
        }
    }
}
