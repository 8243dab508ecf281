package dev.homefleet.controller.cli;

import dev.homefleet.controller.daemon.ControllerDaemon;
import dev.homefleet.controller.web.Tokens;
import dev.homefleet.core.config.Binds;
import dev.homefleet.core.config.ControllerSpec;
import dev.homefleet.core.config.Durations;
import dev.homefleet.core.config.FleetConfig;
import dev.homefleet.core.config.LoadResult;
import dev.homefleet.core.config.MachineSpec;
import dev.homefleet.core.config.Paths;
import dev.homefleet.core.config.Secret;
import dev.homefleet.core.control.ControlServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fleet controller}: runs the controller until SIGTERM (launchd's stop) or SIGINT. */
@Command(name = "controller", mixinStandardHelpOptions = true,
        description = {"Run the controller: the checks, heartbeat, healer and cleaner jobs, check-ins, the history in "
                + "SQLite, live reload of fleet.yaml, the local socket for `fleet status` and the HTTP server.",
                "Runs until SIGTERM or SIGINT, then finishes or abandons running jobs within 10 s."},
        footer = {"", "Exit codes: 143 once stopped by SIGTERM and 130 by SIGINT (the JVM's codes for those signals), "
                + "1 invalid fleet file or cannot listen, 2 bad usage or a bind beyond loopback without tokens."})
final class ControllerCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(ControllerCommand.class);
    private final CliContext context;
    private final Map<String, String> environment;
    private final Path workingDirectory;
    private final Path home;

    @Spec
    CommandSpec spec;

    @picocli.CommandLine.Mixin
    ConfigOptions options = new ConfigOptions();

    @Option(names = {"-b", "--bind"}, paramLabel = "ADDR",
            description = "Listen here instead of controller.bind: an address, or loopback, lan, tailscale, all.")
    String bind;

    @Option(names = {"-p", "--port"}, paramLabel = "N", description = "Listen on this port instead of controller.port; 0 picks a free one.")
    Integer port;

    @Option(names = "--socket", paramLabel = "PATH", description = "The control socket (default DATA_DIR/controller.sock).")
    Path socket;

    @Option(names = "--reload-quiet", paramLabel = "DURATION", defaultValue = "500ms",
            description = "How long fleet.yaml must be unchanged before an edit is applied (default ${DEFAULT-VALUE}).")
    String reloadQuiet;

    ControllerCommand(CliContext context) {
        this.context = context;
        this.environment = context.environment();
        this.workingDirectory = context.workingDirectory();
        this.home = context.home();
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        Path file = options.locate(context).toAbsolutePath().normalize();
        LoadResult result = ConfigOptions.load(context, file);
        if (!result.ok()) {
            return Output.refuse(err, result, "; the controller starts only with a valid fleet file");
        }
        FleetConfig fleet = result.config();
        ControllerSpec controller = fleet.controller();
        MachineSpec machine = fleet.machines().get(controller.machine());
        String bindWord = bind != null ? bind : controller.bind();
        Optional<String> host = Binds.resolve(bindWord, machine.addresses());
        if (host.isEmpty() || host.get().equals(Binds.NONE) || !Binds.isAddressLiteral(host.get())) {
            err.println("fleet: cannot listen on '" + bindWord + "': " + machine.name() + " has no such address; add it"
                    + " under machines." + machine.name() + ".addresses, or pass --bind ADDR");
            return 2;
        }
        String admin;
        String viewer;
        try {
            admin = secret(controller.tokens() == null ? null : controller.tokens().admin());
            viewer = secret(controller.tokens() == null ? null : controller.tokens().viewer());
        } catch (IOException e) {
            err.println("fleet: cannot read the controller's tokens: " + e.getMessage());
            return 2;
        }
        if (admin == null && !Binds.isLoopback(host.get())) {
            err.println("fleet: refusing to listen on " + host.get() + ", beyond loopback, without an admin token: set "
                    + (controller.tokens() == null || controller.tokens().admin() == null
                            ? "controller.tokens.admin in " + file + " as a ${ENV} reference"
                            : controller.tokens().admin() + " (controller.tokens.admin)")
                    + ", or pass --bind loopback");
            return 2;
        }
        Duration quiet;
        try {
            quiet = Durations.parse(reloadQuiet);
        } catch (IllegalArgumentException e) {
            err.println("fleet: --reload-quiet: " + e.getMessage());
            return 2;
        }
        Path dataDir = Paths.expandHome(controller.dataDir(), home);
        Path database = Paths.expandHome(controller.database(), home);
        Path socketPath = socket != null ? workingDirectory.resolve(socket) : dataDir.resolve("controller.sock");
        String pm2 = environment.get(ApplyCommand.ENV_PM2);
        ControllerDaemon.Options options = new ControllerDaemon.Options(file, fleet, environment, home, socketPath,
                database, host.get(), port != null ? port : controller.port(), new Tokens(admin, viewer), quiet,
                Clock.systemUTC(), pm2 == null ? null : List.of(pm2));
        ControllerDaemon daemon;
        try {
            Files.createDirectories(dataDir);
            daemon = ControllerDaemon.start(options);
        } catch (ControlServer.AlreadyRunningException e) {
            err.println("fleet: a controller is already running on this machine (" + e.getMessage() + ")");
            return 1;
        } catch (BindException e) {
            err.println("fleet: " + e.getMessage());
            return 1;
        } catch (IOException | RuntimeException e) {
            err.println("fleet: the controller cannot start: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return 1;
        }
        String line = "homefleet controller for " + fleet.name() + ": " + daemon.url() + ", socket " + socketPath
                + ", history " + database;
        log.info(line);
        spec.commandLine().getOut().println(line);
        spec.commandLine().getOut().flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("homefleet controller stopping");
            daemon.close();
            stopped.countDown();
        }, "homefleet-controller-stop"));
        stopped.await();
        return 0;
    }

    private String secret(Secret secret) throws IOException {
        return secret == null ? null : secret.resolve(environment, home).orElse(null);
    }

}
