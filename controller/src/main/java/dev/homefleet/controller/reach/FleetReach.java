package dev.homefleet.controller.reach;

import dev.homefleet.controller.agent.AgentCallException;
import dev.homefleet.controller.agent.AgentClient;
import dev.homefleet.controller.ssh.SshRunners;
import dev.homefleet.core.config.AgentSpec;
import dev.homefleet.core.config.Binds;
import dev.homefleet.core.config.FleetConfig;
import dev.homefleet.core.config.MachineSpec;
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
                    + "arbitrary commands; add reach.ssh to fleet.yaml to run commands there");
            case NONE -> throw new IOException(machineName + " is not reached by homefleet (reach.via: none)");
        };
    }

    /** The machine's metrics from its agent, else from one command sweep over SSH or locally. */
    public Reached<MachineMetrics> metrics(String machineName) throws IOException {
        MachineSpec machine = machine(machineName);
        List<String> fallbacks = new ArrayList<>();
        Optional<AgentClient> agent = agent(machine);
        if (agent.isPresent()) {
            try {
                return new Reached<>(agent.get().metrics(), "agent " + agentUrl(machine).orElseThrow(), fallbacks);
            } catch (AgentCallException e) {
                fallbacks.add(e.getMessage());
            }
        }
        CommandRunner runner = commandsOrExplain(machine, fallbacks);
        CommandResult result = sweep(runner, MetricsSweep.argv(machine.os()), machine);
        try {
            return new Reached<>(MetricsSweep.parse(machine.os(), result.stdout(), Instant.now()), runner.describe(),
                    fallbacks);
        } catch (IllegalArgumentException e) {
            throw new IOException("the metrics sweep on " + machineName + " printed what homefleet cannot read: "
                    + e.getMessage());
        }
    }

    /** The machine's listening TCP sockets from its agent, else from one command sweep. */
    public Reached<List<ListeningSocket>> listeners(String machineName) throws IOException {
        MachineSpec machine = machine(machineName);
        List<String> fallbacks = new ArrayList<>();
        Optional<AgentClient> agent = agent(machine);
        if (agent.isPresent()) {
            try {
                return new Reached<>(agent.get().ports(), "agent " + agentUrl(machine).orElseThrow(), fallbacks);
            } catch (AgentCallException e) {
                fallbacks.add(e.getMessage());
            }
        }
        CommandRunner runner = commandsOrExplain(machine, fallbacks);
        CommandResult result = sweep(runner, ListenerSweep.argv(machine.os()), machine);
        try {
            return new Reached<>(ListenerSweep.parse(machine.os(), result.stdout()), runner.describe(), fallbacks);
        } catch (IllegalArgumentException e) {
            throw new IOException("the listener sweep on " + machineName + " printed what homefleet cannot read: "
                    + e.getMessage());
        }
    }

    /** A client for the machine's agent, when fleet.yaml gives it one and its token (if any) is set. */
    public Optional<AgentClient> agent(MachineSpec machine) throws IOException {
        AgentSpec spec = machine.agent();
        Optional<String> url = agentUrl(machine);
        if (spec == null || url.isEmpty()) {
            return Optional.empty();
        }
        String token = spec.token() == null ? null : spec.token().resolve(environment, home).orElse(null);
        if (spec.token() != null && token == null) {
            return Optional.empty(); // validate already warns that the token is not set
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

    @Override
    public synchronized void close() {
        if (ssh != null) {
            ssh.close();
        }
    }
}
