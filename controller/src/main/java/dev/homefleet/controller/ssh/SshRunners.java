package dev.homefleet.controller.ssh;

import dev.homefleet.core.config.MachineSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.sshd.client.SshClient;

/**
 * The SSH runners of a fleet, one per machine, all on one shared client. A machine's runner lives as long as its
 * target stays the same; when fleet.yaml or ~/.ssh/config changes where or how it is reached, the old runner is
 * closed and a new one takes its place.
 */
public final class SshRunners implements AutoCloseable {

    private final SshClient client;
    private final boolean ownsClient;
    private final Path home;
    private final String localUser;
    private final Map<String, SshCommandRunner> runners = new HashMap<>();

    /**
     * Runners on a client shared with others: {@link #close} leaves it running, its owner stops it.
     *
     * @param client    a started client
     * @param home      where ~/.ssh (config, known_hosts, default keys) is
     * @param localUser the user name when neither fleet.yaml nor ~/.ssh/config names one
     */
    public SshRunners(SshClient client, Path home, String localUser) {
        this(client, false, home, localUser);
    }

    private SshRunners(SshClient client, boolean ownsClient, Path home, String localUser) {
        this.client = client;
        this.ownsClient = ownsClient;
        this.home = home;
        this.localUser = localUser;
    }

    /** Runners on a client of their own ({@link SshClients#create}), stopped by {@link #close}. */
    public static SshRunners create(Path home, String localUser) {
        return new SshRunners(SshClients.create(), true, home, localUser);
    }

    /**
     * The runner of {@code machine}; quick (no network), so callers may ask for it before every command.
     *
     * @throws IllegalArgumentException when the machine has no reach.ssh
     * @throws IOException              when ~/.ssh/config cannot be read
     */
    public synchronized SshCommandRunner forMachine(MachineSpec machine) throws IOException {
        SshTarget target = SshTarget.resolve(machine, home, localUser);
        SshCommandRunner runner = runners.get(machine.name());
        if (runner != null && runner.target().equals(target)) {
            return runner;
        }
        if (runner != null) {
            runner.close();
        }
        runner = new SshCommandRunner(client, target);
        runners.put(machine.name(), runner);
        return runner;
    }

    /** Closes the runner of a machine that left the fleet. */
    public synchronized void forget(String machine) {
        SshCommandRunner runner = runners.remove(machine);
        if (runner != null) {
            runner.close();
        }
    }

    /** Closes every runner's session, and stops the client when it is this object's own. */
    @Override
    public synchronized void close() {
        runners.values().forEach(SshCommandRunner::close);
        runners.clear();
        if (ownsClient) {
            client.stop();
        }
    }
}
