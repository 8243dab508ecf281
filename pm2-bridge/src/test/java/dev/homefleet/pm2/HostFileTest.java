package dev.homefleet.pm2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.homefleet.core.exec.LocalCommandRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostFileTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private HostFile file(Path path) {
        return new HostFile(new LocalCommandRunner(), path.toString(), TIMEOUT);
    }

    @Test
    void a_missing_file_reads_as_empty() throws Exception {
        assertThat(file(dir.resolve("nothing.config.js")).read()).isEmpty();
    }

    @Test
    void what_is_written_is_read_back_byte_for_byte_with_its_directory_made_and_nothing_left_beside_it()
            throws Exception {
        Path path = dir.resolve("it's a \"dir\" $(x)/eco system.config.js");
        String text = "// café ☕ 'quotes' \"double\" `tick` $HOME \\ back\n"
                + "module.exports = {\"apps\": []};\n\n";

        file(path).write(text);

        assertThat(Files.readString(path)).isEqualTo(text);
        assertThat(file(path).read()).contains(text);
        assertThat(Files.getPosixFilePermissions(path)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        try (var beside = Files.list(path.getParent())) {
            assertThat(beside).containsExactly(path);
        }
    }

    @Test
    void a_write_replaces_the_whole_file() throws Exception {
        Path path = dir.resolve("eco.config.js");
        Files.writeString(path, "x".repeat(10_000));

        file(path).write("short");

        assertThat(Files.readString(path)).isEqualTo("short");
    }

    @Test
    void a_file_that_cannot_be_written_is_an_ioexception_naming_it() throws Exception {
        Path blocker = Files.writeString(dir.resolve("not-a-dir"), "");
        Path path = blocker.resolve("eco.config.js");

        assertThatThrownBy(() -> file(path).write("x"))
                .hasMessageStartingWith("cannot write " + path + " on local: ");
        try (var left = Files.list(dir)) {
            assertThat(left).containsExactly(blocker);
        }
    }

    @Test
    void a_relative_path_is_refused_because_nobody_chose_the_remote_working_directory() {
        assertThatThrownBy(() -> new HostFile(new LocalCommandRunner(), "~/eco.config.js", TIMEOUT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("'~/eco.config.js' is not an absolute path");
    }
}
