package dev.homefleet.core.service.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.homefleet.core.exec.LocalCommandRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvFileTest {

    private static final Map<String, String> HOSTILE = new LinkedHashMap<>();

    static {
        HOSTILE.put("PLAIN", "production");
        HOSTILE.put("EMPTY", "");
        HOSTILE.put("SPACES", " a  b ");
        HOSTILE.put("SINGLE", "it's");
        HOSTILE.put("DOUBLE", "\"quoted\"");
        HOSTILE.put("DOLLAR", "$HOME $(id) ${x:-y} `id`");
        HOSTILE.put("BACKSLASH", "C:\\Users\\x\\");
        HOSTILE.put("NEWLINES", "one\ntwo\n\nthree");
        HOSTILE.put("HASH", "# not a comment");
        HOSTILE.put("TILDE", "~/x:~root");
        HOSTILE.put("EQUALS", "a=b==c");
        HOSTILE.put("UNICODE", "caf\u00e9 \u2018x\u2019 \ud83d\ude00");
        HOSTILE.put("if", "fi");
    }

    @Test
    void each_value_is_one_export_line_quoted_for_sh() {
        assertThat(EnvFile.format(Map.of("NODE_ENV", "production"))).isEqualTo("export NODE_ENV=production\n");
        assertThat(EnvFile.format(Map.of("GREETING", "it's on"))).isEqualTo("export GREETING='it'\\''s on'\n");
        assertThat(EnvFile.format(Map.of())).isEmpty();
    }

    @Test
    void what_is_written_reads_back_verbatim() {
        assertThat(EnvFile.parse(EnvFile.format(HOSTILE))).containsExactlyEntriesOf(HOSTILE);
    }

    @Test
    void what_is_written_is_what_sh_gives_the_program(@TempDir Path temp) throws IOException {
        Path file = Files.writeString(temp.resolve("env"), EnvFile.format(HOSTILE));
        StringBuilder printNull = new StringBuilder("set -a; . \"$1\"; set +a");
        HOSTILE.keySet().forEach(name -> printNull.append("; printf '%s\\0' \"$").append(name).append('"'));

        String out = new LocalCommandRunner().run(List.of("/bin/sh", "-c", printNull.toString(), "sh",
                file.toString()), Duration.ofSeconds(10)).stdout();

        List<String> expected = new ArrayList<>(HOSTILE.values());
        expected.add("");
        assertThat(out.split("\0", -1)).containsExactlyElementsOf(expected);
    }

    @Test
    void a_hand_written_file_reads_as_sh_would_read_it() {
        String file = """
                # written by hand
                export A=1
                B='two words'   # a comment
                C="double \\"quoted\\" \\$ \\\\ \\` x"; D=plain\\ escaped

                   export E=''
                F=a'b'"c"\\d
                """;

        assertThat(EnvFile.parse(file)).containsExactly(
                Map.entry("A", "1"), Map.entry("B", "two words"), Map.entry("C", "double \"quoted\" $ \\ ` x"),
                Map.entry("D", "plain escaped"), Map.entry("E", ""), Map.entry("F", "abcd"));
    }

    @Test
    void what_sh_would_expand_or_cannot_parse_is_refused_with_its_line() {
        assertThatThrownBy(() -> EnvFile.parse("A=1\nB=$HOME\n"))
                .hasMessage("line 2: '$' would make sh expand something; quote the value in single quotes");
        assertThatThrownBy(() -> EnvFile.parse("A=\"`id`\"\n"))
                .hasMessage("line 1: '`' would make sh expand something; quote the value in single quotes");
        assertThatThrownBy(() -> EnvFile.parse("A='open\n"))
                .hasMessage("line 1: a single quote is never closed");
        assertThatThrownBy(() -> EnvFile.parse("A=1 B=2\n"))
                .hasMessage("line 1: expected the end of the line after the value");
        assertThatThrownBy(() -> EnvFile.parse("echo hi\n")).hasMessage("line 1: expected '='");
        assertThatThrownBy(() -> EnvFile.parse("9X=1\n"))
                .hasMessageStartingWith("environment variable name '9X' is not one sh can export");
    }
}
