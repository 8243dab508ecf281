package dev.homefleet.pm2;

import static dev.homefleet.pm2.Fleets.machine;
import static dev.homefleet.pm2.Fleets.pm2;
import static dev.homefleet.pm2.Fleets.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.homefleet.core.config.ServiceSpec;
import dev.homefleet.core.service.ServiceState;
import dev.homefleet.core.service.ServiceState.State;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real pm2 from the npm registry, its own daemon (private PM2_HOME) and real node HTTP servers. Every test runs
 * apps of its own in the one daemon; {@link RealPm2#close()} kills it and checks that nothing of it is left.
 */
class Pm2ServiceManagerTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final String SERVER = """
            const http = require('http');
            const port = Number(process.env.PORT);
            http.createServer((req, res) => {
              const variable = /^\\/env\\/(\\w+)$/.exec(req.url);
              res.end(variable ? String(process.env[variable[1]]) : 'ok ' + port);
            }).listen(port, '127.0.0.1', () => console.log('server listening on ' + port));
            """;
    private static final String CRASH = """
            console.log('crashing at once');
            process.exit(1);
            """;

    private static RealPm2 pm2;
    private static Path apps;
    private static String ecosystem;

    @BeforeAll
    static void startPm2AndWriteTheApps() throws Exception {
        pm2 = RealPm2.start();
        apps = pm2.apps();
        Files.writeString(apps.resolve("server.js"), SERVER);
        Files.writeString(apps.resolve("crash.js"), CRASH);
        ecosystem = apps.resolve("ecosystem.config.js").toString();
        new Pm2Cli(pm2.runner, pm2.pm2, Duration.ofSeconds(30)).jlist(); // starts the daemon
        // The check that nothing survives pm2 kill has to see the daemon while it runs.
        assertThat(pm2.survivors()).anyMatch(line -> line.contains("God Daemon (" + pm2.home + ")"));
    }

    @AfterAll
    static void killPm2() throws Exception {
        if (pm2 != null) {
            pm2.close();
        }
    }

    /** A server app with a port of its own, written with the others of its test into the ecosystem file. */
    private static ServiceSpec server(String name, Map<String, String> env) {
        return service(name, pm2(name, apps.resolve("server.js").toString(), null, apps.toString(), null, env),
                RealPm2.freePort());
    }

    private static void writeEcosystem(ServiceSpec... services) throws Exception {
        Files.writeString(Path.of(ecosystem), EcosystemWriter.forMachine("test", machine("test", services)).render());
    }

    private static Pm2ServiceManager manager(ServiceSpec service) {
        return new Pm2ServiceManager(pm2.runner, pm2.pm2, service, ecosystem);
    }

    /** A server app, alone in the ecosystem file, started and answering on its port. */
    private static Pm2ServiceManager running(ServiceSpec web) throws Exception {
        writeEcosystem(web);
        Pm2ServiceManager manager = manager(web);
        manager.start();
        awaitAnswer(web.port(), "ok " + web.port());
        return manager;
    }

    private static String get(int port, String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(2)).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body();
    }

    private static void awaitAnswer(int port, String body) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> get(port, "/").equals(body));
    }

    private static ServiceState awaitState(Pm2ServiceManager manager, State state) {
        return await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
                .until(manager::status, s -> s.state() == state);
    }

    @Test
    void an_app_pm2_does_not_know_is_stopped_and_not_in_its_process_list() throws Exception {
        ServiceState state = manager(server("never-started", Map.of())).status();

        assertThat(state).isEqualTo(ServiceState.of(State.STOPPED, "not in pm2's process list"));
    }

    @Test
    void start_runs_the_app_from_the_ecosystem_file_and_it_answers_on_its_port() throws Exception {
        ServiceSpec web = server("web-start", Map.of("NODE_ENV", "production"));
        writeEcosystem(web);
        Pm2ServiceManager manager = manager(web);

        manager.start();

        ServiceState state = awaitState(manager, State.RUNNING);
        assertThat(state.pid()).isPositive();
        assertThat(state.restarts()).isZero();
        assertThat(state.uptime()).isNotNull().isLessThan(WAIT);
        assertThat(state.memoryBytes()).isPositive();
        assertThat(state.cpuPercent()).isNotNegative();
        assertThat(state.detail()).isEqualTo("online");
        awaitAnswer(web.port(), "ok " + web.port());
        assertThat(get(web.port(), "/env/NODE_ENV")).isEqualTo("production");
        assertThat(ProcessHandle.of(state.pid())).hasValueSatisfying(p -> assertThat(p.isAlive()).isTrue());

        manager.start(); // running already: nothing to do
        assertThat(manager.status().pid()).isEqualTo(state.pid());
        assertThat(manager.status().restarts()).isZero();
    }

    @Test
    void pm2s_process_list_tells_the_script_args_and_cwd_the_ecosystem_file_gave() throws Exception {
        String script = apps.resolve("server.js").toString();
        ServiceSpec web = service("web-launch", pm2("web-launch", script, List.of("--greeting", "hi there"),
                apps.toString(), null, Map.of()), RealPm2.freePort());
        running(web);

        Pm2Process listed = new Pm2Cli(pm2.runner, pm2.pm2, Duration.ofSeconds(30)).jlist().stream()
                .filter(p -> p.name().equals("web-launch")).findFirst().orElseThrow();

        assertThat(listed.launch()).isEqualTo(new Pm2Process.Launch(script, List.of("--greeting", "hi there"),
                apps.toString(), "node"));
    }

    @Test
    void restart_counts_and_gives_the_app_a_new_pid() throws Exception {
        ServiceSpec web = server("web-restart", Map.of());
        Pm2ServiceManager manager = running(web);
        ServiceState before = awaitState(manager, State.RUNNING);

        manager.restart();

        ServiceState after = awaitState(manager, State.RUNNING);
        assertThat(after.restarts()).isEqualTo(before.restarts() + 1);
        assertThat(after.pid()).isPositive().isNotEqualTo(before.pid());
        awaitAnswer(web.port(), "ok " + web.port());
    }

    @Test
    void logs_hold_the_servers_startup_line() throws Exception {
        ServiceSpec web = server("web-logs", Map.of());
        Pm2ServiceManager manager = running(web);

        List<String> logs = await().atMost(WAIT).until(() -> manager.logs(100), lines -> !lines.isEmpty());

        assertThat(logs).containsExactly("server listening on " + web.port());
        assertThat(manager.logs(1)).containsExactly("server listening on " + web.port());
    }

    @Test
    void stop_ends_the_process_and_start_runs_the_known_app_again() throws Exception {
        ServiceSpec web = server("web-stop", Map.of());
        Pm2ServiceManager manager = running(web);

        manager.stop();

        ServiceState stopped = manager.status();
        assertThat(stopped.state()).isEqualTo(State.STOPPED);
        assertThat(stopped.pid()).isEqualTo(-1);
        assertThat(stopped.detail()).isEqualTo("stopped");
        assertThatThrownBy(() -> get(web.port(), "/")).isInstanceOf(ConnectException.class);

        manager.start();

        assertThat(awaitState(manager, State.RUNNING).pid()).isPositive();
        awaitAnswer(web.port(), "ok " + web.port());
    }

    @Test
    void a_script_that_crashes_at_once_ends_errored_after_restarts() throws Exception {
        ObjectNode crashy = new ObjectMapper().createObjectNode()
                .put("name", "crashy").put("script", apps.resolve("crash.js").toString())
                .put("min_uptime", 1000).put("max_restarts", 2).put("restart_delay", 0);
        String crashEcosystem = apps.resolve("crash.config.js").toString();
        Files.writeString(Path.of(crashEcosystem), EcosystemFile.of("// crashes", List.of(crashy)).render());
        Pm2ServiceManager manager = new Pm2ServiceManager(pm2.runner, pm2.pm2,
                service("crashy", pm2("crashy", "crash.js", null, null, null, null), null), crashEcosystem);

        manager.start();

        ServiceState state = awaitState(manager, State.ERRORED);
        assertThat(state.restarts()).isPositive();
        assertThat(state.pid()).isEqualTo(-1);
        assertThat(state.lastExitStatus()).isEqualTo(1);
        assertThat(state.detail()).isEqualTo("errored");
        assertThat(manager.logs(10)).contains("crashing at once");
    }

    @Test
    void a_new_env_applies_at_the_next_restart_the_new_port_answers_the_old_does_not_and_dropped_keys_are_gone()
            throws Exception {
        ServiceSpec web = server("web-env", Map.of("FOO", "bar"));
        Pm2ServiceManager manager = running(web);
        assertThat(get(web.port(), "/env/FOO")).isEqualTo("bar");
        assertThat(manager.environment()).isEqualTo(Map.of("FOO", "bar", "PORT", String.valueOf(web.port())));
        int newPort = RealPm2.freePort();

        manager.setEnvironment(Map.of("PORT", String.valueOf(newPort)));

        assertThat(manager.environment()).isEqualTo(Map.of("PORT", String.valueOf(newPort)));
        assertThat(Files.readString(Path.of(ecosystem))).startsWith("// pm2 ecosystem file for machine test");
        assertThat(Files.getPosixFilePermissions(Path.of(ecosystem))) // the env may hold secrets
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(get(web.port(), "/")).isEqualTo("ok " + web.port()); // not before the restart
        ServiceState before = manager.status();

        manager.restart();

        awaitAnswer(newPort, "ok " + newPort);
        assertThatThrownBy(() -> get(web.port(), "/")).isInstanceOf(ConnectException.class);
        assertThat(get(newPort, "/env/FOO")).isEqualTo("undefined");
        ServiceState after = awaitState(manager, State.RUNNING);
        assertThat(after.pid()).isNotEqualTo(before.pid());

        manager.restart(); // the env is applied now: a plain restart, which pm2 counts

        ServiceState again = awaitState(manager, State.RUNNING);
        assertThat(again.restarts()).isEqualTo(after.restarts() + 1);
        awaitAnswer(newPort, "ok " + newPort);
    }

    /** Why a new env means delete and start: pm2's own way of updating an env adds and changes, never removes. */
    @Test
    void pm2s_start_or_reload_with_update_env_keeps_a_variable_the_ecosystem_file_dropped() throws Exception {
        ServiceSpec web = server("web-reload", Map.of("FOO", "bar"));
        Pm2ServiceManager manager = running(web);
        manager.setEnvironment(Map.of("PORT", String.valueOf(web.port()), "BAZ", "new"));

        new Pm2Cli(pm2.runner, pm2.pm2, Duration.ofSeconds(30))
                .run(List.of("startOrReload", ecosystem, "--only", "web-reload", "--update-env"));

        await().atMost(WAIT).ignoreExceptions().until(() -> get(web.port(), "/env/BAZ").equals("new"));
        assertThat(get(web.port(), "/env/FOO")).isEqualTo("bar");
    }

    @Test
    void stopping_an_app_pm2_does_not_know_is_an_ioexception_with_pm2s_words() {
        assertThatThrownBy(() -> manager(server("ghost", Map.of())).stop())
                .isInstanceOf(IOException.class)
                .hasMessage("cannot stop ghost: pm2 stop ghost failed on local (exit 1): "
                        + "Process or Namespace ghost not found");
    }

    @Test
    void the_logs_of_an_app_pm2_does_not_know_are_an_ioexception() {
        assertThatThrownBy(() -> manager(server("ghost", Map.of())).logs(10))
                .isInstanceOf(IOException.class)
                .hasMessage("cannot read the logs of ghost on local: it is not in pm2's process list");
    }

    @Test
    void starting_an_app_the_ecosystem_file_does_not_have_is_an_ioexception_that_says_what_to_do() throws Exception {
        writeEcosystem(server("web-other", Map.of()));

        assertThatThrownBy(() -> manager(server("ghost", Map.of())).start())
                .isInstanceOf(IOException.class)
                .hasMessage("cannot start ghost: " + ecosystem + " on local has no app named ghost (it has web-other); "
                        + "write it anew with fleet pm2 ecosystem MACHINE");
    }

    @Test
    void without_an_ecosystem_file_there_is_no_env_to_read_or_set() {
        String missing = apps.resolve("missing/ecosystem.config.js").toString();
        Pm2ServiceManager manager = new Pm2ServiceManager(pm2.runner, pm2.pm2, server("web", Map.of()), missing);

        String message = "cannot read the env of web: " + missing + " does not exist on local; write it with fleet pm2 "
                + "ecosystem MACHINE --output FILE";
        assertThatThrownBy(manager::environment).isInstanceOf(IOException.class).hasMessage(message);
        assertThatThrownBy(() -> manager.setEnvironment(Map.of()))
                .hasMessage(message.replace("read the env of", "set the env of"));
    }

    @Test
    void a_pm2_that_is_not_there_is_an_ioexception_naming_the_app() {
        Pm2ServiceManager manager = new Pm2ServiceManager(pm2.runner, List.of("/nonexistent/pm2"),
                server("web", Map.of()), ecosystem);

        assertThatThrownBy(manager::stop).isInstanceOf(IOException.class)
                .hasMessage("cannot stop web: cannot run /nonexistent/pm2: no such file");
        assertThatThrownBy(manager::status).isInstanceOf(IOException.class)
                .hasMessage("cannot run /nonexistent/pm2: no such file");
    }
}
