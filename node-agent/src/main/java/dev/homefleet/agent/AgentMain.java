package dev.homefleet.agent;

import dev.homefleet.agent.api.AgentApi;
import dev.homefleet.core.config.MachineSpec;
import dev.homefleet.core.config.ServiceSpec;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The node agent's command line, shipped as its own jar for worker machines. {@code identify} tells which machine
 * of fleet.yaml this is and what it is expected to run; {@code agent} runs the agent daemon for it.
 */
@Command(name = "homefleet-agent", mixinStandardHelpOptions = true,
        description = "The homefleet node agent for worker machines.",
        versionProvider = AgentMain.Version.class,
        subcommands = {AgentMain.Identify.class, AgentCommand.class})
public final class AgentMain implements Runnable {

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine(System.getenv(), Path.of(System.getProperty("user.home")), new LocalHost(),
                AgentCommand::untilSignalled).execute(args));
    }

    /** @param lifetime what {@code agent} does once its server listens: wait for a signal, or a test's checks */
    static CommandLine commandLine(Map<String, String> environment, Path home, Host host,
            AgentCommand.Lifetime lifetime) {
        return new CommandLine(new AgentMain(), new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                if (cls == Identify.class) {
                    return cls.cast(new Identify(environment, home, host));
                }
                if (cls == AgentCommand.class) {
                    return cls.cast(new AgentCommand(environment, home, host, lifetime));
                }
                return CommandLine.defaultFactory().create(cls);
            }
        });
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "name a command, e.g. homefleet-agent identify or homefleet-agent agent");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"homefleet-agent " + AgentApi.version()};
        }
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

        @Mixin
        MachineOptions options = new MachineOptions();

        Identify(Map<String, String> environment, Path home, Host host) {
            this.environment = environment;
            this.home = home;
            this.host = host;
        }

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            MachineSpec me;
            try {
                me = options.find(environment, home, host, spec.root().name() + ": ").machine();
            } catch (MachineOptions.Refused refused) {
                spec.commandLine().getErr().println(refused.getMessage());
                return refused.exitCode;
            }
            out.println(me.name() + ": " + me.description());
            for (ServiceSpec service : me.services().values()) {
                out.println("  " + service.name() + " (" + service.manager().type().name().toLowerCase()
                        + (service.port() == null ? "" : ", port " + service.port()) + ")");
            }
            return 0;
        }
    }
}
