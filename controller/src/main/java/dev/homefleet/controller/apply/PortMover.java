package dev.homefleet.controller.apply;

import dev.homefleet.controller.apply.PortMove.Outcome;
import dev.homefleet.core.config.Binds;
import dev.homefleet.core.config.FleetConfig;
import dev.homefleet.core.config.MachineSpec;
import dev.homefleet.core.config.ServiceSpec;
import dev.homefleet.core.metrics.ListeningSocket;
import dev.homefleet.core.service.ServiceManager;
import dev.homefleet.core.service.ServiceState;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Makes running services follow the ports of fleet.yaml: for each service whose manager definition starts it with
 * another PORT, check the new port is free on its machine, rewrite the definition, restart, and verify that the new
 * port listens and the old one is free; on any failure put the old definition back and restart again.
 */
public final class PortMover {

    /** Where a machine's listening sockets come from (its agent, an SSH sweep, locally). */
    @FunctionalInterface
    public interface Listeners {
        List<ListeningSocket> of(String machine) throws IOException;
    }

    /** The manager of a service, or empty when its manager has no environment to carry a port (cron). */
    @FunctionalInterface
    public interface Managers {
        Optional<ServiceManager> of(MachineSpec machine, ServiceSpec service) throws IOException;
    }

    /** Told each step as it happens, so a command line can show progress. */
    public interface Progress {
        default void step(String machine, String service, String what) {}
    }

    static final String PORT = "PORT";

    private final FleetConfig config;
    private final Managers managers;
    private final Listeners listeners;
    private final Duration verifyWithin;
    private final Progress progress;

    public PortMover(FleetConfig config, Managers managers, Listeners listeners, Duration verifyWithin,
            Progress progress) {
        this.config = config;
        this.managers = managers;
        this.listeners = listeners;
        this.verifyWithin = verifyWithin;
        this.progress = progress;
    }

    /** Every service with a port whose manager can carry one, in fleet.yaml's order. */
    public List<PortMove> apply(boolean dryRun) {
        List<PortMove> moves = new ArrayList<>();
        for (MachineSpec machine : config.machines().values()) {
            for (ServiceSpec service : machine.services().values()) {
                if (service.port() == null || Binds.NONE.equals(service.bind())) {
                    continue;
                }
                moves.add(move(machine, service, dryRun));
            }
        }
        return moves;
    }

    private PortMove move(MachineSpec machine, ServiceSpec service, boolean dryRun) {
        int to = service.port();
        ServiceManager manager;
        Map<String, String> before;
        try {
            Optional<ServiceManager> found = managers.of(machine, service);
            if (found.isEmpty()) {
                return result(machine, service, -1, to, Outcome.UNCHANGED, "its manager keeps no environment");
            }
            manager = found.get();
            before = manager.environment();
        } catch (IOException e) {
            return result(machine, service, -1, to, Outcome.REFUSED, "cannot read its definition: " + e.getMessage());
        }
        int from = parsePort(before.get(PORT));
        if (from < 0) {
            // A program that takes its port from its own config (the gateway's clawdbot.json) must not be
            // restarted with a PORT it never reads.
            return result(machine, service, from, to, Outcome.UNCHANGED, "its definition sets no PORT, so its port "
                    + "is configured elsewhere; change it there");
        }
        if (from == to) {
            return result(machine, service, from, to, Outcome.UNCHANGED, "already on " + to);
        }
        progress.step(machine.name(), service.name(), "checking that port " + to + " is free on " + machine.name());
        Optional<String> taken;
        try {
            taken = takenBy(machine, service, to, from);
        } catch (IOException e) {
            return result(machine, service, from, to, Outcome.REFUSED, "cannot see the listeners of "
                    + machine.name() + ": " + e.getMessage());
        }
        if (taken.isPresent()) {
            return result(machine, service, from, to, Outcome.REFUSED, "port " + to + " is taken on "
                    + machine.name() + " by " + taken.get() + "; free it or pick another (fleet ports suggest)");
        }
        if (dryRun) {
            return result(machine, service, from, to, Outcome.PLANNED, "would set PORT=" + to + " and restart");
        }
        Map<String, String> after = new LinkedHashMap<>(before);
        after.put(PORT, String.valueOf(to));
        String failure;
        try {
            progress.step(machine.name(), service.name(), "setting PORT=" + to + " and restarting");
            manager.setEnvironment(after);
            manager.restart();
            progress.step(machine.name(), service.name(), "waiting for port " + to + " to listen");
            failure = verify(machine, manager, to, from).orElse(null);
        } catch (IOException e) {
            failure = e.getMessage();
        }
        if (failure == null) {
            return result(machine, service, from, to, Outcome.APPLIED, "listening on " + to
                    + (from > 0 ? ", " + from + " is free" : ""));
        }
        progress.step(machine.name(), service.name(), "failed (" + failure + "); rolling back to " + describe(from));
        try {
            manager.setEnvironment(before);
            manager.restart();
            Optional<String> back = from > 0 ? verify(machine, manager, from, -1) : Optional.empty();
            if (back.isPresent()) {
                return result(machine, service, from, to, Outcome.FAILED, failure + "; after rolling back: "
                        + back.get());
            }
        } catch (IOException e) {
            return result(machine, service, from, to, Outcome.FAILED, failure + "; rolling back failed too: "
                    + e.getMessage());
        }
        return result(machine, service, from, to, Outcome.ROLLED_BACK, failure + "; back on " + describe(from));
    }

    /** Who listens on {@code port} in a way that collides with the service's bind, other than the service itself. */
    private Optional<String> takenBy(MachineSpec machine, ServiceSpec service, int port, int currentPort)
            throws IOException {
        String bind = Binds.resolve(service.bind(), machine.addresses()).orElse(Binds.ALL);
        List<ListeningSocket> sockets = listeners.of(machine.name());
        List<Integer> ownPids = sockets.stream().filter(s -> s.port() == currentPort && s.pid() > 0)
                .map(ListeningSocket::pid).toList();
        return sockets.stream()
                .filter(s -> s.port() == port && Binds.overlap(bind, s.address()) && !ownPids.contains(s.pid()))
                .findFirst()
                .map(s -> (s.process().isEmpty() ? "a process" : s.process()) + (s.pid() > 0 ? " (pid " + s.pid()
                        + ")" : "") + " on " + s.address());
    }

    /**
     * Empty when the service itself (its manager's pid, where the manager and the OS tell it) listens on
     * {@code port} and {@code oldPort} (if any) is free, within the verification time.
     */
    private Optional<String> verify(MachineSpec machine, ServiceManager manager, int port, int oldPort)
            throws IOException {
        long deadline = System.nanoTime() + verifyWithin.toNanos();
        String last;
        do {
            ServiceState state = manager.status();
            int pid = state.pid();
            List<ListeningSocket> sockets = listeners.of(machine.name());
            List<ListeningSocket> onPort = sockets.stream().filter(s -> s.port() == port).toList();
            boolean listening = state.state().isUp()
                    && onPort.stream().anyMatch(s -> pid <= 0 || s.pid() <= 0 || s.pid() == pid);
            boolean oldStillOpen = oldPort > 0 && sockets.stream().anyMatch(s -> s.port() == oldPort);
            if (listening && !oldStillOpen) {
                return Optional.empty();
            }
            if (!state.state().isUp()) {
                last = "the service is " + state.state().name().toLowerCase(java.util.Locale.ROOT)
                        + (state.detail() == null ? "" : " (" + state.detail() + ")") + " after the restart";
            } else if (!listening && !onPort.isEmpty()) {
                ListeningSocket other = onPort.get(0);
                last = "port " + port + " is held by " + (other.process().isEmpty() ? "another process"
                        : other.process()) + " (pid " + other.pid() + "), not by the service";
            } else {
                last = !listening ? "nothing listens on " + port + " after the restart"
                        : "port " + oldPort + " is still open after the restart";
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for port " + port);
            }
        } while (System.nanoTime() < deadline);
        return Optional.of(last + " (waited " + verifyWithin.toSeconds() + "s)");
    }

    private static int parsePort(String value) {
        if (value == null) {
            return -1;
        }
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String describe(int port) {
        return port > 0 ? "port " + port : "its old definition";
    }

    private PortMove result(MachineSpec machine, ServiceSpec service, int from, int to, Outcome outcome,
            String detail) {
        return new PortMove(machine.name(), service.name(), from, to, outcome, detail);
    }
}
