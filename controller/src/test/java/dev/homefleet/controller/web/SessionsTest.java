package dev.homefleet.controller.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.homefleet.controller.store.Store;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionsTest {

    private final ManualClock clock = new ManualClock(Instant.parse("2025-06-01T08:00:00Z"));
    private final Tokens tokens = new Tokens("admin-6c1f0e9a", "viewer-22d7b3");

    @TempDir
    Path dir;

    @Test
    void a_session_is_found_by_its_cookie_value_with_its_role_and_csrf_token() {
        Sessions sessions = Sessions.inMemory(clock);
        Sessions.Session made = sessions.create(Tokens.Role.VIEWER, tokens.grant(Tokens.Role.VIEWER));

        Sessions.Session found = sessions.find(made.id(), tokens::grant).orElseThrow().session();

        assertThat(found.role()).isEqualTo(Tokens.Role.VIEWER);
        assertThat(found.csrf()).isEqualTo(made.csrf()).hasSize(43).isNotEqualTo(made.id());
        assertThat(made.id()).hasSize(43).matches("[A-Za-z0-9_-]+");
        assertThat(sessions.find(made.id() + "x", tokens::grant)).isEmpty();
        assertThat(sessions.find(null, tokens::grant)).isEmpty();
    }

    @Test
    void the_store_keeps_only_the_hash_of_the_id_and_a_restarted_store_still_knows_the_session() {
        Path file = dir.resolve("controller.db");
        Sessions.Session made;
        try (Store store = Store.open(file)) {
            made = Sessions.persistent(store, clock).create(Tokens.Role.ADMIN, tokens.grant(Tokens.Role.ADMIN));
            assertThat(store.session(made.id())).isEmpty();
        }
        try (Store store = Store.open(file)) {
            Sessions again = Sessions.persistent(store, clock);
            assertThat(again.find(made.id(), tokens::grant)).get()
                    .extracting(f -> f.session().role()).isEqualTo(Tokens.Role.ADMIN);
        }
    }

    @Test
    void a_session_slides_thirty_days_from_its_last_use_moving_its_end_at_most_hourly() {
        Sessions sessions = Sessions.inMemory(clock);
        Sessions.Session made = sessions.create(Tokens.Role.ADMIN, tokens.grant(Tokens.Role.ADMIN));
        assertThat(made.expires()).isEqualTo(clock.instant().plus(Duration.ofDays(30)));

        clock.advance(Duration.ofMinutes(30));
        Sessions.Found soon = sessions.find(made.id(), tokens::grant).orElseThrow();
        clock.advance(Duration.ofDays(29));
        Sessions.Found later = sessions.find(made.id(), tokens::grant).orElseThrow();
        clock.advance(Duration.ofDays(29));
        Sessions.Found stillThere = sessions.find(made.id(), tokens::grant).orElseThrow();

        assertThat(soon.extended()).isFalse();
        assertThat(soon.session().expires()).isEqualTo(made.expires());
        assertThat(later.extended()).isTrue();
        assertThat(later.session().expires()).isEqualTo(clock.instant().minus(Duration.ofDays(29))
                .plus(Duration.ofDays(30)));
        assertThat(stillThere.extended()).isTrue();
    }

    @Test
    void a_session_unused_for_thirty_days_has_ended() {
        Sessions sessions = Sessions.inMemory(clock);
        Sessions.Session made = sessions.create(Tokens.Role.ADMIN, tokens.grant(Tokens.Role.ADMIN));

        clock.advance(Duration.ofDays(30));

        assertThat(sessions.find(made.id(), tokens::grant)).isEmpty();
    }

    @Test
    void changing_the_token_a_session_was_granted_under_ends_it_and_only_it() {
        Sessions sessions = Sessions.inMemory(clock);
        Sessions.Session admin = sessions.create(Tokens.Role.ADMIN, tokens.grant(Tokens.Role.ADMIN));
        Sessions.Session viewer = sessions.create(Tokens.Role.VIEWER, tokens.grant(Tokens.Role.VIEWER));
        Tokens rotated = new Tokens("admin-new-91b2", "viewer-22d7b3");

        assertThat(sessions.find(admin.id(), rotated::grant)).isEmpty();
        assertThat(sessions.find(viewer.id(), rotated::grant)).isPresent();
        assertThat(sessions.find(admin.id(), tokens::grant)).as("gone for good").isEmpty();
    }

    @Test
    void a_dropped_session_is_gone() {
        Sessions sessions = Sessions.inMemory(clock);
        Sessions.Session made = sessions.create(Tokens.Role.ADMIN, tokens.grant(Tokens.Role.ADMIN));

        sessions.drop(made.id());

        assertThat(sessions.find(made.id(), tokens::grant)).isEmpty();
    }

    @Test
    void ended_sessions_are_deleted_from_the_store_when_a_new_one_is_made() {
        try (Store store = Store.open(dir.resolve("controller.db"))) {
            Sessions sessions = Sessions.persistent(store, clock);
            Sessions.Session old = sessions.create(Tokens.Role.ADMIN, tokens.grant(Tokens.Role.ADMIN));
            clock.advance(Duration.ofDays(31));

            sessions.create(Tokens.Role.ADMIN, tokens.grant(Tokens.Role.ADMIN));

            assertThat(store.session(Secrets.hash(old.id()))).isEmpty();
        }
    }
}
