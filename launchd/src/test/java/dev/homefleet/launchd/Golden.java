package dev.homefleet.launchd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Golden files under {@code src/test/resources/golden/}. Run the tests with {@code -Dhomefleet.golden.update=true}
 * to rewrite them from the code, then read the diff before committing it.
 */
public final class Golden {

    private static final Path DIRECTORY = Path.of("src/test/resources/golden");

    private Golden() {}

    public static void assertMatches(String name, String actual) throws IOException {
        Path file = DIRECTORY.resolve(name);
        if (Boolean.getBoolean("homefleet.golden.update")) {
            Files.writeString(file, actual);
        }
        assertThat(file).as("golden file %s (rewrite with -Dhomefleet.golden.update=true)", file).exists();
        assertThat(actual).as("rendering compared with %s", file).isEqualTo(Files.readString(file));
    }

    /** A file under {@code src/test/resources/}, such as {@code plists/com.clawdbot.gateway.plist}. */
    public static byte[] testResource(String path) throws IOException {
        return Files.readAllBytes(Path.of("src/test/resources").resolve(path));
    }
}
