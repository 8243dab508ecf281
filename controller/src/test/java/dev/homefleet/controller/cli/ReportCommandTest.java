package dev.homefleet.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.homefleet.controller.checkin.CheckinRoutes;
import dev.homefleet.controller.checkin.CheckinTracker;
import dev.homefleet.controller.events.EventBus;
import dev.homefleet.controller.store.Report;
import dev.homefleet.controller.store.Store;
import dev.homefleet.core.config.CheckinSpec;
import dev.homefleet.core.config.FleetConfigLoader;
import dev.homefleet.core.config.LoadResult;
import dev.homefleet.core.config.Schedule;
import io.javalin.Javalin;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ReportCommandTest {

    @TempDir
    Path cwd;
    @TempDir
    Path home;

    private Store store;
    private Javalin controller;
    private final List<String> authorizations = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startController() {
        store = Store.open(home.resolve(".homefleet").resolve("homefleet.db"));
        CheckinSpec backup = new CheckinSpec("backup", "box", Schedule.parse("@every 1h"), Duration.ofMinutes(5),
                null, null, null);
        CheckinRoutes routes = new CheckinRoutes(new CheckinTracker(List.of(backup), store,
                new EventBus(store::append), Clock.systemUTC()));
        controller = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.jetty.host = "127.0.0.1";
            config.jetty.port = 0;
            config.routes.before(ctx -> authorizations.add(String.valueOf(ctx.header("Authorization"))));
            routes.register(config);
        }).start();
    }

    @AfterEach
    void stopController() {
        controller.stop();
        store.close();
    }

    private record Run(int exitCode, String out, String err) {}

    private Run fleet(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine line = new CommandLine(new ReportCommand(new CliContext(env, cwd, home)));
        line.setExecutionExceptionHandler(new FleetCommand.Errors());
        line.setOut(new PrintWriter(out, true));
        line.setErr(new PrintWriter(err, true));
        return new Run(line.execute(args), out.toString(), err.toString());
    }

    private Run fleet(String... args) {
        return fleet(Map.of(), args);
    }

    private void fleetYaml(int port, String controllerExtra) throws Exception {
        Files.writeString(cwd.resolve("fleet.yaml"), """
                version: 1
                controller:
                  machine: box
                  bind: loopback
                  port: %d
                %s
                machines:
                  box:
                    os: linux
                    reach: {via: local}
                checkins:
                  backup:
                    machine: box
                    schedule: "@every 1h"
                """.formatted(port, controllerExtra));
    }

    @Test
    void a_report_goes_to_the_controller_fleet_yaml_names_and_prints_one_line() throws Exception {
        fleetYaml(controller.port(), "");

        Run run = fleet("backup", "--status", "warning", "--message", "disk at 91%");

        assertThat(run.exitCode()).as(run.err()).isZero();
        Report stored = store.reports("backup", 1).get(0);
        assertThat(run.out()).isEqualTo("reported warning for backup (report " + stored.id() + ")\n");
        assertThat(run.err()).isEmpty();
        assertThat(stored.status()).isEqualTo("warning");
        assertThat(stored.message()).isEqualTo("disk at 91%");
        assertThat(stored.source()).isEqualTo("POST /api/v1/checkins from 127.0.0.1");
        assertThat(authorizations).containsExactly("null");
    }

    @Test
    void the_status_defaults_to_ok_and_url_needs_no_fleet_file() {
        Run run = fleet("backup", "--url", "http://127.0.0.1:" + controller.port() + "/");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(store.reports("backup", 1)).extracting(Report::status, Report::message)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("ok", ""));
    }

    @Test
    void the_admin_token_from_fleet_yaml_is_sent_when_it_resolves() throws Exception {
        fleetYaml(controller.port(), "  tokens: {admin: \"${HOMEFLEET_ADMIN_TOKEN}\"}");

        Run run = fleet(Map.of("HOMEFLEET_ADMIN_TOKEN", "s3cret-admin"), "backup");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(authorizations).containsExactly("Bearer s3cret-admin");
    }

    @Test
    void a_job_fleet_yaml_does_not_declare_is_refused_before_anything_is_sent() throws Exception {
        fleetYaml(controller.port(), "");

        Run run = fleet("nightly", "--message", "done");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).isEqualTo("fleet: no check-in named 'nightly' in fleet.yaml; the known ones are backup\n");
        assertThat(authorizations).isEmpty();
    }

    @Test
    void a_job_the_controller_does_not_know_is_refused_with_its_reason() {
        String url = "http://127.0.0.1:" + controller.port();
        Run run = fleet("nightly", "--url", url);

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).isEqualTo("fleet: the controller on " + url + " refused the report (HTTP 404): "
                + "no check-in named 'nightly' in fleet.yaml; the known ones are backup (add it under checkins: to "
                + "track it)\n");
        assertThat(store.reports(null, 10)).isEmpty();
    }

    @Test
    void an_unknown_status_is_a_usage_error() {
        Run run = fleet("backup", "--status", "fine", "--url", "http://127.0.0.1:" + controller.port());

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).isEqualTo("fleet: --status: 'fine' is not a report status; use one of ok, warning, "
                + "critical\n");
        assertThat(authorizations).isEmpty();
    }

    @Test
    void no_controller_listening_says_so_and_how_to_start_one() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        fleetYaml(closedPort, "");

        Run run = fleet("backup", "--message", "done");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.FINDING);
        assertThat(run.err()).isEqualTo("fleet: no controller answers on http://127.0.0.1:" + closedPort
                + "; is `fleet controller` running?\n");
    }

    @Test
    void the_default_url_is_loopback_unless_the_controller_listens_on_one_address_only() {
        assertThat(urlFor("all")).isEqualTo("http://127.0.0.1:8420");
        assertThat(urlFor("loopback")).isEqualTo("http://127.0.0.1:8420");
        assertThat(urlFor("tailscale")).isEqualTo("http://100.125.165.107:8420");
    }

    private String urlFor(String bind) {
        String yaml = """
                version: 1
                controller:
                  machine: box
                  bind: %s
                  tokens: {admin: "${T}"}
                machines:
                  box:
                    os: macos
                    addresses: {tailscale: 100.125.165.107}
                    reach: {via: local}
                """.formatted(bind);
        try {
            Path file = cwd.resolve(bind + ".yaml");
            Files.writeString(file, yaml);
            LoadResult result = new FleetConfigLoader(Map.of()).load(file, file.toString());
            assertThat(result.ok()).as(result.problems().toString()).isTrue();
            return ReportCommand.controllerUrl(result.config());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
