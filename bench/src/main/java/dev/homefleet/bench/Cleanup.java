package dev.homefleet.bench;

import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Everything the bench started, stopped in reverse order: by {@link #close} when the run ends, or by the shutdown hook
 * when the JVM is told to stop (Ctrl-C, SIGTERM, the watchdog's exit) before that.
 */
final class Cleanup implements AutoCloseable {

    private final Deque<Step> steps = new ArrayDeque<>();
    private final PrintStream err;

    private record Step(String what, AutoCloseable action) {}

    Cleanup(PrintStream err) {
        this.err = err;
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, "bench-cleanup"));
    }

    /** Registers {@code resource} to be closed; returns it. */
    synchronized <T extends AutoCloseable> T add(String what, T resource) {
        steps.push(new Step(what, resource));
        return resource;
    }

    /** Stops every registered resource, the last one first; a failure is reported and the rest still stop. */
    @Override
    public void close() {
        while (true) {
            Step step;
            synchronized (this) {
                step = steps.poll();
            }
            if (step == null) {
                return;
            }
            try {
                step.action().close();
            } catch (Exception e) {
                err.println("bench: could not stop " + step.what() + ": " + e);
            }
        }
    }
}
