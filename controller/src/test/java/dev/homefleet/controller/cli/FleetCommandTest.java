package dev.homefleet.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.homefleet.controller.cli.FleetCli.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FleetCommandTest {

    private static final Path SHIPPED = Path.of("..", "fleet.yaml").toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path cwd;
    @TempDir
    Path home;

    @BeforeEach
    void copyTheShippedFleetHere() throws Exception {
        Files.copy(SHIPPED, cwd.resolve("fleet.yaml"));
    }

    private Run fleet(String... args) {
        return FleetCli.run(cwd, home, Map.of(), args);
    }

    private Run fleet(Map<String, String> env, String... args) {
        return FleetCli.run(cwd, home, env, args);
    }

    private Path write(String name, String text) throws Exception {
        Path file = cwd.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    @Test
    void validate_says_ok_with_the_counts_for_the_shipped_fleet() {
        Run run = fleet("validate");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).endsWith("fleet.yaml: OK (4 machines, 16 services)\n");
        assertThat(run.out()).contains("fleet.yaml:24:12: warning: controller.tokens.admin: ${HOMEFLEET_ADMIN_TOKEN} "
                + "is not set in this environment");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void validate_prints_every_error_with_line_and_column_and_exits_1() throws Exception {
        write("broken.yaml", """
                version: 1
                controller: {machine: laptop}
                machines:
                  laptop:
                    os: linux
                    reach: {via: locale}
                    services:
                      web: {manager: {type: process, command: [web]}, port: 70000}
                """);
        Run run = fleet("validate", "broken.yaml");
        assertThat(run.exitCode()).isEqualTo(ExitCodes.FINDING);
        assertThat(run.out()).isEqualTo("""
                broken.yaml:6:18: machines.laptop.reach.via: 'locale' is not one of local, ssh, agent, none; did you mean 'local'?
                broken.yaml:8:61: machines.laptop.services.web.port: 70000 is not a port; use a number from 1 to 65535
                broken.yaml: 2 errors
                """);
    }

    @Test
    void validate_json_lists_problems_as_data() throws Exception {
        write("broken.yaml", "version: 1\ncontroller: {machine: nowhere}\nmachines: {}\n");
        Run run = fleet("validate", "--json", "broken.yaml");
        assertThat(run.exitCode()).isEqualTo(1);
        JsonNode report = JSON.readTree(run.out());
        assertThat(report.get("ok").asBoolean()).isFalse();
        JsonNode problem = report.get("problems").get(0);
        assertThat(problem.get("severity").asText()).isEqualTo("error");
        assertThat(problem.get("line").asInt()).isEqualTo(2);
        assertThat(problem.get("column").asInt()).isEqualTo(23);
        assertThat(problem.get("path").asText()).isEqualTo("controller.machine");
        assertThat(problem.get("message").asText()).isEqualTo("no machine named 'nowhere'");
    }

    @Test
    void the_fleet_file_is_found_by_flag_then_environment_then_here_then_home() throws Exception {
        Path other = Files.createDirectories(cwd.resolve("elsewhere"));
        Files.writeString(other.resolve("fleet.yaml"), "version: 1\n");
        assertThat(fleet("validate", "--config", "elsewhere/fleet.yaml").out())
                .contains("elsewhere/fleet.yaml:1:1: missing required key 'controller'");
        assertThat(fleet(Map.of("HOMEFLEET_CONFIG", "elsewhere/fleet.yaml"), "validate").out())
                .contains("elsewhere/fleet.yaml:1:1: missing required key 'controller'");
        assertThat(fleet("validate").out()).contains("fleet.yaml: OK");

        Files.delete(cwd.resolve("fleet.yaml"));
        Path homeFleet = Files.createDirectories(home.resolve(".homefleet")).resolve("fleet.yaml");
        Files.copy(SHIPPED, homeFleet);
        assertThat(fleet("validate").out()).endsWith(homeFleet + ": OK (4 machines, 16 services)\n");
    }

    @Test
    void without_any_fleet_file_it_says_where_it_looked_and_exits_2() throws Exception {
        Files.delete(cwd.resolve("fleet.yaml"));
        Run run = fleet("ports");
        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).isEqualTo("fleet: no fleet file found: looked for ./fleet.yaml and "
                + "~/.homefleet/fleet.yaml; pass --config FILE or set HOMEFLEET_CONFIG\n");
    }

    @Test
    void ports_prints_the_allocation_map_and_the_ranges() {
        Run run = fleet("ports");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains(
                "   2567  tcp    macmini  aphos-server-prod     0.0.0.0          pm2        aphos-game",
                "  18789  tcp    macbook  clawdbot-gateway      0.0.0.0          launchd    -",
                "  2567-2599  aphos-game         2567 aphos-server-prod@macmini, 2568 aphos-server-dev@macmini    31",
                "  8081       bmi-calculator     -");
        assertThat(run.out()).doesNotContain("conflict");
    }

    @Test
    void ports_for_one_machine_shows_only_its_listeners() {
        Run run = fleet("ports", "--machine", "msi");
        assertThat(run.out().lines().filter(l -> l.matches("\\s+\\d+\\s+tcp.*"))).singleElement().asString()
                .contains("openssh-server");
    }

    @Test
    void ports_json_has_ports_ranges_and_conflicts() throws Exception {
        JsonNode doc = JSON.readTree(fleet("ports", "--json").out());
        JsonNode first = doc.get("ports").get(0);
        assertThat(first.get("port").asInt()).isEqualTo(22);
        assertThat(first.get("machine").asText()).isEqualTo("msi");
        assertThat(first.get("service").asText()).isEqualTo("openssh-server");
        assertThat(first.get("bind").asText()).isEqualTo("0.0.0.0");
        assertThat(first.get("protocol").asText()).isEqualTo("tcp");
        assertThat(first.get("manager").asText()).isEqualTo("windows");
        JsonNode aphos = doc.get("ranges").get(0);
        assertThat(aphos.get("from").asInt()).isEqualTo(2567);
        assertThat(aphos.get("to").asInt()).isEqualTo(2599);
        assertThat(aphos.get("project").asText()).isEqualTo("aphos-game");
        assertThat(aphos.get("used").get(1).get("port").asInt()).isEqualTo(2568);
        assertThat(aphos.get("free").asInt()).isEqualTo(31);
        assertThat(doc.get("conflicts").size()).isZero();
    }

    @Test
    void ports_marks_conflicts_and_exits_1() throws Exception {
        String clash = Files.readString(cwd.resolve("fleet.yaml")).replace("port: 9010", "port: 9009");
        write("fleet.yaml", clash);
        Run run = fleet("ports");
        assertThat(run.exitCode()).isEqualTo(ExitCodes.FINDING);
        assertThat(run.out()).contains(
                "!   9009  tcp    macbook  clawd-status          127.0.0.1        launchd    -",
                "!   9009  tcp    macbook  crabwalk              127.0.0.1        launchd    -",
                "1 conflict:\n! port 9009 on macbook is taken twice: crabwalk (127.0.0.1) and clawd-status (127.0.0.1)");
        assertThat(run.err()).contains("fleet.yaml: 1 error (fleet validate lists them)");
    }

    @Test
    void an_unknown_machine_is_bad_usage_with_a_suggestion() {
        Run run = fleet("ports", "--machine", "macmni");
        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).isEqualTo("fleet: no machine named 'macmni'; did you mean 'macmini'?\n");
    }

    @Test
    void suggest_prints_the_lowest_free_port_alone() {
        assertThat(fleet("ports", "suggest", "aphos-game", "--machine", "macmini").out()).isEqualTo("2569\n");
        assertThat(fleet("ports", "suggest", "aphos-game", "--machine", "macbook").out()).isEqualTo("2567\n");
        assertThat(fleet("ports", "suggest", "ez-crm").out()).isEqualTo("3000\n");
    }

    @Test
    void suggest_json_names_project_machine_and_port() throws Exception {
        JsonNode doc = JSON.readTree(fleet("ports", "suggest", "aphos-game", "--machine", "macmini", "--json").out());
        assertThat(doc.get("project").asText()).isEqualTo("aphos-game");
        assertThat(doc.get("machine").asText()).isEqualTo("macmini");
        assertThat(doc.get("port").asInt()).isEqualTo(2569);
    }

    @Test
    void suggest_for_an_unknown_project_is_bad_usage_and_a_full_range_is_a_finding() throws Exception {
        Run unknown = fleet("ports", "suggest", "ez-cmr");
        assertThat(unknown.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(unknown.err()).isEqualTo("fleet: no port range is reserved for project 'ez-cmr'; did you mean 'ez-crm'?\n");
        write("fleet.yaml", Files.readString(SHIPPED).replace("      range: 2567-2599", "      range: 2567-2568")
                .replace("default_ports: [2567, 2568]", "default_ports: [2567]"));
        Run full = fleet("ports", "suggest", "aphos-game", "--machine", "macmini");
        assertThat(full.exitCode()).isEqualTo(ExitCodes.FINDING);
        assertThat(full.err()).isEqualTo("fleet: every port of aphos-game's range is taken on macmini; widen "
                + "ports.reserved.aphos-game.range\n");
        assertThat(full.out()).isEmpty();
    }

    @Test
    void config_show_fills_defaults_and_never_prints_a_secret() throws Exception {
        write("fleet.yaml", Files.readString(SHIPPED).replace("            NODE_ENV: production",
                "            NODE_ENV: production\n            API_KEY: ${APHOS_API_KEY}"));
        Map<String, String> env = Map.of("HOMEFLEET_ADMIN_TOKEN", "admin-s3cret", "APHOS_API_KEY", "hunter2",
                "HOMEFLEET_TELEGRAM_BOT_TOKEN", "123:tg-s3cret");
        Run run = fleet(env, "config", "show");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).doesNotContain("admin-s3cret", "hunter2", "tg-s3cret")
                .contains("admin: \"${HOMEFLEET_ADMIN_TOKEN}\"", "API_KEY: <redacted>", "fall: 3", "rise: 5");
        JsonNode json = JSON.readTree(fleet(env, "config", "show", "--json").out());
        assertThat(json.at("/machines/macmini/services/aphos-server-prod/manager/env/API_KEY").asText())
                .isEqualTo("<redacted>");
        assertThat(json.at("/failover/gateway/interval").asText()).isEqualTo("30s");
    }

    @Test
    void the_normalized_config_is_itself_a_valid_fleet_file() throws Exception {
        write("normalized.yaml", fleet("config", "show").out());
        assertThat(fleet("validate", "normalized.yaml").out()).endsWith("normalized.yaml: OK (4 machines, 16 services)\n");
    }

    @Test
    void bad_usage_exits_2() {
        assertThat(fleet().exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(fleet("ports", "--bogus").exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(fleet("frobnicate").exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(fleet("ports", "suggest").err()).contains("Missing required parameter: 'PROJECT'");
    }

    @Test
    void help_lists_the_commands_that_reach_machines() {
        Run run = fleet("--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out().lines().map(String::strip).map(l -> l.split("\\s+")[0]))
                .contains("exec", "agent", "node", "ssh", "discover");
    }

    @Test
    void help_and_version_exit_0() {
        assertThat(fleet("--help").out()).contains("validate", "ports", "config");
        assertThat(fleet("--version").out()).startsWith("homefleet ");
    }
}
