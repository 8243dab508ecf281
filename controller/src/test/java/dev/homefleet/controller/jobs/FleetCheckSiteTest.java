package dev.homefleet.controller.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.homefleet.agent.api.AgentApi;
import dev.homefleet.agent.http.AgentServer;
import dev.homefleet.agent.service.ServiceManagers;
import dev.homefleet.agent.system.HostMetrics;
import dev.homefleet.agent.system.ListeningSockets;
import dev.homefleet.controller.reach.FleetReach;
import dev.homefleet.controller.ssh.MinaServer;
import dev.homefleet.controller.ssh.SshRunners;
import dev.homefleet.controller.ssh.TestKeys;
import dev.homefleet.core.config.FleetConfig;
import dev.homefleet.core.config.MachineSpec;
import dev.homefleet.core.exec.LocalCommandRunner;
import dev.homefleet.core.probe.ProbeResult;
import dev.homefleet.core.probe.ProbeRunner;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import oshi.SystemInfo;

/**
 * Checks where fleet.yaml means them: in process on the controller's machine, through a real agent on 127.0.0.1,
 * and over SSH to MINA's server (which runs commands here) when the agent does not answer.
 */
class FleetCheckSiteTest {

    private static final OkHttpClient HTTP = new OkHttpClient();
    private static final SystemInfo OSHI = new SystemInfo();

    @TempDir
    static Path keys;
    static Path clientKey;

    @TempDir
    Path home;
    @TempDir
    Path sandbox;

    private final List<AutoCloseable> open = new ArrayList<>();
    private final ProbeRunner probes = new ProbeRunner(4);

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
        probes.close();
    }

    @AfterAll
    static void releaseConnections() {
        HTTP.connectionPool().evictAll();
        HTTP.dispatcher().executorService().shutdown();
    }

    private ServerSocket listening() throws IOException {
        ServerSocket socket = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"));
        open.add(socket);
        return socket;
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    private SwitchableServer web() throws IOException {
        SwitchableServer server = new SwitchableServer();
        open.add(server);
        return server;
    }

    /** box's services: web (http), db (tcp), job (a cron entry, manager check), all checked on box itself. */
    private static String boxServices(String webUrl, int dbPort) {
        return """
                services:
                  web:
                    manager: {type: process, command: [sleep, "1000"]}
                    check: {http: "%s", timeout: 2s}
                  db:
                    manager: {type: process, command: [sleep, "1000"]}
                    check: {tcp: "127.0.0.1:%d", timeout: 2s}
                """.formatted(webUrl, dbPort);
    }

    /** A real agent for box, on any free port of 127.0.0.1, without a token. */
    private AgentServer agent(String services) throws IOException {
        MachineSpec box = Fleets.parse(Fleets.LAPTOP + """
                  box:
                    os: linux
                    reach: {via: agent}
                    agent: {port: 1}
                """ + services.indent(4)).machine("box").orElseThrow();
        AgentApi api = new AgentApi(box, "1.2.3", new HostMetrics(OSHI, Clock.systemUTC()),
                new ListeningSockets(OSHI.getOperatingSystem()));
        open.add(api);
        AgentServer server = new AgentServer(api, "127.0.0.1", 0, null).start();
        open.add(server);
        return server;
    }

    private MinaServer ssh() throws Exception {
        MinaServer server = MinaServer.start(sandbox, TestKeys.publicKeyOf(clientKey));
        open.add(server);
        Files.writeString(Files.createDirectories(home.resolve(".ssh")).resolve("known_hosts"),
                server.knownHostsLine() + "\n");
        return server;
    }

    private FleetCheckSite site(FleetConfig config) {
        FleetReach reach = new FleetReach(config, Map.of(), home, new LocalCommandRunner(),
                () -> SshRunners.create(home, "tester"), HTTP);
        open.add(reach);
        return new FleetCheckSite(reach, new LocalCommandRunner(), new ServiceManagers(null, null), probes);
    }

    private static ChecksJob.Checked run(FleetCheckSite site, FleetConfig config, String machine)
            throws IOException {
        MachineSpec spec = config.machine(machine).orElseThrow();
        return site.run(spec, ChecksJob.checks(spec));
    }

    @Test
    void the_controllers_own_machine_is_checked_in_process() throws Exception {
        SwitchableServer web = web();
        FleetConfig config = Fleets.parse(Fleets.LAPTOP + boxServices(web.url("/"), closedPort()).indent(4));

        ChecksJob.Checked checked = run(site(config), config, "laptop");

        assertThat(checked.via()).isEqualTo("local");
        assertThat(checked.results()).containsOnlyKeys("web", "db");
        assertThat(checked.results().get("web").ok()).isTrue();
        assertThat(checked.results().get("db").ok()).isFalse();
        assertThat(checked.results().get("db").detail()).isEqualTo("connection refused");
    }

    @Test
    void a_machine_with_an_agent_is_checked_by_its_agent() throws Exception {
        SwitchableServer web = web().answer(503);
        ServerSocket db = listening();
        String services = boxServices(web.url("/health"), db.getLocalPort());
        AgentServer agent = agent(services);
        FleetConfig config = Fleets.parse(Fleets.LAPTOP + """
                  box:
                    os: linux
                    reach: {via: agent}
                    agent: {port: %d}
                """.formatted(agent.port()) + services.indent(4));

        ChecksJob.Checked checked = run(site(config), config, "box");

        assertThat(checked.via()).isEqualTo("agent");
        assertThat(checked.results()).containsOnlyKeys("web", "db");
        ProbeResult webResult = checked.results().get("web");
        assertThat(webResult.ok()).isFalse();
        assertThat(webResult.detail()).startsWith("status 503");
        assertThat(checked.results().get("db").ok()).isTrue();
        assertThat(checked.results().get("db").detail()).matches("connected in \\d+ ms");
    }

    @Test
    void a_machine_reached_only_through_its_agent_that_does_not_answer_cannot_be_checked() throws Exception {
        int agentPort = closedPort();
        FleetConfig config = Fleets.parse(Fleets.LAPTOP + """
                  box:
                    os: linux
                    reach: {via: agent}
                    agent: {port: %d}
                """.formatted(agentPort) + boxServices("http://127.0.0.1:1/", 1).indent(4));
        FleetCheckSite site = site(config);

        assertThatThrownBy(() -> run(site, config, "box")).isInstanceOf(IOException.class)
                .hasMessageStartingWith("agent at http://127.0.0.1:" + agentPort + "/v1/checks refused the connection");
    }

    @Test
    void an_agent_whose_token_is_not_set_is_named_as_the_reason_a_machine_cannot_be_checked() throws Exception {
        AgentServer agent = agent(boxServices("http://127.0.0.1:1/", 1));
        FleetConfig config = Fleets.parse(Fleets.LAPTOP + """
                  box:
                    os: linux
                    reach: {via: agent}
                    agent: {port: %d, token: '${BOX_AGENT_TOKEN}'}
                """.formatted(agent.port()) + boxServices("http://127.0.0.1:1/", 1).indent(4));
        FleetCheckSite site = site(config);

        assertThatThrownBy(() -> run(site, config, "box")).isInstanceOf(IOException.class)
                .hasMessage("box's agent cannot be asked: its token is not set in the controller's environment or "
                        + "its token file can be read by others (fleet validate says which)");
    }

    @Test
    void when_the_agent_does_not_answer_the_checks_run_over_ssh_curl_and_nc_on_the_machine() throws Exception {
        MinaServer ssh = ssh();
        SwitchableServer web = web();
        ServerSocket db = listening();
        int agentPort = closedPort();
        FleetConfig config = Fleets.parse(Fleets.LAPTOP + """
                  box:
                    os: linux
                    reach:
                      via: ssh
                      ssh: {host: 127.0.0.1, port: %d, user: alice, identity: %s, connect_timeout: 5s}
                    agent: {port: %d}
                    services:
                      web:
                        manager: {type: process, command: [sleep, "1000"]}
                        check: {http: "%s", timeout: 3s}
                      db:
                        manager: {type: process, command: [sleep, "1000"]}
                        check: {tcp: "127.0.0.1:%d", timeout: 3s}
                      tagged:
                        manager: {type: process, command: [sleep, "1000"]}
                        check: {http: "%s", body_contains: ready, timeout: 3s}
                      worker:
                        manager: {type: process, command: [sleep, "1000"]}
                        check: {manager: true}
                      script:
                        manager: {type: process, command: [sleep, "1000"]}
                        check: {command: [sh, -c, "exit 3"]}
                """.formatted(ssh.port(), clientKey, agentPort, web.url("/"), db.getLocalPort(), web.url("/")));

        ChecksJob.Checked checked = run(site(config), config, "box");

        assertThat(checked.via()).startsWith("ssh (agent: agent at http://127.0.0.1:" + agentPort
                + "/v1/checks refused the connection");
        assertThat(checked.results()).as("tagged needs the agent").containsOnlyKeys("web", "db", "worker", "script");
        assertThat(checked.results().get("worker").ok()).as("never started").isFalse();
        assertThat(checked.results().get("worker").detail()).startsWith("manager: stopped");
        assertThat(checked.results().get("web").ok()).isTrue();
        assertThat(checked.results().get("db").ok()).isTrue();
        assertThat(checked.results().get("script").ok()).isFalse();
        assertThat(checked.results().get("script").detail()).startsWith("exit 3");
        assertThat(ssh.commands).anySatisfy(c -> assertThat(c).startsWith("curl -sf -o /dev/null --max-time 2 "))
                .anySatisfy(c -> assertThat(c).startsWith("nc -z -w 2 127.0.0.1 " + db.getLocalPort()));
    }
}
