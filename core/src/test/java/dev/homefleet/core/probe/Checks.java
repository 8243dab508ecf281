package dev.homefleet.core.probe;

import dev.homefleet.core.config.CheckSpec;
import java.time.Duration;
import java.util.List;

/** CheckSpecs as fleet.yaml would give them, for tests. */
final class Checks {

    static final Duration TIMEOUT = Duration.ofSeconds(5);

    private Checks() {}

    static CheckSpec http(String url) {
        return http(url, null, null, null, null, null, TIMEOUT);
    }

    static CheckSpec http(String url, Integer expectStatus, String bodyContains, String jsonField, String jsonEquals,
            Duration maxResponseTime, Duration timeout) {
        return new CheckSpec(url, null, null, null, expectStatus, bodyContains, jsonField, jsonEquals,
                maxResponseTime, timeout, null, null);
    }

    static CheckSpec tcp(String target, Duration timeout) {
        return new CheckSpec(null, target, null, null, null, null, null, null, null, timeout, null, null);
    }

    static CheckSpec command(Duration timeout, String... argv) {
        return new CheckSpec(null, null, List.of(argv), null, null, null, null, null, null, timeout, null, null);
    }

    static CheckSpec manager(Duration timeout) {
        return new CheckSpec(null, null, null, true, null, null, null, null, null, timeout, null, null);
    }
}
