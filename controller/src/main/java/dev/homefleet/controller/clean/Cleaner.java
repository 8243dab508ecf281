package dev.homefleet.controller.clean;

import dev.homefleet.controller.clean.OrphanOutcome.Action;
import dev.homefleet.controller.clean.ProcessTable.Listing;
import dev.homefleet.core.config.FleetConfig;
import dev.homefleet.core.config.JobsSpec;
import dev.homefleet.core.config.JobsSpec.Lock;
import dev.homefleet.core.config.MachineSpec;
import dev.homefleet.core.config.MachineSpec.Os;
import dev.homefleet.core.config.ServiceSpec;
import dev.homefleet.core.exec.CommandResult;
import dev.homefleet.core.exec.CommandRunner;
import dev.homefleet.core.metrics.ListeningSocket;
import dev.homefleet.core.metrics.sweep.ListenerSweep;
import dev.homefleet.core.ports.PortEntry;
import dev.homefleet.core.ports.PortRegistry;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cleaner job's work on one machine, what the seed's cleanup scripts did by hand: report orphaned processes and
 * stop those on {@code kill_orphans}, shut leaked simulators down, compare listeners with the port registry, remove
 * stale lock files. Everything goes through the machine's {@link CommandRunner}, so it works on this machine and
 * over SSH alike. The daemon runs it once per machine; a failing step is an error in the report, never an
 * exception, and the other steps still run. Purging history past its retention is the store's, run once per job by
 * the daemon, not per machine.
 *
 * <p>Holds only the fleet-wide settings; safe to share between threads.
 */
public final class Cleaner {

    static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);
    static final Duration HOME_TIMEOUT = Duration.ofSeconds(10);
    static final Duration SWEEP_TIMEOUT = Duration.ofSeconds(30);
    /** Where orphans go on macOS and in most Linux setups. */
    public static final long INIT_PID = 1;

    private static final Logger log = LoggerFactory.getLogger(Cleaner.class);

    private final JobsSpec.Cleaner spec;
    private final PortRegistry registry;
    private final String controllerMachine;
    private final List<Pattern> killPatterns;
    private final long orphanParent;

    /**
     * @param controllerMachine where locks without a machine are
     */
    public Cleaner(JobsSpec.Cleaner spec, PortRegistry registry, String controllerMachine) {
        this(spec, registry, controllerMachine, INIT_PID);
    }

    private Cleaner(JobsSpec.Cleaner spec, PortRegistry registry, String controllerMachine, long orphanParent) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.controllerMachine = Objects.requireNonNull(controllerMachine, "controllerMachine");
        this.killPatterns = spec.killOrphans().stream().map(Pattern::compile).toList();
        this.orphanParent = orphanParent;
    }

    /** With the fleet's cleaner settings, port registry and controller machine. */
    public static Cleaner of(FleetConfig config) {
        return new Cleaner(config.jobs().cleaner(), PortRegistry.of(config), config.controller().machine());
    }

    /**
     * The same cleaner with orphans counted as the children of {@code pid} instead of pid 1: on Linux a subreaper
     * (systemd --user, a container's init) adopts orphans in pid 1's place.
     */
    public Cleaner withOrphanParent(long pid) {
        if (pid < 1) {
            throw new IllegalArgumentException("the orphan parent must be a pid of 1 or more, was " + pid);
        }
        return new Cleaner(spec, registry, controllerMachine, pid);
    }

    /** Cleans {@code machine}, sweeping its listening sockets through the runner. */
    public CleanerReport run(String machineName, MachineSpec machine, CommandRunner runner) {
        return run(machineName, machine, runner, null);
    }

    /**
     * Cleans {@code machine} with listening sockets the caller already has (from the machine's agent).
     *
     * @param listeners the machine's listening sockets, or null to sweep them through the runner
     */
    public CleanerReport run(String machineName, MachineSpec machine, CommandRunner runner,
            List<ListeningSocket> listeners) {
        Run run = new Run(machineName, machine, runner);
        if (machine.os() == Os.IOS) {
            run.notes.add(machineName + " is an iOS device; there is nothing to clean on it");
            return run.report();
        }
        Listing listing = null;
        try {
            listing = ProcessTable.list(runner, machine.os());
            if (listing.unsupported() != null) {
                run.notes.add("orphans on " + machineName + ": " + listing.unsupported());
            }
            if (!listing.unreadable().isEmpty()) {
                run.notes.add("ps on " + machineName + " printed " + listing.unreadable().size()
                        + " unreadable line(s), skipped; the first: " + listing.unreadable().get(0));
            }
        } catch (IOException e) {
            run.failed("cannot list the processes on " + machineName, e);
        }
        List<ListeningSocket> sockets = listeners;
        if (sockets == null && !run.interrupted()) {
            sockets = sweep(run);
        }
        if (listing != null && listing.unsupported() == null && !run.interrupted()) {
            orphans(run, listing, sockets);
            if (machine.os() == Os.MACOS && !run.interrupted()) {
                simulators(run, listing);
            }
        }
        if (!run.interrupted()) {
            locks(run);
        }
        if (sockets != null && !run.interrupted()) {
            Listing processes = listing != null ? listing : Listing.unsupported("no listing");
            run.findings.addAll(PortCheck.check(machineName, machine, registry, spec.watchPorts(), sockets,
                    processes, orphanParent));
        }
        CleanerReport report = run.report();
        log.debug("cleaner on {}: {}", machineName, report.summary());
        return report;
    }

    private List<ListeningSocket> sweep(Run run) {
        try {
            CommandResult result = run.runner.run(ListenerSweep.argv(run.machine.os()), SWEEP_TIMEOUT);
            if (!result.ok()) {
                run.errors.add("cannot list the listening sockets on " + run.name + " (" + (result.timedOut()
                        ? "timed out after " + SWEEP_TIMEOUT.toSeconds() + " s" : "exit " + result.exitCode() + ": "
                        + result.stderr().strip()) + "); ports were not compared");
                return null;
            }
            return ListenerSweep.parse(run.machine.os(), result.stdout());
        } catch (IOException | IllegalArgumentException e) {
            run.failed("cannot list the listening sockets on " + run.name + "; ports were not compared", e);
            return null;
        }
    }

    /**
     * @param sockets the machine's listeners, or null when unknown: then no orphan is killed, since a declared
     *                service's process (known by its port) could not be told apart from a leak
     */
    private void orphans(Run run, Listing listing, List<ListeningSocket> sockets) {
        Set<Long> spared = new HashSet<>(listing.lister(orphanParent));
        Set<Integer> declaredPorts = new HashSet<>();
        registry.entries(run.name).stream().map(PortEntry::port).forEach(declaredPorts::add);
        for (ListeningSocket socket : sockets == null ? List.<ListeningSocket>of() : sockets) {
            if (socket.pid() > 0 && declaredPorts.contains(socket.port())) {
                spared.addAll(listing.chain(socket.pid(), orphanParent));
            }
        }
        List<List<String>> declared = run.machine.services().values().stream()
                .map(ServiceSpec::manager)
                .filter(Objects::nonNull)
                .map(PortCheck::argv)
                .filter(argv -> !argv.isEmpty())
                .toList();
        for (ProcessInfo orphan : Orphans.find(listing, orphanParent, spec.orphanMinAge(), spared, declared)) {
            if (run.interrupted()) {
                return;
            }
            if (killPatterns.stream().noneMatch(p -> p.matcher(orphan.command()).find())) {
                run.orphans.add(new OrphanOutcome(orphan, Action.REPORTED, "no kill_orphans pattern matches it"));
            } else if (sockets == null) {
                run.orphans.add(new OrphanOutcome(orphan, Action.REPORTED, "it matches kill_orphans but was left"
                        + " running: the listening sockets are unknown, so it may be a declared service's process"));
            } else {
                run.orphans.add(kill(run, orphan));
            }
        }
    }

    private OrphanOutcome kill(Run run, ProcessInfo orphan) {
        try {
            CommandResult result = run.runner.run(List.of("kill", "-TERM", Long.toString(orphan.pid())),
                    KILL_TIMEOUT);
            if (result.ok()) {
                log.info("stopped orphaned process {} ({}) on {}", orphan.pid(), orphan.command(), run.name);
                return new OrphanOutcome(orphan, Action.KILLED, "SIGTERM sent");
            }
            String why = result.timedOut() ? "timed out" : result.stderr().isBlank()
                    ? "exit " + result.exitCode() : result.stderr().strip();
            return new OrphanOutcome(orphan, Action.KILL_FAILED, why);
        } catch (IOException e) {
            run.noteInterrupt(e);
            return new OrphanOutcome(orphan, Action.KILL_FAILED, e.getMessage());
        }
    }

    private void simulators(Run run, Listing listing) {
        try {
            run.simulators = Simulators.check(listing, spec.simulatorLimit(), run.runner);
            if (run.simulators.shutDown()) {
                log.info("{} CoreSimulator processes on {} (limit {}): shut all simulators down",
                        run.simulators.count(), run.name, run.simulators.limit());
            } else if (run.simulators.failure() != null) {
                run.errors.add(run.simulators.failure());
            }
        } catch (IOException e) {
            run.failed("cannot shut the simulators down on " + run.name, e);
        }
    }

    private void locks(Run run) {
        List<Lock> mine = spec.locks().stream()
                .filter(lock -> run.name.equals(lock.machine() == null ? controllerMachine : lock.machine()))
                .toList();
        if (mine.isEmpty()) {
            return;
        }
        if (run.machine.os() == Os.WINDOWS) {
            run.errors.add(mine.size() + " lock path(s) are set for " + run.name + ", a Windows machine; stale locks"
                    + " are only removed on macOS and Linux");
            return;
        }
        String home = null;
        for (Lock lock : mine) {
            if (run.interrupted()) {
                return;
            }
            try {
                if (home == null && StaleLocks.needsHome(lock)) {
                    home = home(run.runner);
                }
                StaleLocks.Outcome outcome = StaleLocks.sweep(run.runner, lock, home);
                run.locksRemoved.addAll(outcome.removed());
                if (outcome.note() != null) {
                    run.notes.add(outcome.note());
                }
                if (outcome.error() != null) {
                    run.errors.add(outcome.error());
                }
            } catch (IOException e) {
                run.failed("cannot remove stale locks " + lock.path() + " on " + run.name, e);
            }
        }
    }

    /** The home directory of the user the runner runs as. */
    private static String home(CommandRunner runner) throws IOException {
        CommandResult result = runner.run(List.of("printenv", "HOME"), HOME_TIMEOUT);
        String home = result.stdout().strip();
        if (!result.ok() || !home.startsWith("/")) {
            throw new IOException("cannot find the home directory on " + runner.describe() + " to expand ~: HOME is '"
                    + home + "'");
        }
        return home;
    }

    /** One machine's run: what it found so far. */
    private static final class Run {
        final String name;
        final MachineSpec machine;
        final CommandRunner runner;
        final List<OrphanOutcome> orphans = new ArrayList<>();
        final List<String> locksRemoved = new ArrayList<>();
        final List<Finding> findings = new ArrayList<>();
        final List<String> notes = new ArrayList<>();
        final List<String> errors = new ArrayList<>();
        Simulators simulators;

        Run(String name, MachineSpec machine, CommandRunner runner) {
            this.name = name;
            this.machine = machine;
            this.runner = runner;
        }

        void failed(String what, Exception e) {
            noteInterrupt(e);
            errors.add(what + ": " + e.getMessage());
        }

        void noteInterrupt(Exception e) {
            if (e instanceof InterruptedIOException) {
                Thread.currentThread().interrupt();
            }
        }

        boolean interrupted() {
            return Thread.currentThread().isInterrupted();
        }

        CleanerReport report() {
            return new CleanerReport(name, orphans, simulators, locksRemoved, findings, notes, errors);
        }
    }
}
