package dev.homefleet.controller.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.homefleet.core.config.FleetConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.jmdns.ServiceInfo;
import org.junit.jupiter.api.Test;

/** How answers are compared with fleet.yaml, without a network: service records made by hand. */
class FleetBrowserCompareTest {

    private static final FleetConfig FLEET = TestFleet.parse(TestFleet.yaml("macmini", 8421, "msi", 8422,
            "felipes-macbook-pro.local", "felipes-mac-mini.local"));

    private static ServiceInfo answer(String instance, int port, Map<String, String> txt) {
        return ServiceInfo.create("_homefleet._tcp.local.", instance, port, 0, 0, txt);
    }

    private static DiscoveryReport compare(ServiceInfo... answers) {
        return FleetBrowser.compare(FLEET, "127.0.0.1", Duration.ofSeconds(5), List.of(answers), List.of());
    }

    @Test
    void an_agent_on_the_port_fleet_yaml_gives_is_known_without_a_note() {
        DiscoveryReport report = compare(answer("macmini", 8421, Map.of("machine", "macmini", "version", "0.1.0")));

        assertThat(report.agents()).containsExactly(new FoundAgent("macmini", null, 8421, "0.1.0", true, null));
        assertThat(report.silent()).containsExactly(new SilentMachine("msi", 8422));
    }

    @Test
    void an_agent_on_another_port_than_fleet_yaml_gives_is_known_with_the_expected_port() {
        DiscoveryReport report = compare(answer("macmini", 9999, Map.of("machine", "macmini")));

        assertThat(report.agents()).singleElement().extracting(FoundAgent::note).isEqualTo("fleet.yaml says port 8421");
        assertThat(report.silent()).extracting(SilentMachine::machine).containsExactly("msi");
    }

    @Test
    void an_agent_on_a_fleet_machine_without_an_agent_block_is_known_and_says_so() {
        DiscoveryReport report = compare(answer("laptop", 8421, Map.of("machine", "laptop")));

        assertThat(report.agents()).singleElement()
                .extracting(FoundAgent::known, FoundAgent::note)
                .containsExactly(true, "fleet.yaml declares no agent on this machine");
    }

    @Test
    void an_unknown_machine_close_to_a_fleet_name_gets_a_did_you_mean() {
        DiscoveryReport report = compare(answer("macmni", 8421, Map.of("machine", "macmni")));

        assertThat(report.agents()).singleElement()
                .extracting(FoundAgent::known, FoundAgent::note)
                .containsExactly(false, "not in fleet.yaml; did you mean 'macmini'?");
        assertThat(report.silent()).extracting(SilentMachine::machine).containsExactly("macmini", "msi");
    }

    @Test
    void without_a_machine_txt_record_the_instance_name_is_the_machine_and_the_txt_port_fills_in() {
        DiscoveryReport report = compare(answer("msi", 0, Map.of("port", "8422")));

        assertThat(report.agents()).containsExactly(new FoundAgent("msi", null, 8422, null, true, null));
    }

    @Test
    void known_agents_come_first_then_unknown_ones_each_by_name() {
        DiscoveryReport report = compare(
                answer("zed", 1, Map.of("machine", "zed")),
                answer("msi", 8422, Map.of("machine", "msi")),
                answer("alpha", 1, Map.of("machine", "alpha")),
                answer("macmini", 8421, Map.of("machine", "macmini")));

        assertThat(report.agents()).extracting(FoundAgent::machine).containsExactly("macmini", "msi", "alpha", "zed");
        assertThat(report.silent()).isEmpty();
    }
}
