package dev.homefleet.agent.failover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.homefleet.core.config.FleetConfig;
import java.net.URI;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Where a standby's agent posts its failover transitions, from the controller's bind and machine in fleet.yaml. */
class ControllerEventsEndpointTest {

    private static Optional<URI> endpoint(String bind, String bookLan, String from) {
        FleetConfig config = FailoverFleet.parse("""
                version: 1
                controller:
                  machine: book
                  bind: %s
                  port: 8420
                  tokens:
                    admin: ${NOT_NEEDED_TO_PARSE}
                machines:
                  book:
                    os: macos
                    addresses:
                      lan: %s
                      tailscale: 100.125.165.107
                    reach:
                      via: local
                  mini:
                    os: macos
                    addresses:
                      lan: 192.168.1.20
                    reach:
                      via: none
                """.formatted(bind, bookLan));
        return ControllerEvents.endpoint(config, config.machines().get(from));
    }

    @Test
    void another_machine_posts_to_the_controller_machines_lan_address_when_it_listens_on_every_address() {
        assertThat(endpoint("all", "192.168.1.10", "mini"))
                .contains(URI.create("http://192.168.1.10:8420/api/v1/failover/events"));
    }

    @Test
    void another_machine_posts_to_the_address_the_controller_is_bound_to() {
        assertThat(endpoint("tailscale", "192.168.1.10", "mini"))
                .contains(URI.create("http://100.125.165.107:8420/api/v1/failover/events"));
    }

    @Test
    void the_controller_on_loopback_of_another_machine_cannot_be_told() {
        assertThat(endpoint("loopback", "192.168.1.10", "mini")).isEmpty();
    }

    @Test
    void a_controller_machine_on_this_host_is_reached_on_loopback_as_in_the_demo() {
        assertThat(endpoint("loopback", "127.0.0.1", "mini"))
                .contains(URI.create("http://127.0.0.1:8420/api/v1/failover/events"));
    }

    @Test
    void the_controllers_own_machine_posts_to_loopback() {
        assertThat(endpoint("all", "192.168.1.10", "book"))
                .contains(URI.create("http://127.0.0.1:8420/api/v1/failover/events"));
    }
}
