package dev.homefleet.agent;

import dev.homefleet.core.config.FleetConfigLoader;
import dev.homefleet.core.config.LoadResult;
import dev.homefleet.core.config.MachineIdentity;
import dev.homefleet.core.config.MachineSpec;
import dev.homefleet.core.config.Problem;
import dev.homefleet.core.config.ServiceSpec;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The node agent's command line, shipped as its own jar for worker machines. {@code identify} tells which machine
 * of fleet.yaml this is and what it is expected to run, the first thing the agent daemon needs to know.
 */
@Command(name = "homefleet-agent", mixinStandardHelpOptions = true,
        description = "The homefleet node agent for worker machines.",
        subcommands = AgentMain.Identify.class)
public final class AgentMain implements Runnable {

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine(System.getenv(), Path.of(System.getProperty("user.home")), new LocalHost()).execute(args));
    }

    static CommandLine commandLine(Map<String, String> environment, Path home, Host host) {
        return new CommandLine(new AgentMain(), new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                if (cls == Identify.class) {
                    return cls.cast(new Identify(environment, home, host));
                }
                return CommandLine.defaultFactory().create(cls);
            }
        });
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a command, e.g. homefleet-agent identify");
    }

    /** The host name and addresses of the machine we run on; a seam so tests can be any machine. */
    interface Host {
        String hostname();

        Set<String> addresses();
    }

    static final class LocalHost implements Host {
        @Override
        public String hostname() {
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                return "";
            }
        }

        @Override
        public Set<String> addresses() {
            try {
                return Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                        .flatMap(NetworkInterface::inetAddresses)
                        .map(InetAddress::getHostAddress)
                        .map(a -> a.replaceAll("%.*$", ""))
                        .collect(Collectors.toSet());
            } catch (SocketException e) {
                return Set.of();
            }
        }
    }

    @Command(name = "identify", mixinStandardHelpOptions = true,
            description = "Print which machine of the fleet file this is, and the services it should run.")
    static final class Identify implements Callable<Integer> {
        private final Map<String, String> environment;
        private final Path home;
        private final Host host;

        @Spec
        CommandSpec spec;

        @Option(names = {"-c", "--config"}, paramLabel = "FILE",
                description = "The fleet file. Default: $HOMEFLEET_CONFIG, else ~/.homefleet/fleet.yaml.")
        Path config;

        @Option(names = {"-m", "--machine"}, paramLabel = "MACHINE",
                description = "The machine's name in the fleet file. Default: found by host name or address.")
        String machine;

        Identify(Map<String, String> environment, Path home, Host host) {
            this.environment = environment;
            this.home = home;
            this.host = host;
        }

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Path file = config != null ? config
                    : !environment.getOrDefault("HOMEFLEET_CONFIG", "").isBlank()
                            ? Path.of(environment.get("HOMEFLEET_CONFIG"))
                    : home.resolve(".homefleet/fleet.yaml");
            if (!Files.isRegularFile(file)) {
                err.println("homefleet-agent: no fleet file at " + file + "; copy the controller's fleet.yaml there "
                        + "or pass --config FILE");
                return 2;
            }
            LoadResult result = new FleetConfigLoader(environment).load(file);
            if (!result.ok()) {
                result.errors().stream().map(Problem::format).forEach(err::println);
                return 1;
            }
            var fleet = result.config();
            List<MachineSpec> found = machine != null
                    ? fleet.machine(machine).map(List::of).orElse(List.of())
                    : MachineIdentity.match(fleet, host.hostname(), host.addresses());
            if (found.size() != 1) {
                err.println("homefleet-agent: " + (machine != null ? "no machine named '" + machine + "' in " + file
                        : found.isEmpty() ? "host '" + host.hostname() + "' matches no machine of " + file
                                : "host '" + host.hostname() + "' matches several machines: "
                                        + found.stream().map(MachineSpec::name).toList())
                        + "; pass --machine NAME");
                return 2;
            }
            MachineSpec me = found.get(0);
            out.println(me.name() + ": " + me.description());
            for (ServiceSpec service : me.services().values()) {
                out.println("  " + service.name() + " (" + service.manager().type().name().toLowerCase()
                        + (service.port() == null ? "" : ", port " + service.port()) + ")");
            }
            return 0;
        }
    }
}
