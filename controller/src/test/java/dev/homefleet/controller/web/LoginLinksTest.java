package dev.homefleet.controller.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoginLinksTest {

    private final ManualClock clock = new ManualClock(Instant.parse("2025-06-01T08:00:00Z"));
    private final LoginLinks links = new LoginLinks(clock);

    @Test
    void a_link_signs_in_once_as_its_role_and_looking_at_it_does_not_use_it_up() {
        LoginLinks.Link link = links.create(Tokens.Role.VIEWER);

        assertThat(link.path()).isEqualTo("/login/link/" + link.code());
        assertThat(link.expires()).isEqualTo(clock.instant().plus(Duration.ofMinutes(10)));
        assertThat(links.peek(link.code())).contains(Tokens.Role.VIEWER);
        assertThat(links.peek(link.code())).contains(Tokens.Role.VIEWER);
        assertThat(links.use(link.code())).contains(Tokens.Role.VIEWER);
        assertThat(links.use(link.code())).isEmpty();
        assertThat(links.peek(link.code())).isEmpty();
    }

    @Test
    void a_link_ends_ten_minutes_after_it_was_made() {
        LoginLinks.Link link = links.create(Tokens.Role.ADMIN);

        clock.advance(Duration.ofMinutes(9).plusSeconds(59));
        assertThat(links.peek(link.code())).contains(Tokens.Role.ADMIN);
        clock.advance(Duration.ofSeconds(1));
        assertThat(links.use(link.code())).isEmpty();
    }

    @Test
    void unknown_codes_sign_in_as_nobody() {
        links.create(Tokens.Role.ADMIN);
        assertThat(links.use("nope")).isEmpty();
        assertThat(links.use("")).isEmpty();
        assertThat(links.use(null)).isEmpty();
        assertThat(links.use("x".repeat(10_000))).isEmpty();
    }

    @Test
    void at_most_a_hundred_links_are_open_and_the_oldest_go_first() {
        List<LoginLinks.Link> made = new ArrayList<>();
        for (int i = 0; i < LoginLinks.MAX_OPEN + 1; i++) {
            made.add(links.create(Tokens.Role.ADMIN));
        }
        assertThat(links.peek(made.get(0).code())).isEmpty();
        assertThat(links.peek(made.get(1).code())).isPresent();
        assertThat(links.peek(made.get(LoginLinks.MAX_OPEN).code())).isPresent();
    }
}
