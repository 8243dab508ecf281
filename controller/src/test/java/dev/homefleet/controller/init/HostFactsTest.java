package dev.homefleet.controller.init;

import static org.assertj.core.api.Assertions.assertThat;

import dev.homefleet.controller.init.HostFacts.Nic;
import dev.homefleet.core.config.MachineSpec.Os;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HostFactsTest {

    private static Nic nic(String name, boolean up, String... addresses) {
        List<InetAddress> parsed = Arrays.stream(addresses).map(HostFactsTest::address).toList();
        return new Nic(name, up, name.equals("lo"), parsed);
    }

    private static InetAddress address(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    @Test
    void the_lan_address_is_a_private_one_of_a_real_interface_and_tailscale_is_in_its_block_on_any() throws Exception {
        List<Nic> nics = List.of(nic("lo", true, "127.0.0.1"), nic("docker0", true, "172.17.0.1"),
                nic("utun3", true, "100.115.10.14"), nic("en1", false, "192.168.5.5"),
                nic("en0", true, "203.0.113.9", "10.144.238.116"));

        assertThat(HostFacts.lan(nics)).isEqualTo("10.144.238.116");
        assertThat(HostFacts.tailscale(nics)).isEqualTo("100.115.10.14");
    }

    @Test
    void without_them_both_are_null() throws Exception {
        List<Nic> nics = List.of(nic("lo", true, "127.0.0.1"), nic("eth0", true, "203.0.113.9"));

        assertThat(HostFacts.lan(nics)).isNull();
        assertThat(HostFacts.tailscale(nics)).isNull();
    }

    @ParameterizedTest
    @CsvSource({"100.64.0.1, true", "100.127.255.254, true", "100.63.255.255, false", "100.128.0.1, false",
            "10.0.0.1, false"})
    void tailscale_addresses_are_100_64_0_0_slash_10(String text, boolean tailscale) {
        assertThat(HostFacts.isTailscale(address(text))).isEqualTo(tailscale);
    }

    @ParameterizedTest
    @CsvSource({"Felipes-MacBook-Pro, MACOS, felipes-macbook-pro.local", "mini.local, LINUX, mini.local",
            "box, LINUX, ''", "build.example.com, MACOS, ''", "localhost, MACOS, ''"})
    void the_mdns_name_is_known_on_a_mac_or_when_the_host_name_says_local(String host, Os os, String mdns) {
        assertThat(HostFacts.mdns(host, os)).isEqualTo(mdns.isEmpty() ? null : mdns);
    }

    @ParameterizedTest
    @CsvSource({"Mac OS X, MACOS", "Linux, LINUX", "Windows 11, WINDOWS"})
    void the_os_comes_from_the_jvms_os_name(String name, Os os) {
        assertThat(HostFacts.os(name)).isEqualTo(os);
    }
}
