package dev.homefleet.core.alert;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** Simulated time: a clock that only moves when told, and a sleeper that moves it instead of waiting. */
final class FakeTime extends Clock implements Sleeper {

    private Instant now;
    private final List<Duration> sleeps = new ArrayList<>();

    FakeTime(Instant start) {
        this.now = start;
    }

    FakeTime() {
        this(Instant.parse("2025-06-07T14:00:00Z")); // a Saturday
    }

    synchronized void advance(Duration duration) {
        now = now.plus(duration);
    }

    synchronized void set(Instant at) {
        now = at;
    }

    @Override
    public synchronized void sleep(Duration duration) {
        Duration d = duration.isNegative() ? Duration.ZERO : duration;
        sleeps.add(d);
        now = now.plus(d);
    }

    /** Every sleep asked for, in order. */
    synchronized List<Duration> sleeps() {
        return List.copyOf(sleeps);
    }

    @Override
    public synchronized Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("simulated time is UTC");
    }
}
