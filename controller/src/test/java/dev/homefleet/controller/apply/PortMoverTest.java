package dev.homefleet.controller.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.homefleet.agent.service.Managers;
import dev.homefleet.agent.service.ServiceManagers;
import dev.homefleet.controller.apply.PortMove.Outcome;
import dev.homefleet.controller.reach.FleetReach;
import dev.homefleet.core.config.FleetConfig;
import dev.homefleet.core.config.FleetConfigLoader;
import dev.homefleet.core.exec.CommandResult;
import dev.homefleet.core.exec.LocalCommandRunner;
import dev.homefleet.core.service.ServiceManager;
import dev.homefleet.pm2.EcosystemWriter;
import java.io.IOException;
import java.net.ConnectException;
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
import java.util.UUID;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Moving a service to another port by editing fleet.yaml, end to end: the real pm2 (from .tools/pm2, a private
 * PM2_HOME), a node server that listens on $PORT, the machine's listeners read by the real `ss` sweep.
 */
class PortMoverTest {

    private static final String SERVER = """
            const http = require('http');
            const port = Number(process.env.PORT);
            http.createServer((req, res) => res.end('ok ' + port))
                .listen(port, '127.0.0.1', () => console.log('listening on ' + port));
            """;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static Path home;
    private static String pm2;
    private static LocalCommandRunner local;
    private static String app;
    private static Path script;

    @BeforeAll
    static void startPm2() throws Exception {
        Path repo = Path.of(System.getProperty("basedir", "")).toAbsolutePath().getParent();
        Path executable = repo.resolve(".tools/pm2/node_modules/.bin/pm2");
        assertThat(executable).as("the real pm2 (scripts/test installs it into .tools/pm2)").isExecutable();
        pm2 = executable.toString();
        home = Files.createTempDirectory(Path.of("/tmp"), "hfmove-");
        // HOME puts the ecosystem file (~/.homefleet/pm2) in the test's directory; PM2_HOME gives pm2 its own daemon.
        local = LocalCommandRunner.builder().environment("HOME", home.toString())
                .environment("PM2_HOME", home.resolve("pm2").toString()).build();
        app = "hf-move-" + UUID.randomUUID().toString().substring(0, 8);
        script = Files.writeString(home.resolve("server.js"), SERVER);
    }

    @AfterAll
    static void killPm2() throws IOException {
        CommandResult kill = local.run(List.of(pm2, "kill"), Duration.ofSeconds(30));
        assertThat(kill.exitCode()).as(kill.stderr()).isZero();
    }

    private static FleetConfig fleet(int port) {
        return new FleetConfigLoader(Map.of()).parse("""
                version: 1
                controller: {machine: box}
                machines:
                  box:
                    os: linux
                    reach: {via: local}
                    services:
                      web:
                        manager: {type: pm2, name: %s, script: %s}
                        port: %d
                        bind: loopback
                """.formatted(app, script, port), "fleet.yaml").config();
    }

    private static ServiceManagers managers() {
        return Managers.withPm2(List.of(pm2));
    }

    private static List<PortMove> apply(FleetConfig config, boolean dryRun, PortMover.Progress progress) {
        OkHttpClient http = new OkHttpClient();
        try (FleetReach reach = new FleetReach(config, Map.of(), home, local, () -> {
            throw new IllegalStateException("no SSH here");
        }, http)) {
            return new PortMover(config, (machine, service) -> managers().forService(machine, service, local),
                    machine -> reach.listeners(machine).value(), Duration.ofSeconds(8), progress).apply(dryRun);
        } finally {
            http.dispatcher().executorService().shutdown();
        }
    }

    private static String get(int port) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static boolean refused(int port) {
        try {
            get(port);
            return false;
        } catch (ConnectException e) {
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    void editing_the_port_moves_the_running_service_and_a_held_port_is_refused_or_rolled_back() throws Exception {
        int first = freePort();
        FleetConfig before = fleet(first);
        Path ecosystem = Files.createDirectories(home.resolve(".homefleet/pm2")).resolve("ecosystem.config.js");
        Files.writeString(ecosystem, EcosystemWriter.forMachine("box", before.machine("box").orElseThrow()).render());
        ServiceManager web = managers().forService(before.machine("box").orElseThrow(),
                before.machine("box").orElseThrow().services().get("web"), local).orElseThrow();
        web.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> !refused(first));
        assertThat(apply(before, false, new PortMover.Progress() {})).extracting(PortMove::outcome)
                .containsExactly(Outcome.UNCHANGED);

        // 1. fleet.yaml says another port: the dry run plans, apply moves and verifies.
        int second = freePort();
        assertThat(apply(fleet(second), true, new PortMover.Progress() {})).singleElement()
                .satisfies(m -> assertThat(m.outcome()).isEqualTo(Outcome.PLANNED));
        assertThat(get(first)).isEqualTo("ok " + first);
        List<PortMove> moved = apply(fleet(second), false, new PortMover.Progress() {});
        assertThat(moved).singleElement().satisfies(m -> {
            assertThat(m.outcome()).as(m.detail()).isEqualTo(Outcome.APPLIED);
            assertThat(List.of(m.from(), m.to())).containsExactly(first, second);
        });
        assertThat(get(second)).isEqualTo("ok " + second);
        assertThat(refused(first)).as("the old port is free").isTrue();
        assertThat(web.environment()).containsEntry("PORT", String.valueOf(second));

        // 2. The new port is already held by another process: refused before anything changes.
        try (ServerSocket held = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<PortMove> refused = apply(fleet(held.getLocalPort()), false, new PortMover.Progress() {});
            assertThat(refused).singleElement().satisfies(m -> {
                assertThat(m.outcome()).isEqualTo(Outcome.REFUSED);
                assertThat(m.detail()).startsWith("port " + held.getLocalPort() + " is taken on box by java (pid "
                        + ProcessHandle.current().pid() + ")");
            });
        }
        assertThat(get(second)).isEqualTo("ok " + second);

        // 3. Another process takes the new port after the check, while the service restarts: rolled back.
        int third = freePort();
        List<ServerSocket> thief = new ArrayList<>();
        try {
            List<PortMove> rolledBack = apply(fleet(third), false, new PortMover.Progress() {
                @Override
                public void step(String machine, String service, String what) {
                    if (what.startsWith("setting PORT=") && thief.isEmpty()) {
                        try {
                            thief.add(new ServerSocket(third, 1, InetAddress.getLoopbackAddress()));
                        } catch (IOException e) {
                            throw new AssertionError(e);
                        }
                    }
                }
            });
            assertThat(rolledBack).singleElement().satisfies(m -> {
                assertThat(m.outcome()).as(m.detail()).isEqualTo(Outcome.ROLLED_BACK);
                assertThat(m.detail()).contains("back on port " + second);
            });
        } finally {
            for (ServerSocket socket : thief) {
                socket.close();
            }
        }
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(get(second)).isEqualTo("ok " + second));
        assertThat(web.environment()).containsEntry("PORT", String.valueOf(second));
        web.stop();
    }
}
