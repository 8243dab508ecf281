package dev.homefleet.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.homefleet.core.alert.store.AlertDb;
import dev.homefleet.core.alert.store.Outbox;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code fleet alert test}: one message through the outbox to every chat, against a local Bot API. */
class AlertCommandTest {

    private static final String TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";

    @TempDir
    Path dir;

    private HttpServer server;
    private final List<String> bodies = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String answer;
            int status = 200;
            if (!path.startsWith("/bot" + TOKEN + "/")) {
                status = 401;
                answer = "{\"ok\":false,\"error_code\":401,\"description\":\"Unauthorized\"}";
            } else if (path.endsWith("/getMe")) {
                answer = "{\"ok\":true,\"result\":{\"id\":1,\"is_bot\":true,\"first_name\":\"hf\",\"username\":\"hf_bot\"}}";
            } else {
                synchronized (bodies) {
                    bodies.add(body);
                }
                answer = "{\"ok\":true,\"result\":{\"message_id\":1,\"date\":0,\"chat\":{\"id\":1001,\"type\":\"private\"}}}";
            }
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private Path fleet(String telegram) throws IOException {
        Path file = dir.resolve("fleet.yaml");
        Files.writeString(file, """
                version: 1
                controller:
                  machine: macbook
                  data_dir: %s
                machines:
                  macbook:
                    os: macos
                    reach: {via: local}
                """.formatted(dir.resolve("data")) + telegram);
        return file;
    }

    private String telegram() {
        return """
                alerts:
                  telegram:
                    bot_token: ${HOMEFLEET_TELEGRAM_BOT_TOKEN}
                    chat_ids: [1001, 1002]
                    api_url: http://127.0.0.1:%d
                """.formatted(server.getAddress().getPort());
    }

    private FleetCli.Run run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine line = new CommandLine(new FleetCommand()).addSubcommand(
                AlertCommand.commandLine(new CliContext(env, dir, dir)));
        line.setExecutionExceptionHandler(new FleetCommand.Errors());
        line.setOut(new PrintWriter(out, true));
        line.setErr(new PrintWriter(err, true));
        int code = line.execute(args);
        return new FleetCli.Run(code, out.toString(), err.toString());
    }

    @Test
    void a_test_message_goes_through_the_outbox_to_every_chat() throws Exception {
        fleet(telegram());

        FleetCli.Run run = run(Map.of("HOMEFLEET_TELEGRAM_BOT_TOKEN", TOKEN), "alert", "test", "--text", "hi <there>");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("queued a test message to 2 chat(s) as @hf_bot")
                .contains("Telegram accepted it in every chat: [1001, 1002]");
        assertThat(bodies).hasSize(2);
        assertThat(bodies.get(0)).contains("\"chat_id\":1001").contains("hi &lt;there&gt;")
                .contains("\"parse_mode\":\"HTML\"");
        assertThat(bodies.get(1)).contains("\"chat_id\":1002");
        try (AlertDb db = AlertDb.open(dir.resolve("data").resolve("alerts.db"))) {
            assertThat(new Outbox(db).size()).isZero();
        }
    }

    @Test
    void a_wrong_token_is_reported_and_nothing_is_queued() throws Exception {
        fleet(telegram());

        FleetCli.Run run = run(Map.of("HOMEFLEET_TELEGRAM_BOT_TOKEN", "42:wrong"), "alert", "test");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.FINDING);
        assertThat(run.err()).contains("fleet: the bot does not answer: getMe: Telegram answered 401 Unauthorized; "
                + "check the bot token").doesNotContain("42:wrong");
        assertThat(bodies).isEmpty();
    }

    @Test
    void when_the_controller_holds_the_outbox_the_message_is_left_to_it() throws Exception {
        fleet(telegram());
        Files.createDirectories(dir.resolve("data"));
        try (AlertDb controller = AlertDb.open(dir.resolve("data").resolve("alerts.db"));
                AlertDb.SenderLock held = controller.trySenderLock().orElseThrow()) {

            FleetCli.Run run = run(Map.of("HOMEFLEET_TELEGRAM_BOT_TOKEN", TOKEN), "alert", "test", "--wait", "300ms");

            assertThat(run.exitCode()).isEqualTo(ExitCodes.FINDING);
            assertThat(run.out()).contains("the controller is running and sends it");
            assertThat(run.err()).contains("Telegram has not accepted it within 300ms; it stays queued");
            assertThat(new Outbox(controller).size()).isEqualTo(2);
            assertThat(bodies).isEmpty();
        }
    }

    @Test
    void without_a_telegram_section_or_its_token_it_says_what_is_missing() throws Exception {
        fleet("");
        FleetCli.Run none = run(Map.of(), "alert", "test");
        fleet(telegram());
        FleetCli.Run unset = run(Map.of(), "alert", "test");

        assertThat(none.exitCode()).isEqualTo(ExitCodes.FINDING);
        assertThat(none.err()).contains("fleet.yaml has no alerts.telegram section");
        assertThat(unset.exitCode()).isEqualTo(ExitCodes.FINDING);
        assertThat(unset.err()).contains("alerts.telegram.bot_token ${HOMEFLEET_TELEGRAM_BOT_TOKEN} is not set");
    }
}
