package dev.homefleet.core.alert;

import java.time.Duration;

/**
 * Waiting, as a dependency: the notifier's backoffs and Telegram's {@code retry_after} go through it, so tests run a
 * one-minute outage in simulated time (a sleeper that moves their clock on) instead of waiting it out.
 */
@FunctionalInterface
public interface Sleeper {

    /** Returns after {@code duration} (at once when it is zero or negative). */
    void sleep(Duration duration) throws InterruptedException;

    /** {@link Thread#sleep}. */
    static Sleeper real() {
        return duration -> {
            if (!duration.isNegative() && !duration.isZero()) {
                Thread.sleep(duration.toMillis(), duration.toNanosPart() % 1_000_000);
            }
        };
    }
}
