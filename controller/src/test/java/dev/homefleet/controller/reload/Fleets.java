package dev.homefleet.controller.reload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.homefleet.core.config.FleetConfig;
import dev.homefleet.core.config.FleetConfigLoader;
import dev.homefleet.core.config.LoadResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** The fleet.yaml shipped at the project root, and edits of its text. */
final class Fleets {

    /** Every ${NAME} the shipped file and the tests' edits refer to, so loading warns about nothing it need not. */
    static final Map<String, String> ENV = Map.of(
            "HOMEFLEET_ADMIN_TOKEN", "admin-token", "HOMEFLEET_ADMIN_TOKEN_2", "admin-token-2",
            "HOMEFLEET_VIEWER_TOKEN", "viewer-token", "HOMEFLEET_AGENT_TOKEN", "agent-token",
            "HOMEFLEET_TELEGRAM_BOT_TOKEN", "1:bot", "APHOS_API_KEY", "hunter2");

    private Fleets() {}

    static String shipped() {
        try {
            return Files.readString(Path.of("..", "fleet.yaml"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static FleetConfig load(String text) {
        LoadResult result = new FleetConfigLoader(ENV).parse(text, "fleet.yaml");
        assertThat(result.errors()).as("the edited fleet.yaml is valid").isEmpty();
        return result.config();
    }

    /** {@code text} with each {@code from} (which must occur exactly once) replaced by the {@code to} after it. */
    static String edit(String text, String... fromTo) {
        String out = text;
        for (int i = 0; i < fromTo.length; i += 2) {
            String from = fromTo[i];
            int at = out.indexOf(from);
            assertThat(at).as("'%s' is in the file", from).isNotNegative();
            assertThat(out.indexOf(from, at + 1)).as("'%s' is in the file only once", from).isNegative();
            out = out.substring(0, at) + fromTo[i + 1] + out.substring(at + from.length());
        }
        return out;
    }
}
