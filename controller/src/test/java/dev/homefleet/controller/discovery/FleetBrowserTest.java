package dev.homefleet.controller.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.homefleet.agent.discovery.AgentAdvertiser;
import dev.homefleet.core.config.FleetConfig;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import javax.jmdns.JmDNS;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Real mDNS on loopback: agents advertised with {@link AgentAdvertiser}, a host answering for its .local name, and
 * the browser, all bound to 127.0.0.1. They share one browse so the class waits for JmDNS (2-5 s) only once.
 */
@Timeout(90)
class FleetBrowserTest {

    /** JmDNS on loopback here finds a new service in 2-5 s; allow for a loaded machine. */
    private static final Duration WITHIN = Duration.ofSeconds(15);

    private static final String KNOWN = TestFleet.unique("known");
    private static final String SILENT = TestFleet.unique("silent");
    private static final String STRANGER = TestFleet.unique("stranger");
    private static final String LAPTOP_HOST = TestFleet.unique("laptop-host");
    private static final String NOBODY_HOST = TestFleet.unique("nobody");

    private static InetAddress loopback;
    private static AgentAdvertiser knownAgent;
    private static AgentAdvertiser strangerAgent;
    private static JmDNS laptopHost;
    private static FleetBrowser browser;
    private static long advertisedAt;

    @BeforeAll
    static void advertiseAndBrowseOnLoopback() throws Exception {
        loopback = InetAddress.getByName("127.0.0.1");
        FleetConfig fleet = TestFleet.parse(TestFleet.yaml(KNOWN, 18441, SILENT, 18442, LAPTOP_HOST + ".local",
                NOBODY_HOST + ".local"));
        advertisedAt = System.nanoTime();
        knownAgent = AgentAdvertiser.start(loopback, KNOWN, 18441, "0.1.0-test");
        strangerAgent = AgentAdvertiser.start(loopback, STRANGER, 18443, "0.0.9");
        laptopHost = JmDNS.create(loopback, LAPTOP_HOST);
        browser = FleetBrowser.open(loopback, fleet);
    }

    @AfterAll
    static void closeEverything() {
        // JmDNS takes about 2 s to close each instance; close them side by side.
        CompletableFuture.allOf(
                CompletableFuture.runAsync(() -> quietly(browser)),
                CompletableFuture.runAsync(() -> quietly(knownAgent)),
                CompletableFuture.runAsync(() -> quietly(strangerAgent)),
                CompletableFuture.runAsync(() -> quietly(laptopHost))).join();
    }

    private static void quietly(AutoCloseable closeable) {
        try {
            if (closeable != null) {
                closeable.close();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static FoundAgent awaitAgent(String machine) {
        return await().atMost(WITHIN).pollInterval(Duration.ofMillis(100))
                .until(() -> browser.report().agents().stream()
                        .filter(a -> a.machine().equals(machine) && a.host() != null).findFirst(),
                        Optional::isPresent)
                .get();
    }

    @Test
    void an_advertised_fleet_machine_is_found_as_known_with_its_address_port_and_version() {
        FoundAgent agent = awaitAgent(KNOWN);

        System.out.printf("%s found %d ms after it was advertised%n", KNOWN,
                (System.nanoTime() - advertisedAt) / 1_000_000);
        assertThat(agent).isEqualTo(new FoundAgent(KNOWN, "127.0.0.1", 18441, "0.1.0-test", true, null));
    }

    @Test
    void an_advertised_machine_that_is_not_in_fleet_yaml_is_reported_unknown() {
        FoundAgent agent = awaitAgent(STRANGER);

        assertThat(agent.known()).isFalse();
        assertThat(agent.note()).isEqualTo("not in fleet.yaml");
        assertThat(agent.port()).isEqualTo(18443);
        assertThat(agent.version()).isEqualTo("0.0.9");
    }

    @Test
    void a_fleet_machine_whose_agent_is_not_advertised_is_reported_as_not_answering() {
        awaitAgent(KNOWN);
        DiscoveryReport report = browser.report();

        assertThat(report.silent()).contains(new SilentMachine(SILENT, 18442));
        assertThat(report.silent()).extracting(SilentMachine::machine).doesNotContain(KNOWN, "laptop");
        assertThat(report.agents()).extracting(FoundAgent::machine).doesNotContain(SILENT);
    }

    @Test
    void a_local_name_a_host_answers_for_resolves_and_one_nobody_answers_for_is_reported_unresolved() {
        MdnsName laptop = await().atMost(WITHIN).pollInterval(Duration.ofMillis(100))
                .until(() -> name("laptop"), MdnsName::resolved);

        assertThat(laptop).isEqualTo(new MdnsName("laptop", LAPTOP_HOST + ".local", "127.0.0.1"));
        assertThat(name(KNOWN)).isEqualTo(new MdnsName(KNOWN, NOBODY_HOST + ".local", null));
        assertThat(browser.report().names()).extracting(MdnsName::machine).containsExactly("laptop", KNOWN);
    }

    private static MdnsName name(String machine) {
        List<MdnsName> names = browser.report().names();
        return names.stream().filter(n -> n.machine().equals(machine)).findFirst().orElseThrow();
    }
}
