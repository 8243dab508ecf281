package dev.homefleet.core.probe;

import java.util.Objects;

/**
 * Consecutive-failure / consecutive-success hysteresis, so one blip does not page anyone: a target goes down after
 * {@code fall} failures in a row and comes back up after {@code rise} successes in a row (the Gatus and HAProxy
 * rule). A freshly started watcher knows nothing, so the first success marks it up at once; marking it down still
 * takes {@code fall} failures. The same counter debounces service checks (fall 3, rise 2) and drives the failover
 * watchdog (fall 3, rise 5).
 *
 * <p>Pure and not thread-safe: one instance per target, fed by one caller at a time. {@link #restore} rebuilds one
 * from counts saved across a restart.
 */
public final class RiseFall {

    public enum State { UNKNOWN, UP, DOWN }

    /** What one result changed. */
    public enum Transition { NONE, WENT_DOWN, WENT_UP }

    private final int fall;
    private final int rise;
    private State state;
    private int failures;
    private int successes;

    /**
     * @param fall failures in a row that mark an up (or unknown) target down; at least 1
     * @param rise successes in a row that mark a down target up; at least 1
     */
    public RiseFall(int fall, int rise) {
        this(fall, rise, State.UNKNOWN, 0, 0);
    }

    private RiseFall(int fall, int rise, State state, int failures, int successes) {
        if (fall < 1) {
            throw new IllegalArgumentException("fall must be at least 1, was " + fall);
        }
        if (rise < 1) {
            throw new IllegalArgumentException("rise must be at least 1, was " + rise);
        }
        if (failures < 0 || successes < 0) {
            throw new IllegalArgumentException("counts cannot be negative, were failures " + failures
                    + " and successes " + successes);
        }
        if (failures > 0 && successes > 0) {
            throw new IllegalArgumentException("a streak is of failures or of successes, not both (failures "
                    + failures + ", successes " + successes + ")");
        }
        this.fall = fall;
        this.rise = rise;
        this.state = Objects.requireNonNull(state, "state");
        this.failures = failures;
        this.successes = successes;
    }

    /**
     * A counter in a state saved earlier, e.g. from the store after the controller restarted.
     *
     * @param failures  failures in a row so far
     * @param successes successes in a row so far; at most one of the two is above 0
     */
    public static RiseFall restore(int fall, int rise, State state, int failures, int successes) {
        return new RiseFall(fall, rise, state, failures, successes);
    }

    /** Counts one check result and says whether it changed the state. */
    public Transition record(boolean ok) {
        if (ok) {
            failures = 0;
            successes = saturatedIncrement(successes);
            if (state == State.UNKNOWN || (state == State.DOWN && successes >= rise)) {
                state = State.UP;
                return Transition.WENT_UP;
            }
        } else {
            successes = 0;
            failures = saturatedIncrement(failures);
            if (state != State.DOWN && failures >= fall) {
                state = State.DOWN;
                return Transition.WENT_DOWN;
            }
        }
        return Transition.NONE;
    }

    public State state() {
        return state;
    }

    /** Failures in a row, up to the latest result. */
    public int failures() {
        return failures;
    }

    /** Successes in a row, up to the latest result. */
    public int successes() {
        return successes;
    }

    public int fall() {
        return fall;
    }

    public int rise() {
        return rise;
    }

    private static int saturatedIncrement(int n) {
        return n == Integer.MAX_VALUE ? n : n + 1;
    }

    @Override
    public String toString() {
        return state.name().toLowerCase(java.util.Locale.ROOT) + " (failures " + failures + ", successes "
                + successes + "; fall " + fall + ", rise " + rise + ")";
    }
}
