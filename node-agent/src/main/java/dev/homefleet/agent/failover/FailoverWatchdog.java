package dev.homefleet.agent.failover;

import dev.homefleet.agent.failover.FailoverMachine.Run;
import dev.homefleet.agent.failover.FailoverMachine.Snapshot;
import dev.homefleet.agent.failover.FailoverMachine.Step;
import dev.homefleet.core.config.Durations;
import dev.homefleet.core.config.FailoverSpec;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches one failover's primary from the standby machine and acts on what {@link FailoverMachine} decides.
 *
 * <p>Everything happens on one thread of its own, in order: the checks, the actions, a person's promote, demote and
 * auto. Checks start on a fixed grid ({@code start + k x interval}), so they are neither delayed by the time a check
 * takes nor bunched after a slow step: grid points that passed while actions ran are skipped, not made up. Each
 * check is bounded by the failover's timeout, which fleet.yaml keeps below the interval.
 *
 * <p>The state is saved on every transition, before the actions it decided run, so a watchdog killed at any point
 * resumes where it was: it never takes over or yields because it restarted, and actions that a kill interrupted run
 * again when it resumes. A state file that cannot be read is reported (log, status, alert) and the watchdog starts
 * as {@code standby} without running any action: taking over or yielding on a guess could leave two machines
 * serving, and a dead primary is still taken over from after {@code fall} failed checks.
 */
public final class FailoverWatchdog implements AutoCloseable {

    static final int KEEP_TRANSITIONS = 20;
    static final int KEEP_CHECKS = 20;
    /** How long promote, demote and auto wait for the actions they start; the status says if they still run. */
    public static final Duration COMMAND_WAIT = Duration.ofMinutes(3);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger(FailoverWatchdog.class);

    private final String name;
    private final FailoverSpec spec;
    private final PrimaryCheck check;
    private final FailoverActions actions;
    private final FailoverStore store;
    private final Consumer<FailoverEvent> events;
    private final Clock clock;
    private final long intervalNanos;
    private final ScheduledExecutorService thread;

    // Touched on the watchdog's thread only.
    private FailoverMachine machine;
    private final Deque<CheckResult> checks = new ArrayDeque<>();
    private final Deque<Transition> transitions = new ArrayDeque<>();
    private ActionReport lastActions;
    private String problem;
    private Snapshot saved;
    private Transition savedTransition;
    private String saveFailure;
    private long origin;
    private long tickIndex;

    private volatile FailoverStatus status;
    private volatile boolean closed;

    /**
     * @param events gets every transition; must not block (a queue in front of the controller and the alerts)
     */
    public FailoverWatchdog(String name, FailoverSpec spec, PrimaryCheck check, FailoverActions actions,
            FailoverStore store, Consumer<FailoverEvent> events, Clock clock) {
        this.name = name;
        this.spec = spec;
        this.check = check;
        this.actions = actions;
        this.store = store;
        this.events = events;
        this.clock = clock;
        this.intervalNanos = spec.interval().toNanos();
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "homefleet-failover-" + name);
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        this.thread = executor;
        this.machine = new FailoverMachine(spec.fall(), spec.rise());
        this.status = buildStatus();
    }

    public String name() {
        return name;
    }

    /** Resumes from the saved state (running interrupted actions again), then checks at once and every interval. */
    public FailoverWatchdog start() {
        thread.execute(() -> {
            resume();
            origin = System.nanoTime();
            tickIndex = 0;
            thread.execute(this::tick);
        });
        return this;
    }

    /** The latest state; never waits for a check or actions under way. */
    public FailoverStatus status() {
        return status;
    }

    /** Pins this machine active, taking over now unless it has; returns once the actions ran (or after a wait). */
    public FailoverStatus promote() {
        return command("promote", FailoverMachine::promote);
    }

    /** Pins this machine standby, yielding now unless it has. */
    public FailoverStatus demote() {
        return command("demote", FailoverMachine::demote);
    }

    /** Lets the checks decide again. */
    public FailoverStatus auto() {
        return command("auto", FailoverMachine::auto);
    }

    private FailoverStatus command(String what, Function<FailoverMachine, Step> command) {
        Future<?> done;
        try {
            done = thread.submit(() -> {
                FailoverMode before = machine.mode();
                Step step = command.apply(machine);
                apply(step, machine.mode() != before);
            });
        } catch (RejectedExecutionException e) {
            throw new IllegalStateException("the failover watchdog of " + name + " is stopping");
        }
        try {
            done.get(COMMAND_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warn("failover {}: {} is still running its actions after {}", name, what,
                    Durations.format(COMMAND_WAIT));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException("failover " + name + ": " + what + " failed: " + e.getCause(),
                    e.getCause());
        }
        return status;
    }

    private void resume() {
        FailoverStore.Loaded loaded = store.load(name);
        if (loaded.problem() != null) {
            problem = loaded.problem() + "; started as standby without running any action (if this machine had "
                    + "taken over, run fleet failover demote " + name + ", then fleet failover auto " + name + ")";
            LOG.error("failover {}: {}", name, problem);
            machine = new FailoverMachine(spec.fall(), spec.rise());
            publish();
            Instant now = clock.instant();
            events.accept(event(FailoverState.STANDBY, FailoverState.STANDBY, now, "the saved state is unreadable",
                    "failover " + name + ": " + problem, problem));
        } else if (loaded.saved() != null) {
            SavedFailover s = loaded.saved();
            machine = FailoverMachine.restore(spec.fall(), spec.rise(), s.snapshot());
            s.transitions().stream().skip(Math.max(0, s.transitions().size() - KEEP_TRANSITIONS))
                    .forEach(transitions::addLast);
            lastActions = null;
            LOG.info("failover {}: resuming as {} from {}", name, machine, store.file(name));
        } else {
            LOG.info("failover {}: starting as standby, checking {} every {}", name, check.target(),
                    Durations.format(spec.interval()));
        }
        save();
        publish();
        if (machine.pending() != null) {
            Run run = machine.pending();
            LOG.warn("failover {}: the {} actions were interrupted when the agent stopped; running them again", name,
                    run.wire());
            runActions(run);
        }
    }

    private void tick() {
        if (closed) {
            return;
        }
        try {
            CheckResult result = check.run();
            if (closed) {
                return;
            }
            remember(result);
            apply(machine.check(result.ok(), result.detail()));
        } catch (InterruptedException e) {
            return;
        } catch (RuntimeException e) {
            LOG.error("failover {}: a check round failed; the watchdog goes on", name, e);
        } finally {
            scheduleNext();
        }
    }

    private void scheduleNext() {
        if (closed) {
            return;
        }
        long now = System.nanoTime();
        long due = Math.max(tickIndex + 1, Math.floorDiv(now - origin, intervalNanos) + 1);
        if (due > tickIndex + 1) {
            LOG.debug("failover {}: skipped {} checks while actions ran", name, due - tickIndex - 1);
        }
        tickIndex = due;
        try {
            thread.schedule(this::tick, origin + due * intervalNanos - now, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    private void apply(Step step) {
        apply(step, false);
    }

    /** @param modeChanged a person pinned or unpinned it: a transition too, even where the state stays */
    private void apply(Step step, boolean modeChanged) {
        Instant now = clock.instant();
        if (step.changed() || modeChanged) {
            Transition transition = new Transition(step.from(), step.to(), now, step.reason(), machine.failures(),
                    machine.successes());
            transitions.addLast(transition);
            while (transitions.size() > KEEP_TRANSITIONS) {
                transitions.removeFirst();
            }
            String message = message(step);
            if (step.to().failed() || step.to() == FailoverState.ACTIVE || step.from().activeSide()
                    != step.to().activeSide()) {
                LOG.warn("failover {}: {} -> {}: {}", name, step.from(), step.to(), step.reason());
            } else {
                LOG.info("failover {}: {} -> {}: {}", name, step.from(), step.to(), step.reason());
            }
            save();
            publish();
            events.accept(event(step.from(), step.to(), now, step.reason(), message, null));
        } else {
            save();
            publish();
        }
        if (step.run() != null) {
            runActions(step.run());
        }
    }

    private void runActions(Run run) {
        List<FailoverSpec.Action> list = run == Run.TAKEOVER ? spec.onTakeover() : spec.onYield();
        LOG.info("failover {}: running the {} actions ({} step{})", name, run.wire(), list.size(),
                list.size() == 1 ? "" : "s");
        FailoverActions.Outcome outcome;
        try {
            outcome = actions.run(list);
        } catch (RuntimeException e) {
            outcome = new FailoverActions.Outcome(false, e.toString());
        }
        if (closed) {
            LOG.warn("failover {}: the agent is stopping; the {} actions run again at its next start", name,
                    run.wire());
            return;
        }
        lastActions = new ActionReport(run, clock.instant(), outcome.ok(), outcome.detail());
        if (outcome.ok()) {
            LOG.info("failover {}: the {} actions are done{}", name, run.wire(),
                    outcome.detail().isEmpty() ? "" : ": " + outcome.detail());
        } else {
            LOG.error("failover {}: the {} actions failed: {}", name, run.wire(), outcome.detail());
        }
        apply(machine.actionsDone(outcome.ok(), outcome.detail()));
    }

    private void remember(CheckResult result) {
        checks.addLast(result);
        while (checks.size() > KEEP_CHECKS) {
            checks.removeFirst();
        }
    }

    /** Writes the state when it changed; streaks are kept up to the thresholds, which is all a decision needs. */
    private void save() {
        Snapshot now = capped(machine.snapshot());
        if (now.equals(saved) && transitions.peekLast() == savedTransition) {
            return;
        }
        SavedFailover record = new SavedFailover(SavedFailover.CURRENT_VERSION, name, now.state(), now.mode(),
                now.failures(), now.successes(), now.pending(), now.attempts(), now.waited(), List.copyOf(transitions),
                clock.instant());
        try {
            store.save(record);
            saved = now;
            savedTransition = transitions.peekLast();
            if (saveFailure != null) {
                LOG.info("failover {}: its state is saved again to {}", name, store.file(name));
                saveFailure = null;
            }
        } catch (IOException e) {
            String why = "cannot save its state to " + store.file(name) + ": " + e.getMessage()
                    + "; a restart would not know where it was";
            if (!why.equals(saveFailure)) {
                LOG.error("failover {}: {}", name, why);
            }
            saveFailure = why;
        }
    }

    private Snapshot capped(Snapshot s) {
        int cap = Math.max(spec.fall(), spec.rise());
        return new Snapshot(s.state(), s.mode(), Math.min(s.failures(), cap), Math.min(s.successes(), cap),
                s.pending(), s.attempts(), Math.min(s.waited(), FailoverMachine.MAX_BACKOFF_CHECKS));
    }

    private void publish() {
        status = buildStatus();
    }

    private FailoverStatus buildStatus() {
        String trouble = problem == null ? saveFailure : saveFailure == null ? problem : problem + "; " + saveFailure;
        return new FailoverStatus(name, machine.state(), machine.mode(), endpoint(spec.primary()),
                endpoint(spec.standby()), check.target(), Durations.format(spec.interval()),
                Durations.format(spec.timeout()), spec.fall(), spec.rise(), machine.failures(), machine.successes(),
                machine.pending(), machine.attempts(), lastActions, checks.peekLast(), List.copyOf(checks),
                List.copyOf(transitions), trouble);
    }

    private static String endpoint(FailoverSpec.Endpoint endpoint) {
        return endpoint.service() == null ? endpoint.machine() : endpoint.machine() + "/" + endpoint.service();
    }

    private FailoverEvent event(FailoverState from, FailoverState to, Instant at, String reason, String message,
            String trouble) {
        return new FailoverEvent(name, spec.primary().machine(), spec.primary().service(), spec.standby().machine(),
                spec.standby().service(), from, to, machine.mode(), at, reason, machine.failures(),
                machine.successes(), check.target(), message, trouble);
    }

    /** One sentence: what happened to the pair and what follows. */
    private String message(Step step) {
        String primary = spec.primary().machine();
        String standby = spec.standby().machine();
        FailoverState from = step.from();
        FailoverState to = step.to();
        if (from == to && !to.failed()) {
            return "failover " + name + ": " + step.reason() + "; " + standby + " stays " + to
                    + (machine.mode() == FailoverMode.AUTO ? " and the checks decide again"
                            : " until fleet failover auto " + name);
        }
        String what = switch (to) {
            case ACTIVE -> from == FailoverState.TAKEOVER_FAILED ? standby + " took over after retrying"
                    : from == FailoverState.RECOVERING ? primary + " failed again; " + standby + " stays active"
                    : standby + " took over from " + primary;
            case RECOVERING -> primary + " answers again (" + machine.successes() + " of " + spec.rise()
                    + " checks); " + standby + " yields at " + spec.rise();
            case STANDBY, SUSPECT -> from.activeSide() || from == FailoverState.YIELD_FAILED
                    ? standby + " yielded to " + primary
                    : to == FailoverState.SUSPECT ? primary + " failed " + machine.failures() + " of " + spec.fall()
                            + " checks; " + standby + " takes over at " + spec.fall()
                    : primary + " answers again";
            case TAKEOVER_FAILED -> standby + " could not take over from " + primary + "; retrying with backoff";
            case YIELD_FAILED -> standby + " could not yield to " + primary + "; retrying with backoff";
        };
        return "failover " + name + ": " + what + " (" + step.reason() + ")";
    }

    /** Stops checking; actions under way are interrupted and run again at the next start. */
    @Override
    public void close() {
        closed = true;
        thread.shutdownNow();
        try {
            if (!thread.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("failover {}: its thread did not stop within {}", name, Durations.format(CLOSE_WAIT));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
