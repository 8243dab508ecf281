package dev.homefleet.core.probe;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Makes the runner's daemon threads and counts how many are alive, and the most there ever were at once. */
final class CountingThreads {

    private final String prefix;
    private final AtomicInteger live = new AtomicInteger();
    private final AtomicInteger peak = new AtomicInteger();
    private final AtomicInteger made = new AtomicInteger();

    CountingThreads(String prefix) {
        this.prefix = prefix;
    }

    ThreadFactory factory(String role) {
        return task -> {
            Thread thread = new Thread(() -> {
                peak.accumulateAndGet(live.incrementAndGet(), Math::max);
                try {
                    task.run();
                } finally {
                    live.decrementAndGet();
                }
            }, prefix + role + "-" + made.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    int live() {
        return live.get();
    }

    int peak() {
        return peak.get();
    }
}
