package dev.homefleet.controller.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.homefleet.controller.cli.CliContext;
import dev.homefleet.controller.cli.FleetCommand;
import dev.homefleet.core.config.FleetConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The shipped demo fleet file, and the copy with free ports that the demo runs. */
class DemoFleetFileTest {
    /** Tests run in the controller module; the file is at the root of the checkout. */
    static final Path SHIPPED = DemoFleetFile.locate(null, Path.of("")).orElseThrow(() -> new IllegalStateException(
            "no examples/demo-fleet.yaml above " + Path.of("").toAbsolutePath()));

    @TempDir
    Path dir;

    @Test
    void the_shipped_file_is_valid_as_it_is_for_fleet_validate() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine line = FleetCommand.commandLine(new CliContext(Map.of("HOME", dir.toString()), dir, dir));
        line.setOut(new PrintWriter(out, true));
        line.setErr(new PrintWriter(err, true));

        int code = line.execute("validate", SHIPPED.toString());

        assertThat(code).as("exit code; out: %s err: %s", out, err).isZero();
        assertThat(out.toString()).contains("OK (2 machines, 5 services)").doesNotContain("warning");
    }

    @Test
    void the_file_is_found_from_the_jar_or_classes_directory_of_a_checkout() throws Exception {
        Path root = SHIPPED.getParent().getParent();
        Path jar = root.resolve("controller/target/homefleet-controller.jar");

        assertThat(DemoFleetFile.locate(jar, dir)).contains(SHIPPED.toAbsolutePath().normalize());
        assertThat(DemoFleetFile.locate(dir.resolve("elsewhere.jar"), dir)).isEmpty();
    }

    @Test
    void every_listener_gets_a_distinct_free_port_and_the_ranges_stay_as_written() throws Exception {
        DemoFleetFile.Copy copy = DemoFleetFile.withFreePorts(SHIPPED, Map.of());

        FleetConfig original = new dev.homefleet.core.config.FleetConfigLoader(Map.of()).load(SHIPPED).config();
        Map<String, Integer> before = DemoFleetFile.listeners(original);
        assertThat(copy.listeners()).containsOnlyKeys(before.keySet());
        assertThat(new HashSet<>(copy.listeners().values())).hasSize(before.size());
        for (Map.Entry<String, Integer> listener : copy.listeners().entrySet()) {
            assertThat(listener.getValue()).as(listener.getKey()).isNotEqualTo(before.get(listener.getKey()));
            try (ServerSocket free = new ServerSocket(listener.getValue(), 1, InetAddress.getLoopbackAddress())) {
                assertThat(free.getLocalPort()).isEqualTo(listener.getValue());
            }
        }
        int gateway = copy.listeners().get("macbook/gateway");
        assertThat(copy.config().failover().get("gateway").check()).isEqualTo("http://127.0.0.1:" + gateway + "/");
        assertThat(copy.config().machines().get("macbook").services().get("gateway").manager().command())
                .containsSequence("--port", Integer.toString(gateway));
        assertThat(copy.config().ports().reserved()).isEqualTo(original.ports().reserved());
        assertThat(copy.text()).contains("range: 3000-3099", "default_ports: [4000, 4001]");
    }

    @Test
    void ports_are_replaced_as_whole_numbers_outside_the_range_keys() {
        String text = """
                port: 2567
                check: http://127.0.0.1:2567/x?n=25670
                range: 2567-2599
                default_ports: [2567]
                  - watch_ports: [2567]
                command: [serve, "2567"]
                """;

        assertThat(DemoFleetFile.replace(text, Map.of(2567, 40001))).isEqualTo("""
                port: 40001
                check: http://127.0.0.1:40001/x?n=25670
                range: 2567-2599
                default_ports: [2567]
                  - watch_ports: [2567]
                command: [serve, "40001"]
                """);
    }

    @Test
    void two_listeners_on_one_port_are_refused_since_every_demo_machine_is_this_one() throws Exception {
        Path file = dir.resolve("demo.yaml");
        Files.writeString(file, Files.readString(SHIPPED).replace("18790", "18789"));

        assertThatThrownBy(() -> DemoFleetFile.withFreePorts(file, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("macbook/gateway and macmini/gateway both use port 18789")
                .hasMessageContaining("give each listener a port of its own");
    }

    @Test
    void an_invalid_file_is_refused_with_its_problems() throws Exception {
        Path file = dir.resolve("demo.yaml");
        Files.writeString(file, Files.readString(SHIPPED).replace("interval: 2s", "interval: 2"));

        assertThatThrownBy(() -> DemoFleetFile.withFreePorts(file, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the demo's fleet file is not valid")
                .hasMessageContaining("failover.gateway.interval");
    }

    @Test
    void the_broken_file_of_a_service_is_in_its_machines_home() {
        assertThat(DemoService.brokenFile(Path.of("/demo/macbook"), "gateway"))
                .isEqualTo(Path.of("/demo/macbook/.homefleet/demo/gateway.broken"));
    }
}
