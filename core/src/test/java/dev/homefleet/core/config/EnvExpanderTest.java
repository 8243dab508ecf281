package dev.homefleet.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvExpanderTest {

    private final EnvExpander env = new EnvExpander(Map.of("HOST", "10.0.0.2", "EMPTY", "", "DOLLAR", "${X}"));

    @Test
    void references_expand_from_the_environment() {
        assertThat(env.expand("http://${HOST}:11434")).isEqualTo("http://10.0.0.2:11434");
    }

    @Test
    void a_default_covers_an_unset_or_empty_variable_like_a_posix_shell() {
        assertThat(env.expand("${PORT:-18789}")).isEqualTo("18789");
        assertThat(env.expand("${EMPTY:-fallback}")).isEqualTo("fallback");
        assertThat(env.expand("${HOST:-fallback}")).isEqualTo("10.0.0.2");
        assertThat(env.expand("${PORT:-}")).isEmpty();
    }

    @Test
    void double_dollar_is_a_literal_dollar_and_values_are_not_expanded_twice() {
        assertThat(env.expand("cost: $$5")).isEqualTo("cost: $5");
        assertThat(env.expand("${DOLLAR}")).isEqualTo("${X}");
    }

    @Test
    void an_unset_variable_without_default_names_the_variable_and_the_fix() {
        assertThatThrownBy(() -> env.expand("${NOPE}")).hasMessage("environment variable NOPE is not set; export "
                + "NOPE=... before starting homefleet, or write ${NOPE:-default}");
    }

    @Test
    void a_malformed_reference_is_refused() {
        assertThatThrownBy(() -> env.expand("${not closed")).hasMessage(
                "'${not closed' has a malformed ${...} reference; write ${NAME} or ${NAME:-default}");
    }
}
