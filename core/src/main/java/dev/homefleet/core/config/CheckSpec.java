package dev.homefleet.core.config;

import static dev.homefleet.core.config.Defaults.list;
import static dev.homefleet.core.config.Defaults.or;

import java.time.Duration;
import java.util.List;

/**
 * How to tell a service is healthy: exactly one of {@code http} (a URL as seen from the service's machine),
 * {@code tcp} (HOST:PORT), {@code command} (exit code 0) or {@code manager: true} (the service manager's status).
 * {@code fall} failures in a row mark it down, {@code rise} successes mark it up again.
 */
public record CheckSpec(
        String http,
        String tcp,
        List<String> command,
        Boolean manager,
        Integer expectStatus,
        String bodyContains,
        String jsonField,
        String jsonEquals,
        Duration maxResponseTime,
        Duration timeout,
        Integer fall,
        Integer rise) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    public static final int DEFAULT_FALL = 3;
    public static final int DEFAULT_RISE = 2;

    public CheckSpec {
        command = list(command);
        manager = or(manager, false);
        timeout = or(timeout, DEFAULT_TIMEOUT);
        fall = or(fall, DEFAULT_FALL);
        rise = or(rise, DEFAULT_RISE);
    }
}
