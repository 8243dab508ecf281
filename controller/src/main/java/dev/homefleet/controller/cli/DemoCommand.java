package dev.homefleet.controller.cli;

import dev.homefleet.controller.demo.Demo;
import dev.homefleet.controller.demo.DemoFleetFile;
import dev.homefleet.controller.demo.Interrupts;
import dev.homefleet.controller.demo.OutageScenario;
import dev.homefleet.core.config.Durations;
import dev.homefleet.core.control.ControlClient;
import dev.homefleet.core.control.ControlException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fleet demo}: homefleet working in one command, with nothing to configure: a controller and two node agents
 * on 127.0.0.1 running the fleet of {@code examples/demo-fleet.yaml}, until Ctrl-C.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run a whole demo fleet on this machine, on 127.0.0.1 with free ports: the controller (with its "
                + "dashboard), a node agent per machine, and their services, from examples/demo-fleet.yaml. Nothing to "
                + "configure and no root needed; runs on Linux and macOS.",
                "Runs until Ctrl-C (or SIGTERM), which stops every process it started and deletes its directory."},
        footer = {"", "Exit codes: 130 once stopped by Ctrl-C and 143 by SIGTERM (the JVM's codes for those signals), "
                + "1 the demo could not start, 2 bad usage."})
final class DemoCommand implements Callable<Integer> {
    /** The exit code of a JVM stopped by SIGINT (128 + 2). */
    static final int INTERRUPTED = 130;
    /** With the demo's own directory and a machine's .homefleet/controller.sock, still within 104 bytes. */
    static final int MAX_PARENT_LENGTH = 40;
    private final CliContext context;

    @Spec
    CommandSpec spec;

    enum Scenario { outage }

    @Option(names = "--scenario", paramLabel = "NAME",
            description = "Play a scenario: outage (the primary gateway breaks for a while: the healer gives up, the "
                    + "standby takes over, then yields once it is repaired).")
    Scenario scenario;

    @Option(names = "--outage-after", paramLabel = "DURATION", defaultValue = "60s",
            description = "With --scenario outage: when the gateway breaks (default ${DEFAULT-VALUE}).")
    String outageAfter;

    @Option(names = "--outage-for", paramLabel = "DURATION", defaultValue = "60s",
            description = "With --scenario outage: how long it stays broken (default ${DEFAULT-VALUE}).")
    String outageFor;

    @Option(names = "--keep", description = "Keep the demo's directory (fleet file, history, logs) at the end.")
    boolean keep;

    @Option(names = "--file", paramLabel = "FILE",
            description = "The demo fleet file (default: examples/demo-fleet.yaml of this homefleet).")
    Path file;

    DemoCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (System.getProperty("os.name", "").toLowerCase().startsWith("windows")) {
            err.println("fleet: the demo runs on Linux and macOS (its services are run by a POSIX shell)");
            return ExitCodes.USAGE;
        }
        Duration after;
        Duration lasting;
        try {
            after = Durations.parse(outageAfter);
            lasting = Durations.parse(outageFor);
        } catch (IllegalArgumentException e) {
            err.println("fleet: --outage-after / --outage-for: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        Optional<Path> fleetFile = file != null ? Optional.of(context.workingDirectory().resolve(file))
                : DemoFleetFile.locate(codeLocation(), context.workingDirectory());
        if (fleetFile.isEmpty() || !Files.isRegularFile(fleetFile.get())) {
            err.println("fleet: no demo fleet file " + fleetFile.map(Path::toString).orElse(DemoFleetFile.SHIPPED
                    + " beside this homefleet or in " + context.workingDirectory()) + "; run the demo from a "
                    + "homefleet checkout, or pass --file FILE");
            return ExitCodes.USAGE;
        }
        quietEventLog();
        Demo demo;
        try {
            demo = Demo.create(new Demo.Settings(fleetFile.get(), temporaryParent(), keep, context.environment()), out);
        } catch (IOException e) {
            err.println("fleet: cannot make the demo's directory: " + e.getMessage());
            return 1;
        }
        List<OutageScenario> scenarios = new ArrayList<>();
        CountDownLatch stopped = new CountDownLatch(1);
        Thread stop = new Thread(() -> {
            demo.say("stopping the demo: agents, controller, services");
            scenarios.forEach(OutageScenario::close);
            demo.close();
            demo.say("the demo stopped");
            stopped.countDown();
        }, "homefleet-demo-stop");
        Runtime.getRuntime().addShutdownHook(stop);
        if (!Interrupts.exitOnSigint(INTERRUPTED)) {
            err.println("fleet: SIGINT is ignored in this process (started in the background by a script?), so "
                    + "Ctrl-C will not stop it; stop it with: kill " + ProcessHandle.current().pid());
        }
        try {
            demo.start();
        } catch (IOException | RuntimeException e) {
            try {
                Runtime.getRuntime().removeShutdownHook(stop);
            } catch (IllegalStateException stopping) {
                stopped.await(); // stopped while starting (what failed was stopped): the hook is closing it
                return INTERRUPTED;
            }
            err.println("fleet: the demo could not start: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            stopped.await(); // stopped while starting: the shutdown hook is closing it
            return INTERRUPTED;
        }
        printBanner(out, demo);
        if (scenario == Scenario.outage) {
            try {
                scenarios.add(new OutageScenario(demo, after, lasting).start());
            } catch (IllegalArgumentException e) {
                err.println("fleet: " + e.getMessage());
            }
        }
        stopped.await();
        return 0;
    }

    private void printBanner(PrintWriter out, Demo demo) {
        String url = demo.url();
        Map<String, Integer> listeners = demo.listeners();
        out.println();
        out.println("homefleet demo is running: " + demo.config().name());
        out.println("  dashboard:  " + url + "/  (no login needed from this machine)");
        loginLink(demo).ifPresent(link -> out.println("  login link: " + link + "  (signs a browser in as admin, once, "
                + "within 10 minutes)"));
        out.println("  API:        " + url + "/api/v1/fleet");
        out.println("  listening:  " + listeners.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", ")));
        out.println("  directory:  " + demo.directory() + (keep ? " (kept at the end)" : " (deleted at the end)"));
        out.println("Ctrl-C stops the demo and every process it started.");
        out.println();
        out.flush();
    }

    /**
     * A one-time admin login link from the controller ({@code fleet login-link}), when this build's controller makes
     * them; its answer is {@code {"role","path","url","expires_at"}}.
     */
    private static Optional<String> loginLink(Demo demo) {
        try {
            var answer = new ControlClient(demo.controllerSocket()).request("login.link", Map.of("role", "admin"),
                    Duration.ofSeconds(5));
            return Optional.ofNullable(answer.path("url").textValue());
        } catch (ControlException e) {
            return Optional.empty();
        }
    }

    /**
     * The JVM's temporary directory, unless it is long and there is a /tmp: the controller's and agents' sockets live
     * under the demo's directory, and macOS's per-user temporary directory is long enough to push them past the 104
     * bytes a socket path may have.
     */
    private static Path temporaryParent() {
        Path temporary = Path.of(System.getProperty("java.io.tmpdir"));
        Path tmp = Path.of("/tmp");
        return temporary.toString().length() > MAX_PARENT_LENGTH && Files.isDirectory(tmp) && Files.isWritable(tmp)
                ? tmp : temporary;
    }

    private static Path codeLocation() {
        try {
            return Path.of(DemoCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    /** The terminal tells the events itself; the controller's log line per event would say each twice. */
    private static void quietEventLog() {
        if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext logback) {
            logback.getLogger("dev.homefleet.controller.events").setLevel(ch.qos.logback.classic.Level.WARN);
        }
    }
}
