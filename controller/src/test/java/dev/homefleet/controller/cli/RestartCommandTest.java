package dev.homefleet.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.homefleet.agent.service.Managers;
import dev.homefleet.controller.cli.FleetCli.Run;
import dev.homefleet.core.config.FleetConfig;
import dev.homefleet.core.config.FleetConfigLoader;
import dev.homefleet.core.config.MachineSpec;
import dev.homefleet.core.exec.CommandRunner;
import dev.homefleet.core.exec.LocalCommandRunner;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RestartCommandTest {
    @TempDir
    Path dir;

    private Path home;
    private int port;

    private Run fleet(String... args) {
        return FleetCli.run(dir, home, Map.of("PATH", System.getenv("PATH")), args);
    }

    private void writeFleet() throws IOException {
        home = Files.createDirectories(dir.resolve("home"));
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Files.writeString(dir.resolve("fleet.yaml"), """
                version: 1
                controller:
                  machine: here
                machines:
                  here:
                    os: linux
                    reach:
                      via: local
                    services:
                      web:
                        manager:
                          type: process
                          command: [node, -e, "require('http').createServer((q,r)=>r.end('ok')).listen(%d,'127.0.0.1') // restart-test"]
                        port: %d
                        bind: loopback
                      nightly:
                        manager:
                          type: cron
                          schedule: "0 3 * * *"
                """.formatted(port, port));
    }

    /** Stops the service through its own manager, which also waits for its supervisor to finish writing. */
    @AfterEach
    void stop() throws IOException {
        if (home == null) {
            return;
        }
        FleetConfig config = new FleetConfigLoader(Map.of()).load(dir.resolve("fleet.yaml")).config();
        MachineSpec here = config.machines().get("here");
        CommandRunner runner = LocalCommandRunner.builder().environment("HOME", home.toString()).build();
        Managers.standard().forService(here, here.services().get("web"), runner).orElseThrow().stop();
    }

    @Test
    void restarts_a_stopped_process_service_so_it_answers() throws IOException {
        writeFleet();
        Run run = fleet("restart", "here/web");
        assertThat(run.err()).isEmpty();
        assertThat(run.out()).contains("here/web: restarted through this machine");
        assertThat(run.exitCode()).isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> answers(port));
    }

    @Test
    void names_what_is_wrong_with_the_target() throws IOException {
        writeFleet();
        assertThat(fleet("restart", "web").err()).contains("'web' is not MACHINE/SERVICE");
        Run unknownMachine = fleet("restart", "there/web");
        assertThat(unknownMachine.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(unknownMachine.err()).contains("no machine 'there' in fleet.yaml; the machines are here");
        assertThat(fleet("restart", "here/api").err()).contains("no service 'api' on here; its services are web, nightly");
        Run cron = fleet("restart", "here/nightly");
        assertThat(cron.exitCode()).isEqualTo(ExitCodes.FINDING);
        assertThat(cron.err()).contains("here/nightly has no manager that can restart it (cron)");
    }

    private static boolean answers(int port) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
