package dev.homefleet.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretTest {

    @TempDir
    Path home;

    @Test
    void an_env_reference_resolves_from_the_environment_and_prints_as_the_reference() throws Exception {
        Secret secret = Secret.parse("${BOT_TOKEN}");
        assertThat(secret.resolve(Map.of("BOT_TOKEN", "123:abc"), home)).contains("123:abc");
        assertThat(secret.resolve(Map.of(), home)).isEmpty();
        assertThat(secret.toString()).isEqualTo("${BOT_TOKEN}").doesNotContain("123:abc");
    }

    @Test
    void a_file_reference_reads_a_private_file_below_home() throws Exception {
        Path file = Files.writeString(home.resolve("token"), "s3cret\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        assertThat(Secret.parse("file:~/token").resolve(Map.of(), home)).contains("s3cret");
    }

    @Test
    void a_file_others_can_read_is_refused_with_the_chmod_that_fixes_it() throws Exception {
        Path file = Files.writeString(home.resolve("token"), "s3cret");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> Secret.parse("file:~/token").resolve(Map.of(), home))
                .hasMessage(file + " can be read by others; run: chmod 600 " + file);
    }

    @Test
    void anything_else_is_not_a_reference() {
        assertThatThrownBy(() -> Secret.parse("123456:ABC-DEF")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("123456");
        assertThatThrownBy(() -> Secret.parse("${TOKEN:-inline}")).isInstanceOf(IllegalArgumentException.class);
    }
}
