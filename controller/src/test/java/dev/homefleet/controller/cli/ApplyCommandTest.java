package dev.homefleet.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.homefleet.controller.cli.FleetCli.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApplyCommandTest {

    @TempDir
    Path cwd;
    @TempDir
    Path home;

    private Run fleet(String... args) {
        return FleetCli.run(cwd, home, Map.of(), args);
    }

    @Test
    void without_a_definition_to_read_a_move_is_refused_and_says_how_to_write_one() throws Exception {
        Files.writeString(cwd.resolve("fleet.yaml"), """
                version: 1
                controller: {machine: box}
                machines:
                  box:
                    os: linux
                    reach: {via: local}
                    services:
                      web:
                        manager: {type: process, command: [sleep, "100"]}
                        port: 18080
                        bind: loopback
                      nightly:
                        manager: {type: cron, schedule: "@daily"}
                """);
        Run run = fleet("apply", "--dry-run", "--json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode moves = new ObjectMapper().readTree(run.out()).get("moves");
        assertThat(moves).hasSize(1);
        assertThat(moves.get(0).get("service").asText()).isEqualTo("web");
        assertThat(moves.get(0).get("outcome").asText()).isEqualTo("unchanged");
        assertThat(moves.get(0).get("detail").asText())
                .isEqualTo("its definition sets no PORT, so its port is configured elsewhere; change it there");
    }

    @Test
    void an_invalid_fleet_file_is_not_applied() throws Exception {
        Files.writeString(cwd.resolve("fleet.yaml"), "version: 1\n");
        Run run = fleet("apply");
        assertThat(run.exitCode()).isEqualTo(ExitCodes.FINDING);
        assertThat(run.err()).contains("missing required key 'controller'", "fix them before applying");
    }
}
