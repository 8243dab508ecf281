package dev.homefleet.agent;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.homefleet.agent.http.AgentServer;
import dev.homefleet.core.control.ControlClient;
import dev.homefleet.core.control.ControlException;
import java.io.IOException;
import java.time.Duration;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

class AgentCommandTest {

    private static final String SHIPPED = Path.of("..", "fleet.yaml").toAbsolutePath().normalize().toString();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path home;

    private Path fleetFile;
    private final List<String> served = new ArrayList<>();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger commandLogger = (Logger) LoggerFactory.getLogger(AgentCommand.class);

    private record Run(int code, String out, String err) {}

    @BeforeEach
    void writeFleetFile() throws IOException {
        fleetFile = Files.writeString(home.resolve("fleet.yaml"), TestFleet.yaml(1));
        logs.start();
        commandLogger.addAppender(logs);
    }

    @AfterEach
    void detachLog() {
        commandLogger.detachAppender(logs);
    }

    /** Runs {@code homefleet-agent agent ARGS}; while it serves, asks its health and stops it. */
    private Run agent(Map<String, String> environment, String... args) {
        AgentMain.Host nowhere = new AgentMain.Host() {
            @Override
            public String hostname() {
                return "test-host";
            }

            @Override
            public Set<String> addresses() {
                return Set.of();
            }
        };
        AgentCommand.Lifetime askHealthThenStop = server -> {
            try {
                HttpRequest request = HttpRequest.newBuilder(URI.create(server.url() + "/v1/health")).build();
                served.add(HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body());
                served.add(server.requiresToken() ? "token required" : "no token");
                Path socket = home.resolve(".homefleet").resolve("agent.sock");
                ControlClient local = new ControlClient(socket);
                String health = local.request("health", null, Duration.ofSeconds(5)).toString();
                for (String action : new String[] {"metrics", "ports", "services"}) {
                    local.request(action, null, Duration.ofSeconds(5)); // every action of the socket answers
                }
                served.add(health);
            } catch (IOException | ControlException e) {
                throw new AssertionError(e);
            } finally {
                server.close();
            }
        };
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine line = AgentMain.commandLine(environment, home, nowhere, askHealthThenStop);
        line.setOut(new PrintWriter(out, true));
        line.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 1];
        all[0] = "agent";
        System.arraycopy(args, 0, all, 1, args.length);
        return new Run(line.execute(all), out.toString(), err.toString());
    }

    @Test
    void the_agent_refuses_to_listen_on_the_lan_without_a_token_value() {
        Run run = agent(Map.of(), "--config", fleetFile.toString(), "--machine", "box");
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("homefleet-agent: refusing to listen on 192.0.2.10:8421, beyond loopback, "
                + "without a token: set ${TEST_AGENT_TOKEN} (machines.box.agent.token), or pass --bind loopback\n");
        assertThat(served).isEmpty();
    }

    @Test
    void the_agent_serves_with_its_token_on_the_bind_and_port_it_is_given_and_logs_its_url() {
        Run run = agent(Map.of(TestFleet.TOKEN_VARIABLE, TestFleet.TOKEN),
                "--config", fleetFile.toString(), "--machine", "box", "--bind", "loopback", "--port", "0");
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(served).hasSize(3);
        assertThat(served.get(0)).contains("\"machine\":\"box\"");
        assertThat(served.get(1)).isEqualTo("token required");
        assertThat(served.get(2)).as("the local socket answers without a token").contains("\"machine\":\"box\"");
        assertThat(logs.list).singleElement().satisfies(event -> assertThat(event.getFormattedMessage())
                .matches("homefleet agent for box listening on http://127\\.0\\.0\\.1:\\d+ \\(token required\\), "
                        + "local control on .*/\\.homefleet/agent\\.sock"));
        assertThat(home.resolve(".homefleet/agent.sock")).as("removed when the agent stops").doesNotExist();
        assertThat(logs.list.toString()).doesNotContain(TestFleet.TOKEN);
    }

    @Test
    void a_machine_without_an_agent_block_serves_loopback_without_a_token() {
        Run run = agent(Map.of("HOMEFLEET_CONFIG", SHIPPED), "--machine", "macbook", "--port", "0");
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(served).containsExactly(served.get(0), "no token", served.get(2));
        assertThat(served.get(0)).contains("\"machine\":\"macbook\"");
    }

    @Test
    void a_port_already_taken_is_a_one_line_failure() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"))) {
            Run run = agent(Map.of(TestFleet.TOKEN_VARIABLE, TestFleet.TOKEN), "--config", fleetFile.toString(),
                    "--machine", "box", "--bind", "127.0.0.1", "--port", Integer.toString(taken.getLocalPort()));
            assertThat(run.code()).isEqualTo(1);
            assertThat(run.err()).startsWith("homefleet-agent: cannot listen on 127.0.0.1:" + taken.getLocalPort()
                    + ": ").hasLineCount(1);
            assertThat(served).isEmpty();
        }
    }

    @Test
    void an_unknown_machine_or_bind_is_bad_usage() {
        Run machine = agent(Map.of(), "--config", fleetFile.toString(), "--machine", "nope");
        assertThat(machine.code()).isEqualTo(2);
        assertThat(machine.err()).isEqualTo("homefleet-agent: no machine named 'nope' in " + fleetFile
                + "; pass --machine NAME\n");
        Run bind = agent(Map.of(), "--config", fleetFile.toString(), "--machine", "box", "--bind", "tailscale");
        assertThat(bind.code()).isEqualTo(2);
        assertThat(bind.err()).startsWith("homefleet-agent: cannot listen on 'tailscale': box has no such address");
    }

    @Test
    void the_command_can_be_built_from_outside_with_the_environment_and_home() {
        CommandLine line = new CommandLine(new AgentCommand(Map.of(), home));
        assertThat(line.getCommandName()).isEqualTo("agent");
        assertThat(line.getCommandSpec().optionsMap()).containsKeys("--config", "--machine", "--bind", "--port");
        assertThat(AgentServer.MAX_BODY_BYTES).isEqualTo(64 * 1024);
    }
}
