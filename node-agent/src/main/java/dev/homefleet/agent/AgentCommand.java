package dev.homefleet.agent;

import dev.homefleet.agent.api.AgentApi;
import dev.homefleet.agent.failover.FailoverAlerts;
import dev.homefleet.agent.failover.Failovers;
import dev.homefleet.agent.failover.TelegramFailoverAlerts;
import dev.homefleet.agent.service.Managers;
import dev.homefleet.agent.service.ServiceManagers;
import dev.homefleet.core.config.FleetConfig;
import dev.homefleet.core.config.TokensSpec;
import dev.homefleet.core.exec.CommandRunner;
import dev.homefleet.core.exec.LocalCommandRunner;
import dev.homefleet.agent.http.AgentServer;
import dev.homefleet.core.config.AgentSpec;
import dev.homefleet.core.config.Binds;
import dev.homefleet.core.config.MachineSpec;
import dev.homefleet.agent.discovery.AgentAdvertiser;
import dev.homefleet.core.control.ControlServer;
import java.io.IOException;
import java.net.InetAddress;
import java.io.PrintWriter;
import java.net.BindException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code agent}: runs the node agent for this machine until SIGTERM or SIGINT. Reads the machine's {@code agent:}
 * block (port, bind, token) from fleet.yaml; refuses to listen beyond loopback without a token value.
 */
@Command(name = "agent", mixinStandardHelpOptions = true, versionProvider = AgentMain.Version.class,
        description = "Run the node agent: this machine's metrics, listening ports and services as a JSON API, and the "
                + "failover watchdog of every failover whose standby this machine is.",
        footer = {"", "Exit codes: 0 stopped by a signal, 1 invalid fleet file or cannot listen, 2 bad usage, no "
                + "fleet file or machine, or no token for a bind beyond loopback."})
public final class AgentCommand implements Callable<Integer> {

    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_REFUSED = 2;

    private static final Logger LOG = LoggerFactory.getLogger(AgentCommand.class);

    /** What the command does once its server listens; production waits for a signal, tests check and stop. */
    @FunctionalInterface
    interface Lifetime {
        void run(AgentServer server) throws InterruptedException;
    }

    private final Map<String, String> environment;
    private final Path home;
    private final AgentMain.Host host;
    private final Lifetime lifetime;

    @Spec
    CommandSpec spec;

    @Mixin
    MachineOptions options = new MachineOptions();

    @Option(names = {"-b", "--bind"}, paramLabel = "ADDR",
            description = "Listen here instead of the machine's agent.bind: an address, or loopback, lan, tailscale, "
                    + "all.")
    String bind;

    @Option(names = "--socket", paramLabel = "PATH",
            description = "The local control socket (default ~/.homefleet/agent.sock): `fleet node` asks it, no token needed.")
    Path socket;

    @Option(names = "--no-mdns", description = "Do not advertise the agent as _homefleet._tcp.local.")
    boolean noMdns;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Where the agent keeps its state (default ~/.homefleet): failover/NAME.json per failover this "
                    + "machine is the standby of.")
    Path dataDir;

    @Option(names = {"-p", "--port"}, paramLabel = "N",
            description = "Listen on this port instead of the machine's agent.port (default 8421); 0 picks a free one.")
    Integer port;

    /**
     * @param environment where ${NAME} references (the token) are read, System.getenv() in production
     * @param home        the home directory: ~/.homefleet/fleet.yaml and ~/ in file: references
     */
    public AgentCommand(Map<String, String> environment, Path home) {
        this(environment, home, new AgentMain.LocalHost(), AgentCommand::untilSignalled);
    }

    AgentCommand(Map<String, String> environment, Path home, AgentMain.Host host, Lifetime lifetime) {
        this.environment = Map.copyOf(environment);
        this.home = home;
        this.host = host;
        this.lifetime = lifetime;
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        String prefix = spec.root().name() + ": ";
        MachineOptions.Found found;
        try {
            found = options.find(environment, home, host, prefix);
        } catch (MachineOptions.Refused refused) {
            err.println(refused.getMessage());
            return refused.exitCode;
        }
        MachineSpec machine = found.machine();
        AgentSpec agent = machine.agent() != null ? machine.agent() : new AgentSpec(null, null, null);
        String where = "machines." + machine.name() + ".agent";

        String bindWord = bind != null ? bind : agent.bind();
        Optional<String> resolved = Binds.resolve(bindWord, machine.addresses());
        if (resolved.isEmpty()) {
            err.println(prefix + "cannot listen on '" + bindWord + "': " + machine.name() + " has no such address in "
                    + found.file() + "; add it under machines." + machine.name() + ".addresses or pass --bind ADDR");
            return EXIT_REFUSED;
        }
        String address = resolved.get();
        if (address.equals(Binds.NONE) || !Binds.isAddressLiteral(address)) {
            err.println(prefix + "cannot listen on '" + bindWord + "': use an IP address or one of loopback, lan, "
                    + "tailscale, all");
            return EXIT_REFUSED;
        }
        int listenPort = port != null ? port : agent.port();
        if (listenPort < 0 || listenPort > 65535) {
            err.println(prefix + listenPort + " is not a port; use a number from 1 to 65535, or 0 for any free one");
            return EXIT_REFUSED;
        }

        Optional<String> token;
        try {
            token = agent.token() == null ? Optional.empty() : agent.token().resolve(environment, home);
        } catch (IOException e) {
            err.println(prefix + "cannot read the agent token " + agent.token() + ": " + e.getMessage());
            return EXIT_REFUSED;
        }
        if (token.isEmpty() && !Binds.isLoopback(address)) {
            String fix = agent.token() == null
                    ? "add " + where + ".token to " + found.file() + " as a ${ENV} reference and set it"
                    : "set " + agent.token() + " (" + where + ".token)";
            err.println(prefix + "refusing to listen on " + address + ":" + listenPort + ", beyond loopback, without "
                    + "a token: " + fix + ", or pass --bind loopback");
            return EXIT_REFUSED;
        }

        ServiceManagers managers = Managers.standard();
        CommandRunner local = LocalCommandRunner.builder().build();
        Path data = dataDir != null ? dataDir : home.resolve(".homefleet");
        // The standby tells Telegram itself: the controller is usually on the machine that just failed.
        java.util.concurrent.atomic.AtomicReference<Failovers> built = new java.util.concurrent.atomic.AtomicReference<>();
        Optional<TelegramFailoverAlerts> telegram = found.fleet().failover().values().stream()
                .noneMatch(f -> f.standby().machine().equals(machine.name()))
                ? Optional.empty()
                : TelegramFailoverAlerts.open(found.fleet(), environment, home, data,
                        () -> built.get() == null ? java.util.List.of() : built.get().statuses());
        FailoverAlerts logged = FailoverAlerts.log();
        Failovers failovers = Failovers.forMachine(found.fleet(), machine)
                .stateDirectory(data.resolve("failover"))
                .managers(managers)
                .runner(local)
                .alerts(event -> {
                    logged.transition(event);
                    telegram.ifPresent(t -> t.transition(event));
                })
                .controllerToken(controllerToken(found.fleet()))
                .build();
        built.set(failovers);
        AgentApi api = AgentApi.onThisHost(machine, managers, local, failovers);
        Path socketPath = socket != null ? socket : home.resolve(".homefleet").resolve("agent.sock");
        ControlServer control = AgentControl.server(socketPath, api);
        try {
            control.start();
        } catch (ControlServer.AlreadyRunningException e) {
            api.close();
            telegram.ifPresent(TelegramFailoverAlerts::close);
            err.println(prefix + "an agent is already running on this machine (" + e.getMessage() + ")");
            return EXIT_REFUSED;
        } catch (IOException e) {
            api.close();
            telegram.ifPresent(TelegramFailoverAlerts::close);
            err.println(prefix + "cannot open the control socket " + socketPath + ": " + e.getMessage());
            return EXIT_FAILED;
        }
        AgentServer server;
        try {
            server = new AgentServer(api, address, listenPort, token.orElse(null)).start();
        } catch (BindException e) {
            control.close();
            api.close();
            telegram.ifPresent(TelegramFailoverAlerts::close);
            err.println(prefix + e.getMessage());
            return EXIT_FAILED;
        }
        LOG.info("homefleet agent for {} listening on {} ({}), local control on {}", machine.name(), server.url(),
                server.requiresToken() ? "token required" : "no token: this machine only", socketPath);
        failovers.start();
        if (!failovers.names().isEmpty()) {
            LOG.info("standby of failover {}; state in {}, events to {}", String.join(", ", failovers.names()),
                    data.resolve("failover"), failovers.controllerEndpoint().map(Object::toString)
                            .orElse("nowhere (the controller is not reachable from here)"));
        }
        AgentAdvertiser advertiser = noMdns ? null : advertise(machine, address, server.port());
        Runnable closeRest = () -> {
            control.close();
            api.close();
            telegram.ifPresent(TelegramFailoverAlerts::close);
            if (advertiser != null) {
                try {
                    advertiser.close();
                } catch (IOException e) {
                    LOG.debug("mDNS goodbye failed: {}", e.getMessage());
                }
            }
        };
        Runtime.getRuntime().addShutdownHook(new Thread(closeRest, "homefleet-agent-control-stop"));
        try {
            lifetime.run(server);
        } finally {
            closeRest.run();
        }
        return EXIT_OK;
    }

    /** The controller's admin token, for posting failover events, when this machine's environment has it. */
    private String controllerToken(FleetConfig fleet) {
        TokensSpec tokens = fleet.controller().tokens();
        if (tokens == null || tokens.admin() == null) {
            return null;
        }
        try {
            return tokens.admin().resolve(environment, home).orElse(null);
        } catch (IOException e) {
            LOG.warn("cannot read the controller's admin token {} ({}); failover events are sent without it",
                    tokens.admin(), e.getMessage());
            return null;
        }
    }

    /**
     * Announces the agent on the network it serves. An agent on loopback serves nobody else, so it is not
     * announced; one on every address is announced on the machine's LAN address.
     */
    private static AgentAdvertiser advertise(MachineSpec machine, String address, int port) {
        String on = Binds.isWildcard(address) ? machine.addresses().lan() : address;
        if (on == null || Binds.isLoopback(on)) {
            return null;
        }
        try {
            return AgentAdvertiser.start(InetAddress.getByName(on), machine.name(), port, AgentApi.version());
        } catch (IOException e) {
            LOG.warn("not advertising the agent over mDNS on {}: {}", on, e.getMessage());
            return null;
        }
    }

    /** Serves until the JVM is told to stop (SIGTERM, SIGINT), then stops the server within a few seconds. */
    static void untilSignalled(AgentServer server) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("homefleet agent stopping");
            server.close();
            stopped.countDown();
        }, "homefleet-agent-stop"));
        stopped.await();
    }
}
