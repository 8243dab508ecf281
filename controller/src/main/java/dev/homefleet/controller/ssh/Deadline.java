package dev.homefleet.controller.ssh;

import java.time.Duration;

/** A point in time a piece of work must finish by, on the monotonic clock. */
record Deadline(long nanos) {

    static Deadline after(Duration duration) {
        return new Deadline(System.nanoTime() + duration.toNanos());
    }

    long remainingNanos() {
        return Math.max(0, nanos - System.nanoTime());
    }

    long remainingMillis() {
        return Math.max(0, (remainingNanos() + 999_999) / 1_000_000);
    }

    boolean expired() {
        return remainingNanos() == 0;
    }
}
