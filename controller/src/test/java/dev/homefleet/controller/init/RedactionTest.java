package dev.homefleet.controller.init;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RedactionTest {

    @Test
    void secrets_in_a_command_line_are_redacted_and_the_rest_is_kept() {
        List<String> argv = List.of("/usr/bin/node", "server.js", "--token", "abc123", "--api-key=xyz",
                "--port", "3000", "--db", "postgres://app:hunter2@localhost/app", "--password", "--verbose");

        assertThat(Redaction.argv(argv)).containsExactly("/usr/bin/node", "server.js", "--token", "<redacted>",
                "--api-key=<redacted>", "--port", "3000", "--db", "postgres://app:<redacted>@localhost/app",
                "--password", "--verbose");
    }
}
