package dev.homefleet.controller.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.homefleet.agent.api.AgentApi;
import dev.homefleet.agent.api.Health;
import dev.homefleet.agent.api.ServiceCheck;
import dev.homefleet.agent.api.ServiceStatus;
import dev.homefleet.agent.http.AgentServer;
import dev.homefleet.agent.system.HostMetrics;
import dev.homefleet.agent.system.ListeningSockets;
import dev.homefleet.core.config.FleetConfigLoader;
import dev.homefleet.core.config.MachineSpec;
import dev.homefleet.core.config.ManagerSpec;
import dev.homefleet.core.metrics.ListeningSocket;
import dev.homefleet.core.metrics.MachineMetrics;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import oshi.SystemInfo;

class AgentClientTest {

    private static final String TOKEN = "agent-token-7f3a91";
    private static final OkHttpClient SHARED = new OkHttpClient();
    private static final SystemInfo OSHI = new SystemInfo();
    private static final AgentClient.Timeouts QUICK =
            new AgentClient.Timeouts(Duration.ofMillis(500), Duration.ofMillis(300), Duration.ofSeconds(2));

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    @AfterAll
    static void releaseConnections() {
        SHARED.connectionPool().evictAll();
    }

    private AgentServer agent(int webPort) throws IOException {
        return agent("""
                web:
                  manager:
                    type: pm2
                    name: web
                    script: server.js
                  port: %d
                  bind: loopback
                """.formatted(webPort));
    }

    /** A real agent for machine {@code box}, whose services are {@code services} (YAML, indented from column 0). */
    private AgentServer agent(String services) throws IOException {
        String yaml = """
                controller:
                  machine: box
                machines:
                  box:
                    os: linux
                    reach:
                      via: local
                    agent:
                      bind: loopback
                      token: ${AGENT_TOKEN}
                    services:
                """ + services.indent(6);
        MachineSpec box = new FleetConfigLoader(Map.of("AGENT_TOKEN", TOKEN)).parse(yaml, "fleet.yaml").config()
                .machine("box").orElseThrow();
        AgentApi api = new AgentApi(box, "1.2.3", new HostMetrics(OSHI, Clock.systemUTC()),
                new ListeningSockets(OSHI.getOperatingSystem()));
        open.add(api);
        AgentServer server = new AgentServer(api, "127.0.0.1", 0, TOKEN).start();
        open.add(server);
        return server;
    }

    private ServerSocket listen() throws IOException {
        ServerSocket socket = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"));
        open.add(socket);
        return socket;
    }

    @Test
    void the_client_reads_health_metrics_ports_and_services_from_a_real_agent() throws IOException {
        ServerSocket web = listen();
        AgentServer server = agent(web.getLocalPort());
        AgentClient client = new AgentClient(SHARED, server.url(), TOKEN);

        Health health = client.health();
        assertThat(health.status()).isEqualTo("ok");
        assertThat(health.machine()).isEqualTo("box");
        assertThat(health.version()).isEqualTo("1.2.3");

        MachineMetrics metrics = client.metrics();
        assertThat(metrics.memoryTotal()).isEqualTo(OSHI.getHardware().getMemory().getTotal());
        assertThat(metrics.cpuPercent()).isBetween(0.0, 100.0);
        assertThat(metrics.collectedAt()).isBetween(Instant.now().minusSeconds(60), Instant.now());
        assertThat(metrics.disks()).allSatisfy(disk -> assertThat(disk.total()).isPositive());

        long pid = ProcessHandle.current().pid();
        assertThat(client.ports()).contains(new ListeningSocket(web.getLocalPort(), "127.0.0.1", (int) pid,
                OSHI.getOperatingSystem().getProcess((int) pid).getName()));

        assertThat(client.services()).singleElement().satisfies(web1 -> {
            assertThat(web1.name()).isEqualTo("web");
            assertThat(web1.manager()).isEqualTo(ManagerSpec.Type.PM2);
            assertThat(web1.status()).isEqualTo(ServiceStatus.State.UP);
            assertThat(web1.pid()).isEqualTo((int) pid);
        });
    }

    private AgentServer agentWithChecks(int webPort) throws IOException {
        return agent("""
                web:
                  manager: {type: process, command: [sleep, "1000"]}
                  port: %d
                  bind: loopback
                  check:
                    tcp: 127.0.0.1:%1$d
                batch:
                  manager: {type: process, command: [sleep, "1000"]}
                slow:
                  manager: {type: process, command: [sleep, "1000"]}
                  check:
                    command: [sleep, "30"]
                    timeout: 1s
                """.formatted(webPort));
    }

    @Test
    void checks_come_back_per_service_that_has_one_after_the_slowest_even_past_the_read_timeout() throws IOException {
        ServerSocket web = listen();
        AgentServer server = agentWithChecks(web.getLocalPort());
        AgentClient client = new AgentClient(SHARED, server.url(), TOKEN, QUICK);

        List<ServiceCheck> checks = client.checks();

        assertThat(checks).extracting(ServiceCheck::service).containsExactly("web", "slow");
        assertThat(checks.get(0).ok()).isTrue();
        assertThat(checks.get(0).detail()).matches("connected in \\d+ ms");
        assertThat(checks.get(0).at()).isBetween(Instant.now().minusSeconds(60), Instant.now());
        assertThat(checks.get(1).ok()).isFalse();
        assertThat(checks.get(1).detail()).isEqualTo("timed out after 1s");
        assertThat(checks.get(1).latencyMs()).isGreaterThanOrEqualTo(1000);
    }

    @Test
    void checks_that_outlast_the_wait_given_time_out_naming_the_wait() throws IOException {
        AgentServer server = agentWithChecks(1);
        AgentClient client = new AgentClient(SHARED, server.url(), TOKEN, QUICK);
        AgentCallException e = catchThrowableOfType(AgentCallException.class,
                () -> client.checks(Duration.ofMillis(200)));
        assertThat(e.kind()).isEqualTo(AgentCallException.Kind.TIMEOUT);
        assertThat(e.getMessage()).startsWith("agent at " + server.url() + "/v1/checks did not ")
                .endsWith("timeouts: connect 500ms, read 200ms, call 700ms)");
    }

    @Test
    void a_wrong_token_says_to_check_the_agent_token_and_never_shows_a_token() throws IOException {
        AgentServer server = agent(1);
        AgentClient client = new AgentClient(SHARED, server.url(), "not-the-token-55");
        AgentCallException e = catchThrowableOfType(AgentCallException.class, client::metrics);
        assertThat(e.kind()).isEqualTo(AgentCallException.Kind.UNAUTHORIZED);
        assertThat(e.status()).isEqualTo(401);
        assertThat(e.getMessage()).startsWith("agent at " + server.url() + "/v1/metrics answered 401 (unauthorized: ")
                .contains("check the agent token")
                .doesNotContain("not-the-token-55", TOKEN);
        assertThat(client.health().machine()).as("health needs no token").isEqualTo("box");
    }

    @Test
    void an_agent_that_accepts_the_connection_but_never_answers_times_out() throws IOException {
        ServerSocket silent = listen();
        AgentClient client = new AgentClient(SHARED, "http://127.0.0.1:" + silent.getLocalPort(), TOKEN, QUICK);
        long started = System.nanoTime();
        AgentCallException e = catchThrowableOfType(AgentCallException.class, client::health);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
        assertThat(e.kind()).isEqualTo(AgentCallException.Kind.TIMEOUT);
        assertThat(e.getMessage()).startsWith("agent at http://127.0.0.1:" + silent.getLocalPort()
                + "/v1/health did not ").endsWith("timeouts: connect 500ms, read 300ms, call 2s)");
    }

    @Test
    void a_refused_connection_names_the_agent_url() throws IOException {
        ServerSocket gone = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"));
        int port = gone.getLocalPort();
        gone.close();
        AgentClient client = new AgentClient(SHARED, "http://127.0.0.1:" + port + "/", TOKEN, QUICK);
        assertThatThrownBy(client::services)
                .isInstanceOfSatisfying(AgentCallException.class,
                        e -> assertThat(e.kind()).isEqualTo(AgentCallException.Kind.REFUSED))
                .hasMessage("agent at http://127.0.0.1:" + port + "/v1/services refused the connection; is the "
                        + "agent running and listening on that address?");
    }

    @Test
    void something_that_is_not_an_agent_is_named_as_such() throws Exception {
        ServerSocket web = listen();
        Thread responder = new Thread(() -> {
            try (Socket s = web.accept()) {
                s.getInputStream().read(new byte[4096]);
                OutputStream out = s.getOutputStream();
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 13\r\nConnection: close"
                        + "\r\n\r\n<html></html>").getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (IOException ignored) {
                // the test's assertion says what went wrong
            }
        });
        responder.start();
        AgentClient client = new AgentClient(SHARED, "http://127.0.0.1:" + web.getLocalPort(), TOKEN, QUICK);
        AgentCallException e = catchThrowableOfType(AgentCallException.class, client::health);
        responder.join(2000);
        assertThat(e.kind()).isEqualTo(AgentCallException.Kind.BAD_ANSWER);
        assertThat(e.getMessage()).isEqualTo("agent at http://127.0.0.1:" + web.getLocalPort() + "/v1/health "
                + "answered 200 with something that is not the agent's JSON (text/html); is a homefleet agent "
                + "listening there?");
    }

    @Test
    void an_error_from_the_agent_is_quoted_with_its_status_and_code() throws IOException {
        AgentServer server = agent(1);
        AgentClient client = new AgentClient(SHARED, server.url() + "/elsewhere/", TOKEN);
        AgentCallException e = catchThrowableOfType(AgentCallException.class, client::health);
        assertThat(e.kind()).isEqualTo(AgentCallException.Kind.ERROR);
        assertThat(e.status()).isEqualTo(404);
        assertThat(e.getMessage()).startsWith("agent at " + server.url() + "/elsewhere/v1/health answered 404 "
                + "(not_found: no such endpoint: GET /elsewhere/v1/health;");
    }

    @Test
    void a_base_url_that_is_not_http_is_refused_at_once() {
        assertThatThrownBy(() -> new AgentClient(SHARED, "10.0.0.2:8421", TOKEN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'10.0.0.2:8421' is not an agent URL; write http://HOST:PORT");
    }
}
