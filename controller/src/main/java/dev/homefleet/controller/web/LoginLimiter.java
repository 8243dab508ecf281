package dev.homefleet.controller.web;

import dev.homefleet.core.config.Durations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Failed sign-ins per address: a wrong token in the login form or a bearer header, or an unknown login link. After
 * {@code failures} in {@code window} the address may not try again until the oldest of them is out of the window,
 * so guessing a token from one address goes at a few tries a minute.
 */
public final class LoginLimiter {
    public static final int DEFAULT_FAILURES = 5;
    public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(1);
    /** Addresses tracked at most; past it, the ones whose failures are all old go first, then the oldest. */
    static final int MAX_ADDRESSES = 10_000;

    private static final Logger log = LoggerFactory.getLogger(LoginLimiter.class);

    private final int failures;
    private final Duration window;
    private final Clock clock;
    private final Map<String, Deque<Instant>> byAddress = new LinkedHashMap<>();

    public LoginLimiter(int failures, Duration window, Clock clock) {
        if (failures < 1) {
            throw new IllegalArgumentException("failures must be 1 or more, not " + failures);
        }
        this.failures = failures;
        this.window = window;
        this.clock = clock;
    }

    public static LoginLimiter standard(Clock clock) {
        return new LoginLimiter(DEFAULT_FAILURES, DEFAULT_WINDOW, clock);
    }

    /** How long {@code address} must wait before it may try again; empty when it may try now. */
    public synchronized Optional<Duration> wait(String address) {
        Deque<Instant> seen = recent(address);
        if (seen == null || seen.size() < failures) {
            return Optional.empty();
        }
        Duration left = Duration.between(clock.instant(), seen.peekFirst().plus(window));
        return Optional.of(left.isNegative() ? Duration.ZERO : left);
    }

    public synchronized void failed(String address) {
        Deque<Instant> seen = recent(address);
        if (seen == null) {
            makeRoom();
            seen = new ArrayDeque<>();
            byAddress.put(address, seen);
        }
        seen.addLast(clock.instant());
        while (seen.size() > failures) {
            seen.removeFirst();
        }
        if (seen.size() == failures) {
            log.warn("{} failed sign-ins from {} within {}; it may try again in {} s", failures, address,
                    Durations.format(window), Duration.between(clock.instant(), seen.peekFirst().plus(window))
                            .toSeconds());
        }
    }

    public synchronized void succeeded(String address) {
        byAddress.remove(address);
    }

    /** The failures of {@code address} still inside the window, or null when there are none. */
    private Deque<Instant> recent(String address) {
        Deque<Instant> seen = byAddress.get(address);
        if (seen == null) {
            return null;
        }
        Instant since = clock.instant().minus(window);
        while (!seen.isEmpty() && !seen.peekFirst().isAfter(since)) {
            seen.removeFirst();
        }
        if (seen.isEmpty()) {
            byAddress.remove(address);
            return null;
        }
        return seen;
    }

    private void makeRoom() {
        if (byAddress.size() < MAX_ADDRESSES) {
            return;
        }
        Instant since = clock.instant().minus(window);
        byAddress.values().removeIf(seen -> seen.isEmpty() || !seen.peekLast().isAfter(since));
        Iterator<String> oldest = byAddress.keySet().iterator();
        while (byAddress.size() >= MAX_ADDRESSES && oldest.hasNext()) {
            oldest.next();
            oldest.remove();
        }
    }
}
