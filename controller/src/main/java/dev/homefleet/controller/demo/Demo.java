package dev.homefleet.controller.demo;

import dev.homefleet.controller.daemon.ControllerDaemon;
import dev.homefleet.controller.web.Tokens;
import dev.homefleet.core.config.Binds;
import dev.homefleet.core.config.FleetConfig;
import dev.homefleet.core.config.MachineSpec;
import dev.homefleet.core.config.Paths;
import dev.homefleet.core.config.ReachSpec;
import dev.homefleet.core.config.Secret;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A whole fleet on this machine, for someone who wants to see homefleet work before writing a fleet.yaml: the demo
 * fleet file with free ports, a directory per machine as its home, every service started, a node agent per machine
 * that has one (a JVM of its own, as on a real machine), and the controller in this JVM with its SQLite history in
 * the demo's directory. {@link #close} stops everything it started, whoever restarted it since, and deletes the
 * directory unless it is kept.
 */
public final class Demo implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Demo.class);
    /** Where the demo's Java and jar reach the fleet file's service commands. */
    public static final String ENV_JAVA = "HOMEFLEET_DEMO_JAVA";
    public static final String ENV_CLASSPATH = "HOMEFLEET_DEMO_CLASSPATH";
    /** Where the demo's stand-in for Telegram listens: the fleet file's alerts.telegram.api_url. */
    public static final String ENV_TELEGRAM = "HOMEFLEET_DEMO_TELEGRAM";
    static final String AGENT_MAIN = "dev.homefleet.agent.AgentMain";
    static final Duration AGENT_START = Duration.ofSeconds(60);
    static final Duration RELOAD_QUIET = Duration.ofMillis(500);

    /**
     * @param fleetFile   the demo fleet file to copy (examples/demo-fleet.yaml)
     * @param parent      where the demo's directory is made
     * @param keep        leave the directory (history, logs, the fleet file) at the end
     * @param environment the environment of this process; the demo adds HOME and its variables per machine
     */
    public record Settings(Path fleetFile, Path parent, boolean keep, Map<String, String> environment) {}

    private final Settings settings;
    private final Path directory;
    private final Narrator narrator;
    private final Map<String, Path> homes = new LinkedHashMap<>();
    private final Map<String, ChildJvm> agents = new LinkedHashMap<>();
    private DemoFleetFile.Copy fleet;
    private DemoServices services;
    private DemoTelegram telegram;
    private ControllerDaemon daemon;
    private Path controllerSocket;
    private volatile boolean stopping;
    private boolean closed;

    private Demo(Settings settings, Path directory, PrintWriter out) {
        this.settings = settings;
        this.directory = directory;
        this.narrator = new Narrator(out, ZoneId.systemDefault());
    }

    /**
     * Makes the demo's directory; {@link #start} starts it. Apart so that whoever starts it can stop it (a shutdown
     * hook) even while it starts.
     *
     * @param out where progress and, once the controller runs, its events are told
     */
    public static Demo create(Settings settings, PrintWriter out) throws IOException {
        return new Demo(settings, newDirectory(settings.parent()), out);
    }

    /** homefleet-demo-XXXXXXXX, private: shorter than a temporary file's name, for the sockets in it. */
    private static Path newDirectory(Path parent) throws IOException {
        SecureRandom random = new SecureRandom();
        for (int attempt = 0; ; attempt++) {
            Path directory = parent.resolve("homefleet-demo-" + HexFormat.of().toHexDigits(random.nextInt()));
            try {
                return Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            } catch (java.nio.file.FileAlreadyExistsException e) {
                if (attempt == 10) {
                    throw e;
                }
            }
        }
    }

    /** Starts everything; on failure, stops what it had started and throws. */
    public synchronized void start() throws IOException, InterruptedException {
        try {
            startAll();
        } catch (IOException | InterruptedException | RuntimeException e) {
            closeNow();
            throw e;
        }
    }

    private void startAll() throws IOException, InterruptedException {
        Map<String, String> base = new LinkedHashMap<>(settings.environment());
        base.remove("HOMEFLEET_CONFIG");
        base.put(ENV_JAVA, ChildJvm.java().toString());
        base.put(ENV_CLASSPATH, ChildJvm.classPath());
        telegram = DemoTelegram.start(narrator::telegram);
        base.put(ENV_TELEGRAM, telegram.url());
        fleet = DemoFleetFile.withFreePorts(settings.fleetFile(), base);
        FleetConfig config = fleet.config();
        Path file = directory.resolve("fleet.yaml");
        Files.writeString(file, fleet.text());
        for (MachineSpec machine : config.machines().values()) {
            if (machine.reach().via() != ReachSpec.Via.NONE) {
                homes.put(machine.name(), Files.createDirectories(directory.resolve(machine.name())));
            }
        }
        say("starting the demo fleet " + config.name() + " in " + directory + ": " + homes.size() + " machines, "
                + config.serviceCount() + " services, " + config.failover().size() + " failover pair(s)");
        String adminToken = writeAdminToken();
        writeBotToken();
        startMachines(file, base);
        unlessStopping();
        startController(file, base, adminToken);
    }

    /** Every service, and each machine's agent, at once: as machines boot in parallel. */
    private void startMachines(Path file, Map<String, String> base) throws IOException, InterruptedException {
        FleetConfig config = fleet.config();
        services = new DemoServices(config, homes, base);
        CompletableFuture<Void> started = CompletableFuture.runAsync(() -> {
            try {
                services.startAll();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting the services", e);
            }
        });
        Path logs = Files.createDirectories(directory.resolve("logs"));
        for (MachineSpec machine : config.machines().values()) {
            Path home = homes.get(machine.name());
            if (machine.agent() != null && home != null) {
                agents.put(machine.name(), ChildJvm.start(machine.name() + "'s agent", home, environment(base, home),
                        AGENT_MAIN, List.of("agent", "--config", file.toString(), "--machine", machine.name(),
                                "--no-mdns"), logs.resolve("agent-" + machine.name() + ".log")));
            }
        }
        try {
            started.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof UncheckedIOException io ? io.getCause() : new IOException(cause.getMessage(), cause);
        }
        for (Map.Entry<String, ChildJvm> agent : agents.entrySet()) {
            agent.getValue().awaitListening(fleet.listeners().get(agent.getKey() + " agent"), AGENT_START,
                    () -> stopping);
        }
        say("started " + services.names().size() + " services (" + String.join(", ", services.names()) + ") and "
                + agents.size() + " agents");
    }

    /** The controller in this JVM, on 127.0.0.1, with the controller machine's home as its HOME. */
    private void startController(Path file, Map<String, String> base, String adminToken) throws IOException {
        FleetConfig config = fleet.config();
        Path home = homes.get(config.controller().machine());
        Path dataDir = Files.createDirectories(Paths.expandHome(config.controller().dataDir(), home));
        controllerSocket = dataDir.resolve("controller.sock");
        daemon = ControllerDaemon.start(new ControllerDaemon.Options(file, config, environment(base, home), home,
                controllerSocket, Paths.expandHome(config.controller().database(), home),
                Binds.LOOPBACK, config.controller().port(), new Tokens(adminToken, null), RELOAD_QUIET,
                Clock.systemUTC(), null));
        daemon.events().subscribe("demo narrator", narrator::onEvent);
        narrator.replay(daemon.store());
    }

    /**
     * A new admin token for the controller, written where the demo fleet's controller.tokens.admin says when that is
     * a file: the controller reads it there, the standby's agent sends it with its failover events. On 127.0.0.1
     * nobody needs it; it is what `fleet login-link` signs a browser in with.
     */
    private String writeAdminToken() throws IOException {
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        String adminToken = HexFormat.of().formatHex(random);
        var tokens = fleet.config().controller().tokens();
        writeSecret(tokens == null ? null : tokens.admin(), adminToken);
        return adminToken;
    }

    /** The stand-in Telegram's bot token, where alerts.telegram.bot_token says when that is a file. */
    private void writeBotToken() throws IOException {
        var alerts = fleet.config().alerts();
        writeSecret(alerts == null || alerts.telegram() == null ? null : alerts.telegram().botToken(),
                telegram.token());
    }

    /** {@code value} in every machine's home, at the file {@code reference} names (mode 0600); nothing otherwise. */
    private void writeSecret(Secret reference, String value) throws IOException {
        String text = reference == null ? "" : reference.toString();
        if (!text.startsWith("file:")) {
            return;
        }
        for (Path home : homes.values()) {
            Path file = Paths.expandHome(text.substring("file:".length()), home);
            Files.createDirectories(file.getParent());
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, value + "\n");
        }
    }

    private void unlessStopping() throws InterruptedException {
        if (stopping) {
            throw new InterruptedException("the demo was stopped while it started");
        }
    }

    private static Map<String, String> environment(Map<String, String> base, Path home) {
        Map<String, String> environment = new LinkedHashMap<>(base);
        environment.put("HOME", home.toString());
        return environment;
    }

    /** A line of the demo's own in the terminal, timed like the events. */
    public void say(String line) {
        narrator.say(java.time.Instant.now(), line);
    }

    public String url() {
        return daemon.url();
    }

    public ControllerDaemon daemon() {
        return daemon;
    }

    /** The controller's control socket, what {@code fleet status} and {@code fleet login-link} ask. */
    public Path controllerSocket() {
        return controllerSocket;
    }

    public Path directory() {
        return directory;
    }

    public FleetConfig config() {
        return fleet.config();
    }

    /** Every port the demo listens on, by what listens there. */
    public Map<String, Integer> listeners() {
        return fleet.listeners();
    }

    /** The HOME of a machine of the demo fleet. */
    public Optional<Path> home(String machine) {
        return Optional.ofNullable(homes.get(machine));
    }

    DemoServices services() {
        return services;
    }

    /**
     * Stops the agents first (so no watchdog restarts anything meanwhile), then the controller, then every service,
     * then anything this JVM started that still runs; deletes the directory unless kept.
     */
    @Override
    public void close() {
        stopping = true;
        closeNow();
    }

    private synchronized void closeNow() {
        if (closed) {
            return;
        }
        closed = true;
        narrator.silence();
        agents.values().stream().map(agent -> CompletableFuture.runAsync(agent::close)).toList()
                .forEach(CompletableFuture::join);
        if (daemon != null) {
            daemon.close();
        }
        if (telegram != null) {
            telegram.close();
        }
        List<String> problems = new ArrayList<>();
        if (services != null) {
            try {
                problems.addAll(services.stopAll());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                problems.add("interrupted while stopping the services");
            }
        }
        ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
        problems.forEach(p -> say("could not stop everything: " + p));
        if (fleet != null) {
            List<String> busy = fleet.listeners().entrySet().stream()
                    .filter(e -> ChildJvm.listening(e.getValue())).map(e -> e.getKey() + " (" + e.getValue() + ")")
                    .toList();
            if (!busy.isEmpty()) {
                say("still listening after the stop: " + String.join(", ", busy));
            }
        }
        if (settings.keep()) {
            say("kept " + directory + ": fleet.yaml, a home per machine (the history is in "
                    + (fleet == null ? "the controller machine's" : fleet.config().controller().machine())
                    + "/.homefleet), logs/");
        } else {
            deleteTree(directory);
        }
    }

    private static void deleteTree(Path root) {
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            log.warn("could not delete the demo's directory {}: {}; delete it by hand", root, e.getMessage());
        }
    }
}
