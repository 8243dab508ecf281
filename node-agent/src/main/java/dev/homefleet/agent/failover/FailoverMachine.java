package dev.homefleet.agent.failover;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.Objects;

/**
 * The failover's decisions, pure and without time or I/O: fed check results, the outcome of the actions it asked
 * for, and a person's overrides, it says which state follows and which actions to run. The watchdog feeds it from one
 * thread; tests feed it tables.
 *
 * <p>The counting is the HAProxy/Gatus rule: a success resets the failure streak and a failure resets the success
 * streak; on the standby side {@code fall} failures in a row take over, on the active side {@code rise} successes in
 * a row yield. It keeps its own two counters rather than core's {@code RiseFall}: RiseFall flips its up/down state by
 * itself as results come in (and marks an unknown target up on the first success), whereas here the side changes
 * only when a takeover or yield is decided, and a pinned failover must go on counting without deciding anything.
 *
 * <p>A decision moves to the target state at once ({@code active} or {@code standby}) and leaves the actions
 * {@link #pending()} until {@link #actionsDone} reports on them; a state saved while actions were pending means they
 * were interrupted, and the watchdog runs them again when it resumes. Failed actions are retried after a backoff
 * counted in checks: 1, 2, 4, 8, then every {@value #MAX_BACKOFF_CHECKS} checks.
 */
public final class FailoverMachine {

    /** The most checks between two retries of failed actions: 5 minutes at the default 30 s interval. */
    public static final int MAX_BACKOFF_CHECKS = 10;

    /** Which list of actions to run. */
    public enum Run {
        TAKEOVER, YIELD;

        @JsonValue
        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        @JsonCreator
        public static Run fromWire(String text) {
            return valueOf(text.toUpperCase(Locale.ROOT));
        }
    }

    /**
     * What one input did.
     *
     * @param run    the actions to run now, or null; {@link #actionsDone} must follow
     * @param reason why, in words, for the transition's history and the alert
     */
    public record Step(FailoverState from, FailoverState to, Run run, String reason) {
        public boolean changed() {
            return from != to;
        }
    }

    /** Everything the machine knows, for saving across restarts and for restoring. */
    public record Snapshot(FailoverState state, FailoverMode mode, int failures, int successes, Run pending,
            int attempts, int waited) {
        public Snapshot {
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(mode, "mode");
            if (failures < 0 || successes < 0 || attempts < 0 || waited < 0) {
                throw new IllegalArgumentException("counts cannot be negative: failures " + failures + ", successes "
                        + successes + ", attempts " + attempts + ", waited " + waited);
            }
            if (failures > 0 && successes > 0) {
                throw new IllegalArgumentException("a streak is of failures or of successes, not both (failures "
                        + failures + ", successes " + successes + ")");
            }
        }
    }

    private final int fall;
    private final int rise;
    private FailoverState state;
    private FailoverMode mode;
    private int failures;
    private int successes;
    private Run pending;
    /** Failed attempts in a row of the actions the failed state is about. */
    private int attempts;
    /** Checks since the last failed attempt. */
    private int waited;

    /** A failover that starts as standby, in auto mode: the primary is presumed healthy until checks say otherwise. */
    public FailoverMachine(int fall, int rise) {
        this(fall, rise, new Snapshot(FailoverState.STANDBY, FailoverMode.AUTO, 0, 0, null, 0, 0));
    }

    private FailoverMachine(int fall, int rise, Snapshot s) {
        if (fall < 1 || rise < 1) {
            throw new IllegalArgumentException("fall and rise must be at least 1, were " + fall + " and " + rise);
        }
        this.fall = fall;
        this.rise = rise;
        this.state = s.state();
        this.mode = s.mode();
        this.failures = s.failures();
        this.successes = s.successes();
        this.pending = s.pending();
        this.attempts = s.attempts();
        this.waited = s.waited();
    }

    /** A machine where a saved one left off (fall and rise are the configuration's, which may have changed). */
    public static FailoverMachine restore(int fall, int rise, Snapshot saved) {
        return new FailoverMachine(fall, rise, saved);
    }

    public Snapshot snapshot() {
        return new Snapshot(state, mode, failures, successes, pending, attempts, waited);
    }

    /** Counts one check of the primary and decides what follows. */
    public Step check(boolean ok, String detail) {
        requireIdle();
        FailoverState from = state;
        if (ok) {
            failures = 0;
            successes = saturated(successes);
        } else {
            successes = 0;
            failures = saturated(failures);
        }
        if (mode == FailoverMode.AUTO) {
            if (!state.activeSide() && failures >= fall) {
                return decide(Run.TAKEOVER, FailoverState.ACTIVE, streak(failures, "failed", fall, "fall")
                        + " (" + detail + ")");
            }
            if (state.activeSide() && successes >= rise) {
                return decide(Run.YIELD, FailoverState.STANDBY, streak(successes, "successful", rise, "rise"));
            }
        }
        if (state.failed()) {
            waited = saturated(waited);
            if (waited >= backoff(attempts)) {
                pending = state == FailoverState.TAKEOVER_FAILED ? Run.TAKEOVER : Run.YIELD;
                return new Step(from, state, pending, "retry " + (attempts + 1) + " of the " + pending.wire()
                        + " actions");
            }
            return new Step(from, state, null, ok ? "the primary answered: " + detail : detail);
        }
        state = settled(state.activeSide());
        return new Step(from, state, null, ok ? "the primary answered: " + detail : detail);
    }

    /** Reports on the actions {@link #pending()}: done, or failed saying why. */
    public Step actionsDone(boolean ok, String detail) {
        if (pending == null) {
            throw new IllegalStateException("no actions are pending");
        }
        FailoverState from = state;
        Run run = pending;
        pending = null;
        waited = 0;
        if (ok) {
            attempts = 0;
            state = settled(run == Run.TAKEOVER);
            return new Step(from, state, null, "the " + run.wire() + " actions are done" + (detail.isEmpty() ? ""
                    : ": " + detail));
        }
        attempts = saturated(attempts);
        state = run == Run.TAKEOVER ? FailoverState.TAKEOVER_FAILED : FailoverState.YIELD_FAILED;
        return new Step(from, state, null, "the " + run.wire() + " actions failed (attempt " + attempts + "): "
                + detail);
    }

    /** Pins this machine active; takes over now unless it already has. */
    public Step promote() {
        requireIdle();
        mode = FailoverMode.PROMOTED;
        return pin(true, Run.TAKEOVER, "promoted by hand");
    }

    /** Pins this machine standby; yields now unless it already has. */
    public Step demote() {
        requireIdle();
        mode = FailoverMode.DEMOTED;
        return pin(false, Run.YIELD, "demoted by hand");
    }

    /** Lets the checks decide again, from the streak counted while pinned: the next check may take over or yield. */
    public Step auto() {
        requireIdle();
        FailoverState from = state;
        mode = FailoverMode.AUTO;
        if (!state.failed()) {
            state = settled(state.activeSide());
        }
        return new Step(from, state, null, "set back to auto by hand");
    }

    private Step pin(boolean active, Run run, String reason) {
        FailoverState from = state;
        if (state.activeSide() != active) {
            return decide(run, active ? FailoverState.ACTIVE : FailoverState.STANDBY, reason);
        }
        if (!state.failed()) {
            state = settled(active);
        }
        return new Step(from, state, null, reason);
    }

    private Step decide(Run run, FailoverState to, String reason) {
        FailoverState from = state;
        state = to;
        pending = run;
        attempts = 0;
        waited = 0;
        return new Step(from, to, run, reason);
    }

    /** The state of a side once its actions are done: counting toward the other side, unless pinned. */
    private FailoverState settled(boolean active) {
        if (mode != FailoverMode.AUTO) {
            return active ? FailoverState.ACTIVE : FailoverState.STANDBY;
        }
        if (active) {
            return successes > 0 ? FailoverState.RECOVERING : FailoverState.ACTIVE;
        }
        return failures > 0 ? FailoverState.SUSPECT : FailoverState.STANDBY;
    }

    /** Checks to wait after the {@code attempts}-th failed attempt: 1, 2, 4, 8, then the cap. */
    static int backoff(int attempts) {
        return attempts >= 5 ? MAX_BACKOFF_CHECKS : Math.min(MAX_BACKOFF_CHECKS, 1 << Math.max(0, attempts - 1));
    }

    private void requireIdle() {
        if (pending != null) {
            throw new IllegalStateException("the " + pending.wire() + " actions are still running");
        }
    }

    private static String streak(int count, String what, int threshold, String name) {
        return count + " " + what + " check" + (count == 1 ? "" : "s") + " in a row (" + name + " " + threshold + ")";
    }

    private static int saturated(int n) {
        return n == Integer.MAX_VALUE ? n : n + 1;
    }

    public FailoverState state() {
        return state;
    }

    public FailoverMode mode() {
        return mode;
    }

    public int failures() {
        return failures;
    }

    public int successes() {
        return successes;
    }

    /** The actions decided and not yet reported on, or null. */
    public Run pending() {
        return pending;
    }

    public int attempts() {
        return attempts;
    }

    public int fall() {
        return fall;
    }

    public int rise() {
        return rise;
    }

    @Override
    public String toString() {
        return state + " (" + mode + ", failures " + failures + ", successes " + successes
                + (pending == null ? "" : ", running " + pending.wire()) + ")";
    }
}
