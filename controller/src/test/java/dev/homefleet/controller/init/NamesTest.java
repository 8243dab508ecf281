package dev.homefleet.controller.init;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class NamesTest {

    @ParameterizedTest
    @CsvSource({
            "Felipes-MacBook-Pro.local, felipes-macbook-pro",
            "felipes-mac-mini, felipes-mac-mini",
            "build.example.com, build",
            "My Box_1, my-box_1",
            "--weird--, weird",
            "'', this-machine",
            "..., this-machine"})
    void a_host_name_becomes_a_machine_name(String hostname, String expected) {
        assertThat(Names.machine(hostname, "this-machine")).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({
            "com.clawdbot.gateway, clawdbot-gateway",
            "homebrew.mxcl.ollama, ollama",
            "org.nixos.nix-daemon, nixos-nix-daemon",
            "pm2.felipe, pm2-felipe",
            "com., com"})
    void a_launchd_label_becomes_a_service_name(String label, String expected) {
        assertThat(Names.fromLabel(label)).isEqualTo(expected);
    }

    @Test
    void a_taken_name_gets_a_number() {
        assertThat(Names.unique("web", List.of("web", "web-2"))).isEqualTo("web-3");
        assertThat(Names.unique("api", List.of("web"))).isEqualTo("api");
    }
}
