package dev.homefleet.controller.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.homefleet.agent.discovery.AgentAdvertiser;
import dev.homefleet.controller.cli.CliContext;
import dev.homefleet.controller.cli.DiscoverCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code fleet discover} as a person runs it, always with {@code --interface 127.0.0.1} so that nothing leaves
 * this machine.
 */
@Timeout(90)
class DiscoverCommandTest {

    private static final String KNOWN = TestFleet.unique("known");
    private static final String SILENT = TestFleet.unique("silent");
    private static final String STRANGER = TestFleet.unique("stranger");

    private static AgentAdvertiser knownAgent;
    private static AgentAdvertiser strangerAgent;
    private static FleetBrowser watcher;

    @TempDir
    Path cwd;

    record Run(int exitCode, String out, String err) {}

    /**
     * A new agent takes about 4 s to probe and announce; an announced one is found by a fresh browser in well
     * under a second. Wait for the announcements here, so the command's short timeout only has to listen.
     */
    @BeforeAll
    static void advertiseTwoAgents() throws Exception {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        knownAgent = AgentAdvertiser.start(loopback, KNOWN, 18451, "0.1.0-test");
        strangerAgent = AgentAdvertiser.start(loopback, STRANGER, 18453, "0.0.9");
        watcher = FleetBrowser.open(loopback, TestFleet.parse(TestFleet.yaml(KNOWN, 18451, SILENT, 18452,
                "laptop.local", "mini.local")));
        Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                .until(() -> watcher.report().agents().stream()
                        .filter(a -> a.host() != null && a.version() != null)
                        .map(FoundAgent::machine).toList(), seen -> seen.containsAll(List.of(KNOWN, STRANGER)));
    }

    @AfterAll
    static void stopAgents() {
        CompletableFuture.allOf(CompletableFuture.runAsync(() -> close(knownAgent)),
                CompletableFuture.runAsync(() -> close(strangerAgent)),
                CompletableFuture.runAsync(() -> close(watcher))).join();
    }

    private static void close(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private Run discover(String... args) throws Exception {
        Files.writeString(cwd.resolve("fleet.yaml"),
                TestFleet.yaml(KNOWN, 18451, SILENT, 18452, "laptop-" + KNOWN + ".local", "mini-" + KNOWN + ".local"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine line = new CommandLine(new DiscoverCommand(new CliContext(Map.of(), cwd, cwd.resolve("home"))));
        line.setOut(new PrintWriter(out, true));
        line.setErr(new PrintWriter(err, true));
        int code = line.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void the_table_shows_known_and_unknown_agents_the_machines_that_did_not_answer_and_the_names() throws Exception {
        long start = System.nanoTime();
        Run run = discover("--interface", "127.0.0.1", "--timeout", "3s");
        System.out.printf("fleet discover --timeout 3s took %d ms%n", (System.nanoTime() - start) / 1_000_000);

        assertThat(run.exitCode()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out()).startsWith("Listened on 127.0.0.1 for 3s");
        assertThat(run.out()).containsPattern("(?m)^MACHINE +FLEET +ADDRESS +PORT +VERSION +NOTE$");
        assertThat(run.out()).containsPattern("(?m)^" + KNOWN + " +known +127\\.0\\.0\\.1 +18451 +0\\.1\\.0-test +-$");
        assertThat(run.out()).containsPattern(
                "(?m)^" + STRANGER + " +unknown +127\\.0\\.0\\.1 +18453 +0\\.0\\.9 +not in fleet\\.yaml$");
        assertThat(run.out()).contains("Machines with an agent that did not answer:\n");
        assertThat(run.out()).containsPattern("(?m)^" + SILENT + " +18452$");
        assertThat(run.out()).contains("mDNS names:\n");
        assertThat(run.out()).containsPattern("(?m)^laptop +laptop-" + KNOWN + "\\.local +unresolved$");
    }

    @Test
    void json_reports_the_same_as_data() throws Exception {
        Run run = discover("--interface", "127.0.0.1", "--timeout", "3s", "--json");

        assertThat(run.exitCode()).isZero();
        JsonNode report = new ObjectMapper().readTree(run.out());
        assertThat(report.get("address").asText()).isEqualTo("127.0.0.1");
        assertThat(report.get("listened").asText()).isEqualTo("3s");
        JsonNode known = find(report.get("agents"), KNOWN);
        assertThat(known.get("known").asBoolean()).isTrue();
        assertThat(known.get("host").asText()).isEqualTo("127.0.0.1");
        assertThat(known.get("port").asInt()).isEqualTo(18451);
        assertThat(known.get("version").asText()).isEqualTo("0.1.0-test");
        assertThat(find(report.get("agents"), STRANGER).get("known").asBoolean()).isFalse();
        assertThat(find(report.get("silent"), SILENT).get("port").asInt()).isEqualTo(18452);
        assertThat(find(report.get("names"), "laptop").get("address").isNull()).isTrue();
    }

    @Test
    void an_address_that_is_not_this_machines_is_refused_before_listening() throws Exception {
        Run run = discover("--interface", "198.51.100.1");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("'198.51.100.1' is not an address of this machine");
    }

    @Test
    void a_host_name_for_the_interface_is_refused_without_looking_it_up() throws Exception {
        Run run = discover("--interface", "felipes-mac-mini.local");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("'felipes-mac-mini.local' is not an IP address; give one of this machine's");
    }

    @Test
    void a_timeout_without_a_unit_or_over_a_minute_is_refused_with_the_rule() throws Exception {
        assertThat(discover("--interface", "127.0.0.1", "--timeout", "5").err())
                .contains("'5' has no unit; write it with one, e.g. 5s or 5m");
        assertThat(discover("--interface", "127.0.0.1", "--timeout", "2m").err())
                .contains("'2m' is out of range; listen for more than 0s and at most 1m");
    }

    private static JsonNode find(JsonNode array, String machine) {
        for (JsonNode item : array) {
            if (item.get("machine").asText().equals(machine)) {
                return item;
            }
        }
        throw new AssertionError(machine + " not in " + array);
    }
}
