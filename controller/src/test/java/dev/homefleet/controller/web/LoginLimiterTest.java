package dev.homefleet.controller.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LoginLimiterTest {

    private final ManualClock clock = new ManualClock(Instant.parse("2025-06-01T08:00:00Z"));
    private final LoginLimiter limiter = LoginLimiter.standard(clock);

    @Test
    void five_failures_in_a_minute_make_an_address_wait_until_the_first_is_a_minute_old() {
        for (int i = 0; i < 4; i++) {
            limiter.failed("100.64.0.7");
            clock.advance(Duration.ofSeconds(5));
        }
        assertThat(limiter.wait("100.64.0.7")).isEmpty();
        limiter.failed("100.64.0.7");

        assertThat(limiter.wait("100.64.0.7")).contains(Duration.ofSeconds(40));
        assertThat(limiter.wait("100.64.0.8")).as("another address").isEmpty();
        clock.advance(Duration.ofSeconds(40));
        assertThat(limiter.wait("100.64.0.7")).isEmpty();
    }

    @Test
    void failures_spread_over_more_than_a_minute_never_add_up() {
        for (int i = 0; i < 20; i++) {
            limiter.failed("100.64.0.7");
            clock.advance(Duration.ofSeconds(13));
        }
        assertThat(limiter.wait("100.64.0.7")).isEmpty();
    }

    @Test
    void a_success_clears_the_failures_of_its_address() {
        for (int i = 0; i < 4; i++) {
            limiter.failed("100.64.0.7");
        }
        limiter.succeeded("100.64.0.7");
        limiter.failed("100.64.0.7");

        assertThat(limiter.wait("100.64.0.7")).isEmpty();
    }

    @Test
    void many_addresses_are_tracked_within_a_bound_and_the_newest_are_kept() {
        LoginLimiter one = new LoginLimiter(1, Duration.ofMinutes(1), clock);
        for (int i = 0; i < LoginLimiter.MAX_ADDRESSES + 10; i++) {
            one.failed("10.0." + (i / 256) + "." + (i % 256));
        }
        int last = LoginLimiter.MAX_ADDRESSES + 9;
        assertThat(one.wait("10.0." + (last / 256) + "." + (last % 256))).isPresent();
        assertThat(one.wait("10.0.0.0")).isEmpty();
    }
}
