package dev.homefleet.launchd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dd.plist.NSDictionary;
import com.dd.plist.PropertyListParser;
import dev.homefleet.launchd.plist.PlistWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every plist file of the module, shipped or golden, is valid under Apple's DTD and parses with dd-plist. */
class PlistFilesTest {

    static Stream<Path> plistFiles() throws IOException {
        return Stream.of(Path.of("templates"), Path.of("src/test/resources/golden"),
                        Path.of("src/test/resources/plists"))
                .flatMap(dir -> {
                    try {
                        return Files.list(dir).filter(f -> f.toString().endsWith(".plist")).sorted().toList().stream();
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("plistFiles")
    void the_file_is_valid_under_apples_plist_dtd_and_parses_as_a_dictionary(Path file) throws Exception {
        AppleDtd.validate(Files.readString(file));

        assertThat(PropertyListParser.parse(file)).isInstanceOf(NSDictionary.class);
    }

    @Test
    void the_dtd_check_itself_rejects_what_the_dtd_does_not_allow() {
        String stringWithoutKey = PlistWriter.write(new NSDictionary()).replace("<dict/>", "<dict><string>x</string></dict>");

        assertThatThrownBy(() -> AppleDtd.validate(stringWithoutKey)).hasMessageContaining("line 4");
    }

    @Test
    void there_are_templates_and_golden_files_to_check() throws IOException {
        assertThat(plistFiles().map(f -> f.getFileName().toString()))
                .contains("dev.homefleet.controller.plist", "dev.homefleet.agent.plist", "xml-special.plist");
    }
}
