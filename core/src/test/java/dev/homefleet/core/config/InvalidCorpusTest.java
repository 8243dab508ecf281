package dev.homefleet.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The corpus of broken fleet files in {@code src/test/resources/invalid/}: one file per kind of mistake. Each file
 * starts with comment lines, {@code # what: ...} saying what is wrong and one {@code # expect: LINE:COLUMN PATH:
 * MESSAGE} line per error the loader must report, in order (warnings are not listed). The comment lines count as
 * lines of the file.
 */
class InvalidCorpusTest {

    private static final String WHAT = "# what:";
    private static final String EXPECT = "# expect:";

    /**
     * The only environment the corpus sees. WEB_HOME and WEB_PORT are left out on purpose: a file refers to an
     * unset variable to show that error.
     */
    private static final Map<String, String> ENVIRONMENT = Map.of(
            "HOMEFLEET_ADMIN_TOKEN", "admin-token-for-tests",
            "HOMEFLEET_VIEWER_TOKEN", "viewer-token-for-tests",
            "HOMEFLEET_AGENT_TOKEN", "agent-token-for-tests",
            "HOMEFLEET_TELEGRAM_BOT_TOKEN", "telegram-token-for-tests");

    private final FleetConfigLoader loader = new FleetConfigLoader(ENVIRONMENT);

    static Stream<Path> corpus() {
        return files().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void every_broken_file_reports_exactly_its_expected_errors(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);

        LoadResult result = loader.parse(text, file.getFileName().toString());

        List<String> errors = result.errors().stream().map(InvalidCorpusTest::format).toList();
        assertThat(errors).as("errors of %s", file.getFileName()).containsExactlyElementsOf(expectations(text));
        assertThat(result.ok()).as("%s loads as ok", file.getFileName()).isFalse();
    }

    @Test
    void the_corpus_holds_at_least_thirty_files() {
        assertThat(files()).hasSizeGreaterThanOrEqualTo(30);
    }

    @Test
    void every_file_says_what_is_wrong_and_expects_at_least_one_error() throws IOException {
        for (Path file : files()) {
            List<String> header = header(Files.readString(file, StandardCharsets.UTF_8));
            assertThat(header).as("the header of %s", file.getFileName())
                    .anySatisfy(line -> assertThat(line).startsWith(WHAT))
                    .anySatisfy(line -> assertThat(line).startsWith(EXPECT));
        }
    }

    @Test
    void the_file_names_are_numbered_in_order_without_gaps() {
        List<Path> files = files();
        for (int i = 0; i < files.size(); i++) {
            assertThat(files.get(i).getFileName().toString())
                    .matches(String.format("%02d-[a-z0-9]+(-[a-z0-9]+)*\\.yaml", i + 1));
        }
    }

    @Test
    void a_loopback_service_and_a_lan_service_may_share_a_port_on_one_machine() {
        String fleet = """
                version: 1
                controller:
                  machine: macbook
                machines:
                  macbook:
                    os: macos
                    addresses:
                      lan: 192.168.1.10
                    reach:
                      via: local
                    services:
                      web-local:
                        manager:
                          type: pm2
                          name: web-local
                          script: server.js
                        port: 8080
                        bind: 127.0.0.1
                      web-lan:
                        manager:
                          type: pm2
                          name: web-lan
                          script: server.js
                        port: 8080
                        bind: lan
                """;

        LoadResult result = loader.parse(fleet, "fleet.yaml");

        assertThat(result.errors()).isEmpty();
        assertThat(result.ok()).isTrue();
    }

    /** The same shape as each {@code # expect:} line. */
    private static String format(Problem problem) {
        return problem.line() + ":" + problem.column() + " "
                + (problem.path().isEmpty() ? "" : problem.path() + ": ") + problem.message();
    }

    /** The comment lines the file starts with. */
    private static List<String> header(String text) {
        return text.lines().takeWhile(line -> line.startsWith("#")).toList();
    }

    private static List<String> expectations(String text) {
        return header(text).stream()
                .filter(line -> line.startsWith(EXPECT))
                .map(line -> line.substring(EXPECT.length()).strip())
                .toList();
    }

    /** Every corpus file, from the test classpath (target/test-classes/invalid), by name. */
    private static List<Path> files() {
        URL folder = InvalidCorpusTest.class.getResource("/invalid");
        assertThat(folder).as("the invalid/ corpus on the test classpath").isNotNull();
        try (Stream<Path> listing = Files.list(Path.of(folder.toURI()))) {
            return listing.filter(path -> path.getFileName().toString().endsWith(".yaml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
