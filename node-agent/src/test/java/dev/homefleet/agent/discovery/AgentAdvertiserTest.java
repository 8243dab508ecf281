package dev.homefleet.agent.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import javax.jmdns.JmDNS;
import javax.jmdns.ServiceEvent;
import javax.jmdns.ServiceInfo;
import javax.jmdns.ServiceListener;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Real mDNS on loopback: the advertiser and a plain JmDNS browser both bound to 127.0.0.1. Other processes on
 * this machine may advertise the same service type, so every test looks only for a machine name of its own.
 */
@Timeout(60)
class AgentAdvertiserTest {

    /** JmDNS on loopback here finds a new service in 2-5 s; allow for a loaded machine. */
    private static final Duration FOUND_WITHIN = Duration.ofSeconds(15);

    private static InetAddress loopback;
    private static JmDNS browser;
    private static final Map<String, ServiceInfo> resolved = new ConcurrentHashMap<>();
    private static final Map<String, Boolean> removed = new ConcurrentHashMap<>();

    @BeforeAll
    static void browseOnLoopback() throws Exception {
        loopback = InetAddress.getByName("127.0.0.1");
        browser = JmDNS.create(loopback, "homefleet-test-browser");
        browser.addServiceListener(AgentAdvertiser.SERVICE_TYPE, new ServiceListener() {
            @Override
            public void serviceAdded(ServiceEvent event) {
                event.getDNS().requestServiceInfo(event.getType(), event.getName());
            }

            @Override
            public void serviceRemoved(ServiceEvent event) {
                removed.put(event.getName(), true);
            }

            @Override
            public void serviceResolved(ServiceEvent event) {
                String machine = event.getInfo().getPropertyString(AgentAdvertiser.TXT_MACHINE);
                if (machine != null) {
                    resolved.put(machine, event.getInfo());
                }
            }
        });
    }

    @AfterAll
    static void closeBrowser() throws Exception {
        browser.close();
    }

    private static String uniqueMachine() {
        return "test-" + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 30), 36);
    }

    @Test
    void a_browser_on_loopback_finds_the_agent_with_its_machine_version_and_port() throws Exception {
        String machine = uniqueMachine();
        long start = System.nanoTime();
        try (AgentAdvertiser advertiser = AgentAdvertiser.start(loopback, machine, 18421, "0.1.0-test")) {
            ServiceInfo info = await().atMost(FOUND_WITHIN).pollInterval(Duration.ofMillis(100))
                    .until(() -> Optional.ofNullable(resolved.get(machine)), Optional::isPresent).get();

            System.out.printf("found %s after %d ms%n", machine, (System.nanoTime() - start) / 1_000_000);
            assertThat(advertiser.instanceName()).isEqualTo(machine);
            assertThat(info.getName()).isEqualTo(machine);
            assertThat(info.getPort()).isEqualTo(18421);
            assertThat(info.getPropertyString("version")).isEqualTo("0.1.0-test");
            assertThat(info.getPropertyString("port")).isEqualTo("18421");
            assertThat(info.getInet4Addresses()).extracting(InetAddress::getHostAddress).contains("127.0.0.1");
        }
    }

    @Test
    void close_withdraws_the_service_so_browsers_forget_the_agent() throws Exception {
        String machine = uniqueMachine();
        AgentAdvertiser advertiser = AgentAdvertiser.start(loopback, machine, 18422, "0.1.0-test");
        await().atMost(FOUND_WITHIN).until(() -> resolved.containsKey(machine));

        long start = System.nanoTime();
        advertiser.close();
        long closing = (System.nanoTime() - start) / 1_000_000;
        advertiser.close();

        await().atMost(FOUND_WITHIN).until(() -> removed.containsKey(machine));
        System.out.printf("close took %d ms; browser saw %s leave after %d ms%n", closing, machine,
                (System.nanoTime() - start) / 1_000_000);
    }

    @Test
    void arguments_that_cannot_be_advertised_are_refused_with_the_rule() {
        assertThatThrownBy(() -> AgentAdvertiser.start(loopback, "macmini", 0, "0.1.0"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("port must be from 1 to 65535, was 0");
        assertThatThrownBy(() -> AgentAdvertiser.start(loopback, " ", 8421, "0.1.0"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("machine must be the machine's name in fleet.yaml, was blank");
    }
}
