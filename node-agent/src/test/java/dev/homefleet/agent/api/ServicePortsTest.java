package dev.homefleet.agent.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.homefleet.agent.TestFleet;
import dev.homefleet.core.config.MachineSpec;
import dev.homefleet.core.config.ServiceSpec;
import dev.homefleet.core.metrics.ListeningSocket;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ServicePortsTest {

    private static final MachineSpec BOX = TestFleet.box(3000);
    private static final ServiceSpec WEB = BOX.services().get("web");

    @ParameterizedTest(name = "a socket on {0} serves a bind of {1}: {2}")
    @CsvSource({
        "0.0.0.0,         0.0.0.0,   true",
        "::,              0.0.0.0,   true",
        "127.0.0.1,       0.0.0.0,   false",
        "192.0.2.10,      0.0.0.0,   false",
        "0.0.0.0,         127.0.0.1, true",
        "127.0.0.1,       127.0.0.1, true",
        "::1,             127.0.0.1, false",
        "192.0.2.10,      192.0.2.10, true",
        "::ffff:192.0.2.10, 192.0.2.10, true",
        "192.0.2.11,      192.0.2.10, false",
        "0:0:0:0:0:0:0:1, ::1,       true",
    })
    void a_socket_serves_a_bind_when_its_address_is_the_same_or_a_wildcard(String actual, String declared,
            boolean serves) {
        assertThat(ServicePorts.serves(actual, declared)).isEqualTo(serves);
    }

    @Test
    void a_service_listening_only_on_another_address_is_down_and_names_who_listens_where() {
        ServiceSpec lanOnly = new ServiceSpec("api", "", WEB.manager(), 3000, "all", null, null, null, null);
        ServiceStatus status = ServicePorts.status(lanOnly, BOX.addresses(),
                List.of(new ListeningSocket(3000, "127.0.0.1", 4242, "node")));
        assertThat(status).isEqualTo(new ServiceStatus("api", WEB.manager().type(), 3000, "0.0.0.0",
                ServiceStatus.State.DOWN, 4242, "node",
                "port 3000 is listening on 127.0.0.1, not on 0.0.0.0 as fleet.yaml says", null, null));
    }

    @Test
    void a_listener_whose_owner_the_os_hides_still_makes_the_service_up_without_a_pid() {
        ServiceStatus status = ServicePorts.status(WEB, BOX.addresses(),
                List.of(new ListeningSocket(3000, "0.0.0.0", -1, "")));
        assertThat(status.status()).isEqualTo(ServiceStatus.State.UP);
        assertThat(status.pid()).isNull();
        assertThat(status.process()).isNull();
        assertThat(status.reason()).isNull();
    }

    @Test
    void a_udp_service_is_unknown_because_only_tcp_listeners_are_watched() {
        ServiceSpec dns = new ServiceSpec("dns", "", WEB.manager(), 53, "all", ServiceSpec.Protocol.UDP, null, null,
                null);
        ServiceStatus status = ServicePorts.status(dns, BOX.addresses(), List.of());
        assertThat(status.status()).isEqualTo(ServiceStatus.State.UNKNOWN);
        assertThat(status.reason()).isEqualTo("port 53 is UDP and only TCP listeners are watched; its pm2 status "
                + "comes with the service-manager support");
    }
}
