package dev.homefleet.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import dev.homefleet.controller.ssh.MinaServer;
import dev.homefleet.controller.ssh.SshRunners;
import dev.homefleet.controller.ssh.TestKeys;
import dev.homefleet.core.config.MachineSpec;
import dev.homefleet.core.config.ManagerSpec;
import dev.homefleet.core.config.ReachSpec;
import dev.homefleet.core.config.ServiceSpec;
import dev.homefleet.core.config.SshSpec;
import dev.homefleet.core.exec.CommandResult;
import dev.homefleet.core.exec.CommandRunner;
import dev.homefleet.core.exec.LocalCommandRunner;
import dev.homefleet.core.service.ServiceState.State;
import dev.homefleet.pm2.EcosystemWriter;
import dev.homefleet.pm2.Pm2ServiceManager;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pm2 service driven over SSH, as the controller drives the Mac Mini's: the real pm2 that scripts/test installs,
 * reached through SshCommandRunner and MINA's SSH server on 127.0.0.1, with a PM2_HOME of its own that the pm2
 * command line carries ({@code env PM2_HOME=... pm2}).
 */
class Pm2OverSshTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path home;
    @TempDir
    Path sandbox;
    @TempDir
    Path keys;

    @Test
    void start_env_restart_logs_and_stop_work_over_ssh() throws Exception {
        Path pm2 = Path.of(System.getProperty("basedir", "")).toAbsolutePath().getParent()
                .resolve(".tools/pm2/node_modules/.bin/pm2");
        if (!Files.isExecutable(pm2)) {
            fail(pm2 + " is missing; scripts/test installs it (npm install --prefix .tools/pm2 pm2@7.0.4)");
        }
        Path pm2Home = Files.createTempDirectory(Path.of("/tmp"), "hfpm2-");
        Path apps = Files.createDirectories(pm2Home.resolve("apps"));
        Files.writeString(apps.resolve("server.js"), """
                const port = Number(process.env.PORT);
                require('http').createServer((req, res) => res.end('ok ' + port))
                  .listen(port, '127.0.0.1', () => console.log('server listening on ' + port));
                """);
        int port = freePort();
        ServiceSpec web = new ServiceSpec("web", null, new ManagerSpec(ManagerSpec.Type.PM2, null, null, null, "web",
                apps.resolve("server.js").toString(), null, null, null, null, null, null), port, null, null, null,
                null, null);
        MachineSpec local = new MachineSpec("box", null, MachineSpec.Os.LINUX, null, null, null,
                new ReachSpec(ReachSpec.Via.LOCAL, null), null, Map.of("web", web));
        String ecosystem = apps.resolve("ecosystem.config.js").toString();
        Files.writeString(Path.of(ecosystem), EcosystemWriter.forMachine("box", local).render());

        Path clientKey = TestKeys.sshKeygen(keys, "id_fleet", "ecdsa");
        try (MinaServer server = MinaServer.start(sandbox, TestKeys.publicKeyOf(clientKey));
                SshRunners runners = SshRunners.create(home, "tester")) {
            Files.writeString(Files.createDirectories(home.resolve(".ssh")).resolve("known_hosts"),
                    server.knownHostsLine() + "\n");
            MachineSpec box = new MachineSpec("box", null, MachineSpec.Os.LINUX, null, null, null,
                    new ReachSpec(ReachSpec.Via.SSH, new SshSpec("127.0.0.1", "alice", server.port(),
                            clientKey.toString(), null, Duration.ofSeconds(5), null, null)), null, null);
            CommandRunner ssh = runners.forMachine(box);
            Pm2ServiceManager manager = new Pm2ServiceManager(ssh,
                    List.of("env", "PM2_HOME=" + pm2Home, pm2.toString()), web, ecosystem);
            try {
                manager.start();
                assertThat(await().atMost(WAIT).until(manager::status, s -> s.state() == State.RUNNING).pid())
                        .isPositive();
                await().atMost(WAIT).ignoreExceptions().until(() -> get(port).equals("ok " + port));

                int newPort = freePort();
                manager.setEnvironment(Map.of("PORT", String.valueOf(newPort), "QUOTED", "it's \"$HOME\""));
                assertThat(manager.environment())
                        .isEqualTo(Map.of("PORT", String.valueOf(newPort), "QUOTED", "it's \"$HOME\""));
                manager.restart();
                await().atMost(WAIT).ignoreExceptions().until(() -> get(newPort).equals("ok " + newPort));
                assertThat(await().atMost(WAIT).until(() -> manager.logs(10), l -> l.size() == 2))
                        .containsExactly("server listening on " + port, "server listening on " + newPort);

                manager.stop();
                assertThat(manager.status().state()).isEqualTo(State.STOPPED);
                assertThat(server.commands).anyMatch(command -> command.contains("jlist"))
                        .anyMatch(command -> command.contains("base64 --decode"));
            } finally {
                killAndCheck(pm2, pm2Home);
            }
        }
    }

    private static String get(int port) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** {@code pm2 kill}, then nothing of that PM2_HOME may still run, and its directory goes. */
    private static void killAndCheck(Path pm2, Path pm2Home) throws Exception {
        LocalCommandRunner local = LocalCommandRunner.builder().environment("PM2_HOME", pm2Home.toString()).build();
        CommandResult kill = local.run(List.of(pm2.toString(), "kill"), Duration.ofSeconds(30));
        assertThat(kill.exitCode()).as("pm2 kill: %s", kill.stderr()).isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> new LocalCommandRunner()
                .run(List.of("ps", "-eo", "stat=,args="), Duration.ofSeconds(10)).stdout().lines()
                .noneMatch(line -> line.contains(pm2Home.toString()) && !line.startsWith("Z")));
        try (var files = Files.walk(pm2Home)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}
