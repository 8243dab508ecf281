package dev.homefleet.launchd.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.homefleet.launchd.FakeLaunchctl;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MachineFilesTest {

    @TempDir
    Path dir;

    private FakeLaunchctl fake;
    private MachineFiles files;

    @BeforeEach
    void filesOfTheRunnersMachine() throws Exception {
        fake = FakeLaunchctl.in(dir);
        files = new MachineFiles(fake.runner());
    }

    @Test
    void content_that_a_shell_would_read_as_syntax_is_written_and_read_back_byte_for_byte() throws Exception {
        String content = "$(touch " + dir + "/pwned) `id` ; rm -rf ~ ' \" \\ %s %% \n\ttab é 🚀\n-n -e\n";
        String path = dir.resolve("weird $name 'x'.plist").toString();

        files.write(path, content);

        assertThat(Files.readString(Path.of(path))).isEqualTo(content);
        assertThat(new String(files.read(path), StandardCharsets.UTF_8)).isEqualTo(content);
        assertThat(dir.resolve("pwned")).doesNotExist();
    }

    @Test
    void binary_content_survives_reading() throws Exception {
        byte[] bytes = new byte[256];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) i;
        }
        Path file = dir.resolve("binary.plist");
        Files.write(file, bytes);

        assertThat(files.read(file.toString())).isEqualTo(bytes);
    }

    @Test
    void home_is_the_runners_home_and_a_tilde_expands_to_it() throws Exception {
        assertThat(files.home()).isEqualTo(fake.home().toString());
        assertThat(files.expandHome("~/Library/LaunchAgents/x.plist"))
                .isEqualTo(fake.home() + "/Library/LaunchAgents/x.plist");
        assertThat(files.expandHome("/etc/x")).isEqualTo("/etc/x");
    }

    @Test
    void tail_of_a_missing_file_is_empty_and_of_a_present_one_its_last_lines() throws Exception {
        Path log = dir.resolve("x.log");
        Files.writeString(log, "1\n2\n3\n");

        assertThat(files.tail(dir.resolve("missing.log").toString(), 5)).isEmpty();
        assertThat(files.tail(log.toString(), 2)).contains(List.of("2", "3"));
    }

    @Test
    void reading_a_missing_file_says_which_file_and_where() {
        assertThatThrownBy(() -> files.read(dir.resolve("missing.plist").toString()))
                .hasMessageStartingWith("cannot read " + dir.resolve("missing.plist") + " on local (exit ");
    }
}
