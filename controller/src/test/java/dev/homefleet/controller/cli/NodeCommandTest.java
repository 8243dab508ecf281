package dev.homefleet.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.homefleet.agent.api.AgentApi;
import dev.homefleet.agent.api.AgentJson;
import dev.homefleet.agent.system.HostMetrics;
import dev.homefleet.agent.system.ListeningSockets;
import dev.homefleet.controller.cli.FleetCli.Run;
import dev.homefleet.core.config.FleetConfigLoader;
import dev.homefleet.core.config.MachineSpec;
import dev.homefleet.core.control.ControlServer;
import dev.homefleet.agent.service.Managers;
import dev.homefleet.core.exec.LocalCommandRunner;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import oshi.SystemInfo;

/**
 * {@code fleet node} against a control server answering the way the agent's does (node-agent's AgentControl: health,
 * metrics, ports and services, backed by a real AgentApi), on a short socket path under /tmp.
 */
class NodeCommandTest {

    private static final SystemInfo OSHI = new SystemInfo();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path cwd;
    @TempDir
    Path home;

    private Path directory;
    private Path socket;
    private ServerSocket web;
    private ControlServer control;

    @BeforeEach
    void makeAShortSocketPath() throws IOException {
        directory = Files.createTempDirectory(Path.of("/tmp"), "hf-node-");
        socket = directory.resolve("agent.sock");
    }

    @AfterEach
    void stopEverything() throws IOException {
        if (control != null) {
            control.close();
        }
        if (web != null) {
            web.close();
        }
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** box runs web (pm2) on a port this test listens on, and backup, a process without a port. */
    private AgentApi api() throws IOException {
        web = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"));
        String yaml = """
                version: 1
                controller: {machine: box}
                machines:
                  box:
                    os: linux
                    reach: {via: local}
                    services:
                      web:
                        manager: {type: pm2, name: web, script: server.js}
                        port: %d
                        bind: loopback
                      backup:
                        manager: {type: process, command: [restic, backup]}
                """.formatted(web.getLocalPort());
        MachineSpec box = new FleetConfigLoader(Map.of()).parse(yaml, "fleet.yaml").config().machine("box")
                .orElseThrow();
        // The managers run in a home of their own with no pm2 on the PATH: web is judged by its port, backup by the
        // process manager, which never started it.
        LocalCommandRunner local = LocalCommandRunner.builder()
                .environment("HOME", Files.createTempDirectory("hf-node-home").toString())
                .environment("PATH", "/usr/bin:/bin").build();
        return new AgentApi(box, "1.2.3", new HostMetrics(OSHI, Clock.systemUTC()),
                new ListeningSockets(OSHI.getOperatingSystem()), Managers.standard(), local);
    }

    /** The agent's control server, its handlers exactly as node-agent's AgentControl registers them. */
    private void startTheAgentsControlServer() throws IOException {
        AgentApi api = api();
        control = new ControlServer(socket)
                .handle("health", data -> api.health())
                .handle("metrics", data -> api.metrics())
                .handle("ports", data -> api.ports())
                .handle("services", data -> api.services())
                .start();
    }

    /**
     * The same handlers answering in the agent's wire format (AgentJson, as its HTTP API answers), which is what
     * AgentControl has to send for {@code metrics} to work at all: see the disabled test below.
     */
    private void startAControlServerInTheAgentsWireFormat() throws IOException {
        AgentApi api = api();
        ObjectMapper wire = AgentJson.mapper();
        control = new ControlServer(socket)
                .handle("health", data -> wire.valueToTree(api.health()))
                .handle("metrics", data -> wire.valueToTree(api.metrics()))
                .handle("ports", data -> wire.valueToTree(api.ports()))
                .handle("services", data -> wire.valueToTree(api.services()))
                .start();
    }

    private Run fleet(String... args) {
        return FleetCli.run(cwd, home, Map.of(), args);
    }

    @Test
    void node_works_against_the_control_handlers_the_agent_registers() throws IOException {
        startTheAgentsControlServer();

        Run run = fleet("node", "--socket", socket.toString());

        assertThat(run.err()).isEmpty();
        assertThat(run.exitCode()).isZero();
    }

    @Test
    void node_prints_the_machine_its_metrics_and_its_services() throws IOException {
        startAControlServerInTheAgentsWireFormat();

        Run run = fleet("node", "--socket", socket.toString());

        assertThat(run.err()).isEmpty();
        assertThat(run.exitCode()).isZero();
        String pid = Long.toString(ProcessHandle.current().pid());
        List<String> lines = run.out().lines().toList();
        assertThat(lines.get(0)).matches("box: agent 1\\.2\\.3, up \\d+s");
        assertThat(lines.get(1)).matches("cpu \\d+%  load \\d+\\.\\d\\d  memory [\\d.]+/[\\d.]+ GiB \\(\\d+%\\)"
                + "  swap (-|[\\d.]+/[\\d.]+ GiB \\(\\d+%\\))  processes \\d+");
        assertThat(lines).contains("");
        assertThat(lines).anySatisfy(l -> assertThat(l.split("\\s+"))
                .containsExactly("SERVICE", "MANAGER", "PORT", "STATUS", "PID", "PROCESS", "REASON"));
        assertThat(lines).anySatisfy(l -> assertThat(l.split("\\s+")).startsWith("web", "pm2",
                Integer.toString(web.getLocalPort()), "up", pid).endsWith("-"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("backup").contains("process  ")
                .contains("down").contains("its manager (process) says stopped"));
    }

    @Test
    void node_json_has_health_metrics_and_services() throws IOException {
        startAControlServerInTheAgentsWireFormat();

        Run run = fleet("node", "--json", "--socket", socket.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode doc = JSON.readTree(run.out());
        assertThat(doc.at("/health/machine").asText()).isEqualTo("box");
        assertThat(doc.at("/health/version").asText()).isEqualTo("1.2.3");
        assertThat(doc.at("/metrics/memory_total").asLong()).isEqualTo(OSHI.getHardware().getMemory().getTotal());
        assertThat(doc.at("/metrics/collected_at").asText()).isNotEmpty();
        assertThat(doc.at("/services/0/name").asText()).isEqualTo("web");
        assertThat(doc.at("/services/0/status").asText()).isEqualTo("up");
        assertThat(doc.at("/services/1/name").asText()).isEqualTo("backup");
    }

    @Test
    void values_the_machine_cannot_give_print_as_a_dash() throws IOException {
        JsonNode metrics = JSON.readTree("""
                {"collected_at": "2025-01-31T12:00:00Z", "cpu_percent": -1, "load1": -1, "memory_used": -1,
                 "memory_total": -1, "swap_used": -1, "swap_total": -1, "disks": [], "processes": -1,
                 "uptime_seconds": -1}
                """);
        control = new ControlServer(socket)
                .handle("health", data -> JSON.readTree("""
                        {"status": "ok", "machine": "pc", "version": "1.2.3", "uptime_s": 5}"""))
                .handle("metrics", data -> metrics)
                .handle("services", data -> JSON.createArrayNode())
                .start();

        Run run = fleet("node", "--socket", socket.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("""
                pc: agent 1.2.3, up 5s
                cpu -  memory -  swap -  processes -

                SERVICE""");
    }

    @Test
    void with_nothing_listening_node_exits_1_and_says_how_to_start_the_agent() {
        Run run = fleet("node", "--socket", socket.toString());

        assertThat(run.exitCode()).isEqualTo(ExitCodes.FINDING);
        assertThat(run.err()).isEqualTo("fleet: no agent answers on " + socket + "; start it with: fleet agent\n");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void without_socket_it_asks_the_agent_socket_in_the_home_directory() {
        Run run = fleet("node");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.FINDING);
        assertThat(run.err()).isEqualTo("fleet: no agent answers on " + home.resolve(".homefleet/agent.sock")
                + "; start it with: fleet agent\n");
    }
}
