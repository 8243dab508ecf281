package dev.homefleet.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import picocli.CommandLine;

/**
 * {@code fleet failover} against the real node agent, started from the test classpath in a JVM of its own as the
 * standby {@code mini} (token required, on 127.0.0.1), watching a primary this test serves over HTTP: once through
 * the agent's HTTP API with the token, once through its socket without one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FailoverCommandTest {

    private static final String TOKEN_VARIABLE = "FO_AGENT_TOKEN";
    private static final String TOKEN = "failover-cli-token-81c2";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private Path dir;
    private Path home;
    private Path fleet;
    private Path socket;
    private HttpServer primary;
    private Process agent;
    private int agentPort;

    private record Run(int code, String out, String err) {}

    @BeforeAll
    void startPrimaryAndAgent() throws Exception {
        dir = Files.createTempDirectory(Path.of("/tmp"), "hf-focli-");
        home = Files.createDirectories(dir.resolve("home"));
        socket = dir.resolve("agent.sock");
        primary = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        primary.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        primary.start();
        agentPort = freePort();
        fleet = Files.writeString(dir.resolve("fleet.yaml"), fleetYaml(agentPort));
        Path log = dir.resolve("agent.log");
        ProcessBuilder builder = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx128m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                "dev.homefleet.agent.AgentMain", "agent", "--config", fleet.toString(), "--machine", "mini",
                "--socket", socket.toString(), "--no-mdns", "--data-dir", dir.resolve("data").toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().put("HOME", home.toString());
        builder.environment().put(TOKEN_VARIABLE, TOKEN);
        agent = builder.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            if (!agent.isAlive()) {
                throw new AssertionError("the agent exited: " + Files.readString(log));
            }
            try {
                return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agentPort + "/v1/health"))
                        .build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException notYet) {
                return false;
            }
        });
    }

    @AfterAll
    void stop() throws Exception {
        if (agent != null) {
            agent.destroy();
            if (!agent.waitFor(10, TimeUnit.SECONDS)) {
                agent.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        primary.stop(0);
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    private String fleetYaml(int port) {
        return """
                version: 1
                controller:
                  machine: mini
                  port: %3$d
                machines:
                  book:
                    os: linux
                    reach:
                      via: none
                  mini:
                    os: linux
                    reach:
                      via: local
                    agent:
                      port: %2$d
                      bind: loopback
                      token: ${FO_AGENT_TOKEN}
                failover:
                  gw:
                    primary:
                      machine: book
                    standby:
                      machine: mini
                    check: http://127.0.0.1:%1$d/
                    interval: 1s
                    timeout: 900ms
                    on_takeover:
                      - command: [sh, -c, "echo takeover >> '%4$s'"]
                    on_yield:
                      - command: [sh, -c, "echo yield >> '%4$s'"]
                """.formatted(primary.getAddress().getPort(), port, port + 1 > 65535 ? 1024 : port + 1,
                dir.resolve("actions.log"));
    }

    private Run fleet(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine line = FailoverCommand.commandLine(new CliContext(env, dir, home));
        line.setExecutionExceptionHandler(new FleetCommand.Errors());
        line.setOut(new PrintWriter(out, true));
        line.setErr(new PrintWriter(err, true));
        return new Run(line.execute(args), out.toString(), err.toString());
    }

    /** Over HTTP: the token in the environment, no agent socket where the command looks. */
    private Run overHttp(String... args) {
        String[] all = Stream.concat(Stream.of(args), Stream.of("--config", fleet.toString(), "--socket",
                dir.resolve("no-agent-here.sock").toString())).toArray(String[]::new);
        return fleet(Map.of(TOKEN_VARIABLE, TOKEN), all);
    }

    @Test
    void status_asks_the_standbys_agent_over_http_with_its_token() {
        await().atMost(Duration.ofSeconds(10)).until(() -> overHttp("status").out().contains("200 in"));
        Run run = overHttp("status");
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out().lines().findFirst().orElseThrow()).startsWith("FAILOVER").contains("STATE", "MODE",
                "PRIMARY", "STANDBY", "LAST CHECK");
        assertThat(run.out()).containsPattern("gw +standby +auto +book +mini +0 +\\d+ +\\d+s ago: 200 in \\d+ ms");
    }

    @Test
    void status_of_one_failover_shows_its_settings_and_as_json_the_agents_answer() throws Exception {
        Run one = overHttp("status", "gw");
        assertThat(one.code()).as(one.err()).isZero();
        assertThat(one.out()).contains("checks http://127.0.0.1:" + primary.getAddress().getPort() + "/ every 1s "
                + "(timeout 900ms); takes over after 3 failures in a row, yields after 5 successes in a row");
        Run json = overHttp("status", "gw", "--json");
        JsonNode answer = JSON.readTree(json.out());
        assertThat(answer.path("name").asText()).isEqualTo("gw");
        assertThat(answer.path("interval").asText()).isEqualTo("1s");
        Run bare = overHttp();
        assertThat(bare.code()).as(bare.err()).isZero();
        assertThat(bare.out()).as("fleet failover alone is the status of all").startsWith("FAILOVER")
                .containsPattern("gw +standby");
    }

    @Test
    void on_the_standby_itself_the_socket_answers_without_a_token() {
        Run run = fleet(Map.of(), "status", "--config", fleet.toString(), "--socket", socket.toString());
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).contains("gw ").contains(" mini ");
        Run withoutSocket = fleet(Map.of(), "status", "--config", fleet.toString(), "--socket",
                dir.resolve("none.sock").toString());
        assertThat(withoutSocket.code()).isEqualTo(1);
        assertThat(withoutSocket.err()).isEqualTo("fleet: cannot ask about failover gw: mini's agent token "
                + "${FO_AGENT_TOKEN} is not set in this environment (machines.mini.agent.token)\n");
        assertThat(withoutSocket.out()).containsPattern("gw +unknown");
    }

    @Test
    void promote_demote_and_auto_pin_and_release_the_standby() throws Exception {
        Run promote = overHttp("promote", "gw");
        assertThat(promote.code()).as(promote.err()).isZero();
        assertThat(promote.out()).isEqualTo("gw: mini is active, pinned until fleet failover auto gw; takeover "
                + "actions done\n");
        Run status = overHttp("status", "gw");
        assertThat(status.out()).containsPattern("gw +active +promoted")
                .contains("pinned active by hand until: fleet failover auto gw");

        Run demote = fleet(Map.of(), "demote", "--config", fleet.toString(), "--socket", socket.toString());
        assertThat(demote.code()).as(demote.err()).isZero();
        assertThat(demote.out()).isEqualTo("gw: mini is standby, pinned until fleet failover auto gw; yield "
                + "actions done\n");

        Run auto = overHttp("auto");
        assertThat(auto.code()).as(auto.err()).isZero();
        assertThat(auto.out()).isEqualTo("gw: mini is standby; the checks decide again\n");
        assertThat(Files.readAllLines(dir.resolve("actions.log"))).containsExactly("takeover", "yield");
        JsonNode after = JSON.readTree(overHttp("status", "gw", "--json").out());
        assertThat(after.path("mode").asText()).isEqualTo("auto");
        assertThat(after.path("transitions").get(after.path("transitions").size() - 1).path("reason").asText())
                .isEqualTo("set back to auto by hand");
    }

    @Test
    void an_unknown_failover_is_a_usage_error() {
        Run run = overHttp("promote", "printer");
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("fleet: no failover 'printer' in fleet.yaml; its failovers are gw\n");
    }

    @Test
    void an_agent_that_does_not_answer_is_a_finding_that_says_where() throws Exception {
        Path elsewhere = Files.writeString(dir.resolve("elsewhere.yaml"), fleetYaml(freePort()));
        Run run = fleet(Map.of(TOKEN_VARIABLE, TOKEN), "status", "--config", elsewhere.toString(), "--socket",
                dir.resolve("none.sock").toString());
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err()).startsWith("fleet: cannot ask about failover gw: agent at http://127.0.0.1:")
                .contains("refused the connection");
    }
}
