package dev.homefleet.controller.reach;

import dev.homefleet.controller.agent.AgentCallException;
import dev.homefleet.controller.agent.AgentClient;
import dev.homefleet.controller.ssh.SshRunners;
import dev.homefleet.core.config.AgentSpec;
import dev.homefleet.core.config.Binds;
import dev.homefleet.core.config.FleetConfig;
import dev.homefleet.core.config.MachineSpec;
import dev.homefleet.core.config.MachineSpec.Os;
import dev.homefleet.core.config.ReachSpec.Via;
import dev.homefleet.core.config.SshSpec;
import dev.homefleet.core.exec.CommandResult;
import dev.homefleet.core.exec.CommandRunner;
import dev.homefleet.core.metrics.ListeningSocket;
import dev.homefleet.core.metrics.MachineMetrics;
import dev.homefleet.core.metrics.sweep.ListenerSweep;
import dev.homefleet.core.metrics.sweep.MetricsSweep;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import okhttp3.OkHttpClient;

/**
 * How the controller reaches each machine of the fleet, decided by fleet.yaml: the machine's agent first when it
 * has one, SSH (or, for the controller's own machine, a local process) as the fallback. Every answer says which
 * path gave it.
 */
public final class FleetReach implements AutoCloseable {

    static final Duration SWEEP_TIMEOUT = Duration.ofSeconds(30);

    private final FleetConfig config;
    private final Map<String, String> environment;
    private final Path home;
    private final CommandRunner local;
    private final Supplier<SshRunners> sshRunners;
    private final OkHttpClient http;
    private SshRunners ssh;

    /**
     * @param sshRunners made on first use, so commands that stay local never start an SSH client; closed by this
     * @param http       the one shared OkHttpClient for agents
     */
    public FleetReach(FleetConfig config, Map<String, String> environment, Path home, CommandRunner local,
            Supplier<SshRunners> sshRunners, OkHttpClient http) {
        this.config = config;
        this.environment = Map.copyOf(environment);
        this.home = home;
        this.local = local;
        this.sshRunners = sshRunners;
        this.http = http;
    }

    /**
     * The runner for {@code machine}'s commands: a local process on the controller's machine, SSH elsewhere.
     *
     * @throws IOException naming why the machine cannot run commands (no ssh, a phone, an unknown name)
     */
    public CommandRunner commands(String machineName) throws IOException {
        MachineSpec machine = machine(machineName);
        return switch (machine.reach().via()) {
            case LOCAL -> local;
            case SSH -> sshRunners().forMachine(machine);
            case AGENT -> throw new IOException(machineName + " is reached only through its agent, which runs no "
                    + "arbitrary commands; to run commands there, set reach.via: ssh with a reach.ssh block in "
                    + "fleet.yaml");
            case NONE -> throw notReached(machine);
        };
    }

    /** The machine's metrics from its agent, else from one command sweep over SSH or locally. */
    public Reached<MachineMetrics> metrics(String machineName) throws IOException {
        return fromAgentElseSweep(machineName, AgentClient::metrics, "metrics", MetricsSweep::argv,
                (os, output) -> MetricsSweep.parse(os, output, Instant.now()));
    }

    /** The machine's listening TCP sockets from its agent, else from one command sweep. */
    public Reached<List<ListeningSocket>> listeners(String machineName) throws IOException {
        return fromAgentElseSweep(machineName, AgentClient::ports, "listener", ListenerSweep::argv,
                ListenerSweep::parse);
    }

    /**
     * A client for the machine's agent, when fleet.yaml gives it one whose token (if any) is set and private;
     * {@code fleet validate} reports a token that is not.
     */
    public Optional<AgentClient> agent(MachineSpec machine) {
        return agent(machine, new ArrayList<>());
    }

    private <T> Reached<T> fromAgentElseSweep(String machineName, AgentCall<T> call, String what,
            Function<Os, List<String>> argv, BiFunction<Os, String, T> parse) throws IOException {
        MachineSpec machine = machine(machineName);
        if (machine.reach().via() == Via.NONE) {
            throw notReached(machine);
        }
        List<String> fallbacks = new ArrayList<>();
        Optional<AgentClient> agent = agent(machine, fallbacks);
        if (agent.isPresent()) {
            try {
                return new Reached<>(call.on(agent.get()), "agent " + agentUrl(machine).orElseThrow(), fallbacks);
            } catch (AgentCallException e) {
                fallbacks.add(e.getMessage());
            }
        }
        CommandRunner runner = commandsOrExplain(machine, fallbacks);
        List<String> command;
        try {
            command = argv.apply(machine.os());
        } catch (IllegalArgumentException e) {
            fallbacks.add(0, e.getMessage());
            throw new IOException(machineName + " cannot be swept: " + String.join("; ", fallbacks), e);
        }
        CommandResult result = sweep(runner, command, machine);
        try {
            return new Reached<>(parse.apply(machine.os(), result.stdout()), runner.describe(), fallbacks);
        } catch (IllegalArgumentException e) {
            throw new IOException("the " + what + " sweep on " + machineName + " printed what homefleet cannot "
                    + "read: " + e.getMessage(), e);
        }
    }

    /**
     * The machine's agent client; when it has an agent that cannot be asked (its token is not set, or is in a file
     * others may read), empty, with the reason added to {@code fallbacks}.
     */
    private Optional<AgentClient> agent(MachineSpec machine, List<String> fallbacks) {
        AgentSpec spec = machine.agent();
        Optional<String> url = agentUrl(machine);
        if (spec == null || url.isEmpty()) {
            return Optional.empty();
        }
        String token = null;
        if (spec.token() != null) {
            String where = " (machines." + machine.name() + ".agent.token)";
            try {
                token = spec.token().resolve(environment, home).orElse(null);
            } catch (IOException e) {
                fallbacks.add(machine.name() + "'s agent token " + spec.token() + " cannot be used" + where + ": "
                        + e.getMessage());
                return Optional.empty();
            }
            if (token == null) {
                fallbacks.add(machine.name() + "'s agent token " + spec.token() + " is not set in this environment"
                        + where);
                return Optional.empty();
            }
        }
        return Optional.of(new AgentClient(http, url.get(), token));
    }

    /**
     * Where the controller finds a machine's agent: its bind address, or for an agent on every address the
     * machine's LAN address, else its Tailscale address, else its mDNS name.
     */
    public static Optional<String> agentUrl(MachineSpec machine) {
        AgentSpec spec = machine.agent();
        if (spec == null) {
            return Optional.empty();
        }
        String bind = Binds.resolve(spec.bind(), machine.addresses()).orElse(null);
        String host;
        if (bind == null || Binds.NONE.equals(bind)) {
            return Optional.empty();
        } else if (Binds.isWildcard(bind)) {
            var a = machine.addresses();
            host = a.lan() != null ? a.lan() : a.tailscale() != null ? a.tailscale() : a.mdns();
            if (host == null) {
                return Optional.empty();
            }
        } else {
            host = bind;
        }
        return Optional.of("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + spec.port());
    }

    private CommandRunner commandsOrExplain(MachineSpec machine, List<String> fallbacks) throws IOException {
        if (machine.reach().via() == Via.LOCAL || machine.reach().via() == Via.SSH) {
            return commands(machine.name());
        }
        throw new IOException(machine.name() + " cannot be reached: "
                + (fallbacks.isEmpty() ? "it has no agent and no ssh in fleet.yaml" : String.join("; ", fallbacks)));
    }

    private CommandResult sweep(CommandRunner runner, List<String> argv, MachineSpec machine) throws IOException {
        SshSpec ssh = machine.reach().ssh();
        Duration timeout = ssh != null && ssh.commandTimeout().compareTo(SWEEP_TIMEOUT) < 0
                ? ssh.commandTimeout() : SWEEP_TIMEOUT;
        CommandResult result = runner.run(argv, timeout);
        if (result.timedOut()) {
            throw new IOException("the sweep on " + machine.name() + " (" + runner.describe() + ") did not finish in "
                    + timeout.toSeconds() + "s");
        }
        if (result.exitCode() != 0 && result.stdout().isBlank()) {
            throw new IOException("the sweep on " + machine.name() + " (" + runner.describe() + ") failed with exit "
                    + result.exitCode() + ": " + result.stderr().strip());
        }
        return result;
    }

    private static IOException notReached(MachineSpec machine) {
        return new IOException(machine.name() + " is not reached by homefleet (reach.via: none)");
    }

    private MachineSpec machine(String name) throws IOException {
        MachineSpec machine = config.machines().get(name);
        if (machine == null) {
            throw new IOException("no machine named '" + name + "'"
                    + dev.homefleet.core.config.Suggest.hint(name, config.machines().keySet()));
        }
        return machine;
    }

    private synchronized SshRunners sshRunners() {
        if (ssh == null) {
            ssh = sshRunners.get();
        }
        return ssh;
    }

    @FunctionalInterface
    private interface AgentCall<T> {
        T on(AgentClient agent) throws IOException;
    }

    @Override
    public synchronized void close() {
        if (ssh != null) {
            ssh.close();
        }
    }
}
