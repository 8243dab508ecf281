package dev.homefleet.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JvmOptionsTest {

    @TempDir
    Path dir;

    @Test
    void flags_are_read_as_the_launcher_reads_them_comments_and_blank_lines_dropped() throws Exception {
        Path file = Files.writeString(dir.resolve("jvm.options"), """
                # the launcher's flags
                -XX:+UseSerialGC

                -Xmx128m   # a heap cap
                  -Xss512k -XX:+ExitOnOutOfMemoryError
                """);

        assertThat(JvmOptions.read(file))
                .containsExactly("-XX:+UseSerialGC", "-Xmx128m", "-Xss512k", "-XX:+ExitOnOutOfMemoryError");
    }

    @Test
    void a_file_of_comments_gives_no_flag() throws Exception {
        assertThat(JvmOptions.read(Files.writeString(dir.resolve("jvm.options"), "# none\n"))).isEmpty();
    }
}
