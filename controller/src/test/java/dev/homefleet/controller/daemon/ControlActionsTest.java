package dev.homefleet.controller.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.homefleet.core.config.FleetConfig;
import dev.homefleet.core.config.FleetConfigLoader;
import dev.homefleet.core.config.LoadResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Where a login link points: the address the controller listens on, one a phone can open for a wildcard bind. */
class ControlActionsTest {

    @TempDir
    Path dir;

    private FleetConfig fleet(String addresses) throws Exception {
        Path file = Files.writeString(dir.resolve("fleet.yaml"), """
                version: 1
                controller:
                  machine: book
                machines:
                  book:
                    os: macos
                    reach:
                      via: local
                    addresses: %s
                """.formatted(addresses));
        LoadResult result = new FleetConfigLoader(Map.of("HOME", dir.toString())).load(file);
        assertThat(result.errors()).isEmpty();
        return result.config();
    }

    @ParameterizedTest(name = "{0} with {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
            "http://100.125.165.107:8420 | {tailscale: 100.125.165.107, lan: 192.168.1.20} | http://100.125.165.107:8420",
            "http://0.0.0.0:8420         | {tailscale: 100.125.165.107, lan: 192.168.1.20} | http://100.125.165.107:8420",
            "http://0.0.0.0:8420         | {lan: 192.168.1.20}                             | http://192.168.1.20:8420",
            "http://[::]:8420            | {mdns: book.local}                              | http://book.local:8420",
            "http://0.0.0.0:8420         | {}                                              | http://0.0.0.0:8420",
            "http://127.0.0.1:8420       | {tailscale: 100.125.165.107}                    | http://127.0.0.1:8420",
    })
    void a_wildcard_bind_links_to_the_tailscale_address_else_the_lan_else_mdns(String url, String addresses,
            String expected) throws Exception {
        assertThat(ControlActions.reachable(url, fleet(addresses))).isEqualTo(expected);
    }
}
