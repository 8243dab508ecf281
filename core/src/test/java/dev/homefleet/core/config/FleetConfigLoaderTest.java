package dev.homefleet.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FleetConfigLoaderTest {

    private static final String BASE = """
            version: 1
            controller:
              machine: laptop
            machines:
              laptop:
                os: linux
                reach: {via: local}
                addresses: {lan: 192.0.2.10}
                services:
            """;

    private final FleetConfigLoader loader = new FleetConfigLoader(Map.of("GATEWAY_PORT", "18789"));

    private LoadResult load(String services) {
        return loader.parse(BASE + services.indent(6), "fleet.yaml");
    }

    @Test
    void every_problem_in_a_file_is_reported_at_once_in_file_order() {
        LoadResult result = load("""
                web:
                  manager: {type: process, command: [web]}
                  port: 70000
                api:
                  manager: {type: process, command: [api]}
                  prot: 8080
                db:
                  manager: {type: pm3, name: db}
                """);
        assertThat(result.errors()).extracting(Problem::format).containsExactly(
                "fleet.yaml:12:15: machines.laptop.services.web.port: 70000 is not a port; use a number from 1 to 65535",
                "fleet.yaml:15:9: machines.laptop.services.api.prot: unknown key 'prot'; did you mean 'port'?",
                "fleet.yaml:17:25: machines.laptop.services.db.manager.type: 'pm3' is not one of launchd, pm2, windows, process, cron; did you mean 'pm2'?");
        assertThat(result.bound()).isEmpty();
        assertThatThrownBy(result::config).isInstanceOf(InvalidConfigException.class)
                .hasMessageStartingWith("fleet.yaml has 3 errors:\nfleet.yaml:12:15: ");
    }

    @Test
    void a_file_of_the_right_shape_that_breaks_a_rule_is_still_bound_so_its_ports_can_be_shown() {
        LoadResult result = load("""
                a:
                  manager: {type: process, command: [a]}
                  port: 8080
                b:
                  manager: {type: process, command: [b]}
                  port: 8080
                """);
        assertThat(result.ok()).isFalse();
        assertThat(result.bound()).isPresent();
        assertThat(result.errors()).singleElement().extracting(Problem::format).isEqualTo(
                "fleet.yaml:15:15: machines.laptop.services.b.port: port 8080 on laptop is taken twice: a (0.0.0.0) "
                        + "and b (0.0.0.0) listen on overlapping addresses (the other is "
                        + "machines.laptop.services.a.port on line 12); give one of them another port or bind them "
                        + "to different addresses");
    }

    @Test
    void loopback_and_lan_binds_of_one_port_do_not_collide_but_all_collides_with_both() {
        assertThat(load("""
                a: {manager: {type: process, command: [a]}, port: 8080, bind: loopback}
                b: {manager: {type: process, command: [b]}, port: 8080, bind: lan}
                """).ok()).isTrue();
        assertThat(load("""
                a: {manager: {type: process, command: [a]}, port: 8080, bind: 127.0.0.1}
                b: {manager: {type: process, command: [b]}, port: 8080, bind: 0.0.0.0}
                c: {manager: {type: process, command: [c]}, port: 8080, bind: 192.0.2.10}
                """).errors()).hasSize(2);
        assertThat(load("""
                a: {manager: {type: process, command: [a]}, port: 8080, bind: all, protocol: udp}
                b: {manager: {type: process, command: [b]}, port: 8080, bind: all}
                """).ok()).as("tcp and udp ports are different ports").isTrue();
    }

    @Test
    void environment_references_expand_before_the_value_is_typed() {
        LoadResult result = load("""
                gateway:
                  manager: {type: process, command: [gw, --port, "${GATEWAY_PORT}"]}
                  port: ${GATEWAY_PORT}
                  description: ${DESCRIPTION:-the gateway}
                """);
        ServiceSpec gateway = result.config().machines().get("laptop").services().get("gateway");
        assertThat(gateway.port()).isEqualTo(18789);
        assertThat(gateway.manager().command()).containsExactly("gw", "--port", "18789");
        assertThat(gateway.description()).isEqualTo("the gateway");
    }

    @Test
    void defaults_fill_what_the_file_leaves_out() {
        LoadResult result = load("""
                gateway:
                  manager: {type: pm2, name: gateway}
                  port: 18789
                  check: {http: "http://127.0.0.1:18789/"}
                """);
        FleetConfig config = result.config();
        ServiceSpec gateway = config.machines().get("laptop").services().get("gateway");
        assertThat(gateway.bind()).isEqualTo("0.0.0.0");
        assertThat(gateway.autoStart()).isTrue();
        assertThat(gateway.check().fall()).isEqualTo(3);
        assertThat(gateway.check().rise()).isEqualTo(2);
        assertThat(config.controller().bind()).isEqualTo("127.0.0.1");
        assertThat(config.machines().get("laptop").role()).as("controller.machine").isEqualTo(MachineSpec.Role.CONTROLLER);
        assertThat(config.controller().port()).isEqualTo(ControllerSpec.DEFAULT_PORT);
        assertThat(config.jobs().heartbeat().schedule().source()).isEqualTo("@every 60m");
        assertThat(config.jobs().healer().maxRestartsPerRun()).isEqualTo(2);
    }

    @Test
    void yaml_one_one_booleans_stay_words_where_text_is_expected() {
        LoadResult result = load("""
                gateway:
                  description: no
                  manager: {type: process, command: [gw]}
                  auto_start: no
                """);
        ServiceSpec gateway = result.config().machines().get("laptop").services().get("gateway");
        assertThat(gateway.description()).isEqualTo("no");
        assertThat(gateway.autoStart()).isFalse();
    }

    @Test
    void a_missing_file_says_how_to_get_one() {
        LoadResult result = loader.load(Path.of("/nonexistent/fleet.yaml"));
        assertThat(result.errors()).extracting(Problem::format).containsExactly(
                "/nonexistent/fleet.yaml: no such file; create it (see docs/fleet-yaml.md) or pass --config FILE");
    }

    @Test
    void a_file_that_is_not_utf8_is_refused_with_a_fix(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("fleet.yaml");
        Files.write(file, new byte[] {'a', ':', ' ', (byte) 0xff, (byte) 0xfe, '\n'});
        assertThat(loader.load(file).errors()).extracting(Problem::message)
                .containsExactly("not UTF-8 text; save the file as UTF-8");
    }

    @Test
    void a_missing_required_key_points_at_the_mapping_that_lacks_it() {
        LoadResult result = loader.parse("""
                version: 1
                controller:
                  machine: laptop
                machines:
                  laptop:
                    reach: {via: local}
                """, "f.yaml");
        assertThat(result.errors()).extracting(Problem::format)
                .containsExactly("f.yaml:5:3: machines.laptop: missing required key 'os'");
    }

    @Test
    void an_inline_secret_is_never_echoed_back() {
        LoadResult result = loader.parse(BASE + """
                alerts:
                  telegram:
                    bot_token: 123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw
                """, "f.yaml");
        assertThat(result.errors()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("alerts.telegram.bot_token");
            assertThat(p.format()).doesNotContain("AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw")
                    .contains("${HOMEFLEET_TELEGRAM_BOT_TOKEN}");
        });
    }
}
