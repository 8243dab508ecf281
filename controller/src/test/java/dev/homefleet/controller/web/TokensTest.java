package dev.homefleet.controller.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TokensTest {

    private final Tokens tokens = new Tokens("admin-6c1f0e9a", "viewer-22d7b3");

    @ParameterizedTest(name = "[{0}] -> {1}")
    @CsvSource(nullValues = "none", delimiter = '|', value = {
            "Bearer admin-6c1f0e9a        | ADMIN",
            "Bearer viewer-22d7b3         | VIEWER",
            "bearer admin-6c1f0e9a        | ADMIN",
            "BEARER viewer-22d7b3         | VIEWER",
            "'  Bearer   admin-6c1f0e9a  '| ADMIN",
            "Bearer admin-6c1f0e9b        | none",
            "Bearer admin-6c1f0e9         | none",
            "Bearer admin-6c1f0e9aa       | none",
            "Bearer ADMIN-6C1F0E9A        | none",
            "Basic admin-6c1f0e9a         | none",
            "admin-6c1f0e9a               | none",
            "Bearer                       | none",
            "'Bearer '                    | none",
            "Token admin-6c1f0e9a         | none",
            "''                           | none",
    })
    void a_header_grants_the_role_of_the_exact_token_it_carries(String header, Tokens.Role role) {
        assertThat(tokens.roleOf(header)).isEqualTo(Optional.ofNullable(role));
    }

    @Test
    void no_header_grants_nothing() {
        assertThat(tokens.roleOf(null)).isEmpty();
    }

    @Test
    void without_a_viewer_token_only_the_admin_token_works() {
        Tokens adminOnly = new Tokens("admin-6c1f0e9a", null);
        assertThat(adminOnly.roleOf("Bearer admin-6c1f0e9a")).contains(Tokens.Role.ADMIN);
        assertThat(adminOnly.roleOf("Bearer viewer-22d7b3")).isEmpty();
        assertThat(adminOnly.any()).isTrue();
    }

    @Test
    void empty_tokens_are_no_tokens_and_an_empty_bearer_never_matches_them() {
        Tokens none = new Tokens("", null);
        assertThat(none.any()).isFalse();
        assertThat(none.roleOf("Bearer ")).isEmpty();
        assertThat(none.roleOf("Bearer x")).isEmpty();
    }

    @Test
    void a_token_never_shows_in_the_object() {
        assertThat(tokens.toString()).doesNotContain("admin-6c1f0e9a", "viewer-22d7b3");
    }
}
