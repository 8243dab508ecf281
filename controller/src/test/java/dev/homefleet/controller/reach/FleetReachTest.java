package dev.homefleet.controller.reach;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.homefleet.agent.api.AgentApi;
import dev.homefleet.agent.http.AgentServer;
import dev.homefleet.agent.system.HostMetrics;
import dev.homefleet.agent.system.ListeningSockets;
import dev.homefleet.controller.ssh.MinaServer;
import dev.homefleet.controller.ssh.SshRunners;
import dev.homefleet.controller.ssh.TestKeys;
import dev.homefleet.core.config.Addresses;
import dev.homefleet.core.config.AgentSpec;
import dev.homefleet.core.config.FleetConfig;
import dev.homefleet.core.config.FleetConfigLoader;
import dev.homefleet.core.config.LoadResult;
import dev.homefleet.core.config.MachineSpec;
import dev.homefleet.core.config.ReachSpec;
import dev.homefleet.core.exec.LocalCommandRunner;
import dev.homefleet.core.metrics.ListeningSocket;
import dev.homefleet.core.metrics.MachineMetrics;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import oshi.SystemInfo;

/**
 * FleetReach against a real agent on 127.0.0.1, MINA's SSH server running real commands through /bin/sh, and local
 * processes. Every machine of the test fleets runs linux, so the sweeps run here.
 */
class FleetReachTest {

    /** The start of every test fleet: its controller's machine, reached locally. */
    private static final String LAPTOP = """
            version: 1
            controller: {machine: laptop}
            machines:
              laptop:
                os: linux
                reach: {via: local}
            """;
    private static final OkHttpClient HTTP = new OkHttpClient();
    private static final SystemInfo OSHI = new SystemInfo();
    private static final long MEMORY_TOTAL = OSHI.getHardware().getMemory().getTotal();

    @TempDir
    static Path keys;
    static Path clientKey;

    @TempDir
    Path home;
    @TempDir
    Path sandbox;

    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeAll
    static void makeTheClientKey() throws Exception {
        clientKey = TestKeys.sshKeygen(keys, "id_fleet", "ecdsa");
    }

    @AfterEach
    void stopEverything() throws Exception {
        Collections.reverse(open);
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    @AfterAll
    static void releaseConnections() {
        HTTP.connectionPool().evictAll();
        HTTP.dispatcher().executorService().shutdown();
    }

    /** A real agent on 127.0.0.1, any free port, no token (loopback only). */
    private AgentServer agent() throws IOException {
        MachineSpec box = new MachineSpec("box", null, MachineSpec.Os.LINUX, null, null, null,
                new ReachSpec(ReachSpec.Via.LOCAL, null), null, null);
        AgentApi api = new AgentApi(box, "1.2.3", new HostMetrics(OSHI, Clock.systemUTC()),
                new ListeningSockets(OSHI.getOperatingSystem()));
        AgentServer server = new AgentServer(api, "127.0.0.1", 0, null).start();
        open.add(server);
        return server;
    }

    /** MINA on 127.0.0.1, trusted in the test's known_hosts, accepting the test's key. */
    private MinaServer sshServer() throws Exception {
        MinaServer server = MinaServer.start(sandbox, TestKeys.publicKeyOf(clientKey));
        open.add(server);
        Path knownHosts = Files.createDirectories(home.resolve(".ssh")).resolve("known_hosts");
        Files.writeString(knownHosts, server.knownHostsLine() + "\n");
        return server;
    }

    /** A port nothing listens on: it was free a moment ago and is closed again. */
    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    private ServerSocket listening() throws IOException {
        ServerSocket socket = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"));
        open.add(socket);
        return socket;
    }

    private FleetReach reach(String yaml) {
        return reach(yaml, Map.of());
    }

    private FleetReach reach(String yaml, Map<String, String> environment) {
        LoadResult loaded = new FleetConfigLoader(environment).parse(yaml, "fleet.yaml");
        FleetConfig config = loaded.config();
        FleetReach reach = new FleetReach(config, environment, home, LocalCommandRunner.builder().build(),
                () -> SshRunners.create(home, "tester"), HTTP);
        open.add(reach);
        return reach;
    }

    /** laptop (local), box (ssh and an agent), agentonly (only an agent), phone (not reached). */
    private static String fleet(int sshPort, int agentPort) {
        return LAPTOP + """
                  box:
                    os: linux
                    reach:
                      via: ssh
                      ssh: {host: 127.0.0.1, port: %d, user: alice, identity: %s, connect_timeout: 5s}
                    agent: {port: %d}
                  agentonly:
                    os: linux
                    reach: {via: agent}
                    agent: {port: %d}
                  phone:
                    os: ios
                    reach: {via: none}
                """.formatted(sshPort, clientKey, agentPort, agentPort);
    }

    @Test
    void metrics_of_a_machine_with_an_agent_come_from_the_agent() throws Exception {
        AgentServer agent = agent();
        FleetReach reach = reach(fleet(closedPort(), agent.port()));

        Reached<MachineMetrics> metrics = reach.metrics("box");

        assertThat(metrics.via()).isEqualTo("agent http://127.0.0.1:" + agent.port());
        assertThat(metrics.fallbacks()).isEmpty();
        assertThat(metrics.value().memoryTotal()).isEqualTo(MEMORY_TOTAL);
        assertThat(metrics.value().processes()).isPositive();
    }

    @Test
    void when_the_agent_is_down_metrics_come_over_ssh_and_the_agent_failure_is_kept() throws Exception {
        MinaServer ssh = sshServer();
        int agentPort = closedPort();
        FleetReach reach = reach(fleet(ssh.port(), agentPort));

        Reached<MachineMetrics> metrics = reach.metrics("box");

        assertThat(metrics.via()).isEqualTo("ssh alice@127.0.0.1:" + ssh.port());
        assertThat(metrics.fallbacks()).singleElement().asString()
                .isEqualTo("agent at http://127.0.0.1:" + agentPort + "/v1/metrics refused the connection; is the "
                        + "agent running and listening on that address?");
        assertThat(metrics.value().memoryTotal()).as("/proc/meminfo read over ssh").isEqualTo(MEMORY_TOTAL);
        assertThat(metrics.value().processes()).isPositive();
        assertThat(metrics.value().cpuPercent()).isBetween(0.0, 100.0);
        assertThat(ssh.commands).singleElement().asString().contains("/proc/meminfo");
    }

    @Test
    void a_local_machine_gets_its_metrics_from_a_local_sweep() throws Exception {
        FleetReach reach = reach(fleet(closedPort(), closedPort()));

        Reached<MachineMetrics> metrics = reach.metrics("laptop");

        assertThat(metrics.via()).isEqualTo("local");
        assertThat(metrics.fallbacks()).isEmpty();
        assertThat(metrics.value().memoryTotal()).isEqualTo(MEMORY_TOTAL);
        assertThat(metrics.value().uptimeSeconds()).isPositive();
    }

    @Test
    void listeners_of_a_machine_with_an_agent_come_from_the_agent() throws Exception {
        ServerSocket web = listening();
        AgentServer agent = agent();
        FleetReach reach = reach(fleet(closedPort(), agent.port()));

        Reached<List<ListeningSocket>> listeners = reach.listeners("box");

        assertThat(listeners.via()).isEqualTo("agent http://127.0.0.1:" + agent.port());
        assertThat(listeners.fallbacks()).isEmpty();
        assertThat(listeners.value()).filteredOn(s -> s.port() == web.getLocalPort()).singleElement()
                .satisfies(s -> {
                    assertThat(s.address()).isEqualTo("127.0.0.1");
                    assertThat(s.pid()).isEqualTo(ProcessHandle.current().pid());
                });
    }

    @Test
    void when_the_agent_is_down_listeners_come_over_ssh_and_the_agent_failure_is_kept() throws Exception {
        ServerSocket web = listening();
        MinaServer ssh = sshServer();
        int agentPort = closedPort();
        FleetReach reach = reach(fleet(ssh.port(), agentPort));

        Reached<List<ListeningSocket>> listeners = reach.listeners("box");

        assertThat(listeners.via()).isEqualTo("ssh alice@127.0.0.1:" + ssh.port());
        assertThat(listeners.fallbacks()).singleElement().asString()
                .startsWith("agent at http://127.0.0.1:" + agentPort + "/v1/ports refused the connection");
        assertThat(listeners.value()).filteredOn(s -> s.port() == web.getLocalPort()).singleElement()
                .satisfies(s -> assertThat(s.address()).isEqualTo("127.0.0.1"));
        assertThat(listeners.value()).as("the SSH server itself listens").anyMatch(s -> s.port() == ssh.port());
    }

    @Test
    void a_local_machine_gets_its_listeners_from_a_local_sweep() throws Exception {
        ServerSocket web = listening();
        FleetReach reach = reach(fleet(closedPort(), closedPort()));

        Reached<List<ListeningSocket>> listeners = reach.listeners("laptop");

        assertThat(listeners.via()).isEqualTo("local");
        assertThat(listeners.value()).filteredOn(s -> s.port() == web.getLocalPort()).singleElement()
                .satisfies(s -> {
                    assertThat(s.address()).isEqualTo("127.0.0.1");
                    assertThat(s.pid()).isEqualTo(ProcessHandle.current().pid());
                });
    }

    @Test
    void a_machine_reached_only_through_its_dead_agent_cannot_be_reached_and_says_why() throws Exception {
        int agentPort = closedPort();
        FleetReach reach = reach(fleet(closedPort(), agentPort));

        assertThatThrownBy(() -> reach.metrics("agentonly"))
                .isInstanceOf(IOException.class)
                .hasMessage("agentonly cannot be reached: agent at http://127.0.0.1:" + agentPort + "/v1/metrics "
                        + "refused the connection; is the agent running and listening on that address?");
    }

    @Test
    void an_agent_whose_token_is_not_set_is_skipped_and_the_fallbacks_say_so() throws Exception {
        MinaServer ssh = sshServer();
        AgentServer agent = agent();
        FleetReach reach = reach(LAPTOP + """
                  box:
                    os: linux
                    reach:
                      via: ssh
                      ssh: {host: 127.0.0.1, port: %d, user: alice, identity: %s}
                    agent: {port: %d, token: '${BOX_AGENT_TOKEN}'}
                  agentonly:
                    os: linux
                    reach: {via: agent}
                    agent: {port: %d, token: '${BOX_AGENT_TOKEN}'}
                """.formatted(ssh.port(), clientKey, agent.port(), agent.port()));

        Reached<MachineMetrics> metrics = reach.metrics("box");

        assertThat(metrics.via()).isEqualTo("ssh alice@127.0.0.1:" + ssh.port());
        assertThat(metrics.fallbacks()).containsExactly("box's agent token ${BOX_AGENT_TOKEN} is not set in this "
                + "environment (machines.box.agent.token)");
        assertThatThrownBy(() -> reach.listeners("agentonly"))
                .isInstanceOf(IOException.class)
                .hasMessage("agentonly cannot be reached: agentonly's agent token ${BOX_AGENT_TOKEN} is not set in "
                        + "this environment (machines.agentonly.agent.token)");
    }

    @Test
    void an_agent_token_file_others_can_read_is_not_used_and_the_fallbacks_say_so() throws Exception {
        AgentServer agent = agent();
        Path token = Files.writeString(home.resolve("box-token"), "t0ken\n");
        Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-r--r--"));
        FleetReach reach = reach(LAPTOP + """
                  box:
                    os: linux
                    reach: {via: agent}
                    agent: {port: %d, token: 'file:~/box-token'}
                """.formatted(agent.port()));

        assertThatThrownBy(() -> reach.metrics("box"))
                .isInstanceOf(IOException.class)
                .hasMessage("box cannot be reached: box's agent token file:~/box-token cannot be used "
                        + "(machines.box.agent.token): " + token + " can be read by others; run: chmod 600 " + token);
    }

    @Test
    void a_machine_that_is_not_reached_is_not_asked_even_when_it_has_an_agent() throws Exception {
        AgentServer agent = agent();
        FleetReach reach = reach(LAPTOP + """
                  retired:
                    os: linux
                    reach: {via: none}
                    agent: {port: %d}
                """.formatted(agent.port()));

        assertThatThrownBy(() -> reach.metrics("retired"))
                .isInstanceOf(IOException.class)
                .hasMessage("retired is not reached by homefleet (reach.via: none)");
        assertThatThrownBy(() -> reach.listeners("retired"))
                .isInstanceOf(IOException.class)
                .hasMessage("retired is not reached by homefleet (reach.via: none)");
    }

    @Test
    void a_machine_whose_os_has_no_sweep_is_an_io_exception_not_a_crash() throws Exception {
        FleetReach reach = reach(LAPTOP + """
                  ipad:
                    os: ios
                    reach:
                      via: ssh
                      ssh: {host: 127.0.0.1, port: %d}
                """.formatted(closedPort()));

        assertThatThrownBy(() -> reach.metrics("ipad"))
                .isInstanceOf(IOException.class)
                .hasMessage("ipad cannot be swept: no command sweep for ios: only macos, linux and windows run one");
    }

    @Test
    void commands_on_the_local_machine_run_here_and_on_an_ssh_machine_over_ssh() throws Exception {
        MinaServer ssh = sshServer();
        FleetReach reach = reach(fleet(ssh.port(), closedPort()));

        assertThat(reach.commands("laptop").describe()).isEqualTo("local");
        assertThat(reach.commands("box").run(List.of("echo", "over", "ssh"), Duration.ofSeconds(10)).stdout())
                .isEqualTo("over ssh\n");
        assertThat(ssh.commands).containsExactly("echo over ssh");
    }

    @Test
    void commands_of_an_agent_only_machine_are_refused_with_what_to_change() throws Exception {
        FleetReach reach = reach(fleet(closedPort(), closedPort()));

        assertThatThrownBy(() -> reach.commands("agentonly"))
                .isInstanceOf(IOException.class)
                .hasMessage("agentonly is reached only through its agent, which runs no arbitrary commands; to run "
                        + "commands there, set reach.via: ssh with a reach.ssh block in fleet.yaml");
    }

    @Test
    void commands_of_a_machine_that_is_not_reached_are_refused() throws Exception {
        FleetReach reach = reach(fleet(closedPort(), closedPort()));

        assertThatThrownBy(() -> reach.commands("phone"))
                .isInstanceOf(IOException.class)
                .hasMessage("phone is not reached by homefleet (reach.via: none)");
    }

    @Test
    void an_unknown_machine_is_refused_with_a_suggestion() throws Exception {
        FleetReach reach = reach(fleet(closedPort(), closedPort()));

        assertThatThrownBy(() -> reach.commands("lapotp"))
                .isInstanceOf(IOException.class)
                .hasMessage("no machine named 'lapotp'; did you mean 'laptop'?");
        assertThatThrownBy(() -> reach.metrics("bxo"))
                .isInstanceOf(IOException.class)
                .hasMessage("no machine named 'bxo'; did you mean 'box'?");
    }

    @ParameterizedTest(name = "bind {0} with lan {1}, tailscale {2}, mdns {3}: {4}")
    @CsvSource(nullValues = "-", delimiter = '|', textBlock = """
            loopback           | 10.0.0.5 | 100.64.0.7        | box.local | http://127.0.0.1:8421
            127.0.0.1          | -        | -                 | -         | http://127.0.0.1:8421
            all                | 10.0.0.5 | 100.64.0.7        | box.local | http://10.0.0.5:8421
            0.0.0.0            | -        | 100.64.0.7        | box.local | http://100.64.0.7:8421
            all                | -        | -                 | box.local | http://box.local:8421
            '::'               | 10.0.0.5 | -                 | -         | http://10.0.0.5:8421
            all                | -        | fd7a:115c:a1e0::7 | -         | http://[fd7a:115c:a1e0::7]:8421
            all                | -        | -                 | -         | -
            lan                | 10.0.0.5 | 100.64.0.7        | -         | http://10.0.0.5:8421
            tailscale          | -        | fd7a:115c:a1e0::7 | -         | http://[fd7a:115c:a1e0::7]:8421
            fd7a:115c:a1e0::9  | -        | -                 | -         | http://[fd7a:115c:a1e0::9]:8421
            '::1'              | -        | -                 | -         | http://[::1]:8421
            """)
    void the_agent_url_follows_the_bind_and_the_addresses(String bind, String lan, String tailscale, String mdns,
            String expected) {
        StringBuilder addresses = new StringBuilder();
        for (String[] a : new String[][] {{"lan", lan}, {"tailscale", tailscale}, {"mdns", mdns}}) {
            if (a[1] != null) {
                addresses.append(addresses.length() == 0 ? "" : ", ").append(a[0]).append(": '").append(a[1])
                        .append("'");
            }
        }
        String yaml = """
                version: 1
                controller: {machine: box}
                machines:
                  box:
                    os: linux
                    addresses: {%s}
                    reach: {via: local}
                    agent: {bind: '%s', token: '${AGENT_TOKEN}'}
                """.formatted(addresses, bind);
        MachineSpec box = new FleetConfigLoader(Map.of("AGENT_TOKEN", "t0ken")).parse(yaml, "fleet.yaml").config()
                .machine("box").orElseThrow();

        assertThat(FleetReach.agentUrl(box)).isEqualTo(Optional.ofNullable(expected));
    }

    @Test
    void a_machine_without_an_agent_or_with_its_agent_bound_nowhere_has_no_agent_url() {
        MachineSpec noAgent = new MachineSpec("box", null, MachineSpec.Os.LINUX, null, null, null,
                new ReachSpec(ReachSpec.Via.LOCAL, null), null, null);
        MachineSpec boundNowhere = new MachineSpec("box", null, MachineSpec.Os.LINUX, null,
                new Addresses("10.0.0.5", null, null), null, new ReachSpec(ReachSpec.Via.LOCAL, null),
                new AgentSpec(8421, "none", null), null);

        assertThat(FleetReach.agentUrl(noAgent)).isEmpty();
        assertThat(FleetReach.agentUrl(boundNowhere)).isEmpty();
    }
}
