package dev.homefleet.controller.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.homefleet.core.config.FleetConfig;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The default address is chosen from a list; nothing here touches the network. */
class LocalAddressesTest {

    private static final FleetConfig FLEET = TestFleet.parse("""
            version: 1
            controller: {machine: laptop}
            machines:
              laptop:
                os: linux
                role: controller
                addresses: {lan: 10.144.238.116}
                reach: {via: local}
            """);

    private static InetAddress ip(String literal) throws UnknownHostException {
        return InetAddress.getByName(literal);
    }

    @Test
    void the_lan_address_fleet_yaml_gives_this_machine_wins() throws Exception {
        assertThat(LocalAddresses.choose(FLEET, List.of(ip("192.168.1.5"), ip("10.144.238.116"))))
                .isEqualTo(ip("10.144.238.116"));
    }

    @Test
    void else_the_first_private_address_wins_over_a_public_one() throws Exception {
        assertThat(LocalAddresses.choose(FLEET, List.of(ip("203.0.113.7"), ip("192.168.1.5"))))
                .isEqualTo(ip("192.168.1.5"));
    }

    @Test
    void else_any_address_and_with_none_at_all_loopback() throws Exception {
        assertThat(LocalAddresses.choose(FLEET, List.of(ip("203.0.113.7")))).isEqualTo(ip("203.0.113.7"));
        assertThat(LocalAddresses.choose(FLEET, List.of())).isEqualTo(ip("127.0.0.1"));
    }

    @Test
    void loopback_is_an_address_of_this_machine_and_a_documentation_address_is_not() throws Exception {
        assertThat(LocalAddresses.isLocal(ip("127.0.0.1"))).isTrue();
        assertThat(LocalAddresses.isLocal(ip("198.51.100.1"))).isFalse();
    }
}
