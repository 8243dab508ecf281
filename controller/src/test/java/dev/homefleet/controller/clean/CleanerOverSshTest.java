package dev.homefleet.controller.clean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.homefleet.controller.clean.OrphanOutcome.Action;
import dev.homefleet.controller.ssh.MinaServer;
import dev.homefleet.controller.ssh.SshRunners;
import dev.homefleet.controller.ssh.TestKeys;
import dev.homefleet.core.config.FleetConfig;
import dev.homefleet.core.config.FleetConfigLoader;
import dev.homefleet.core.config.MachineSpec;
import dev.homefleet.core.exec.CommandRunner;
import dev.homefleet.core.exec.LocalCommandRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cleaner on a worker reached over SSH (MINA's server on 127.0.0.1, commands run by the real /bin/sh with HOME
 * set to a sandbox), as the controller cleans the Mac Mini: every argument crosses the remote shell's quoting.
 */
class CleanerOverSshTest {

    @TempDir
    Path home;
    @TempDir
    Path sandbox;
    @TempDir
    Path keys;
    @TempDir
    Path bin;

    @Test
    void orphans_and_stale_locks_are_cleaned_over_ssh_with_home_and_blanks_in_paths() throws Exception {
        Path locks = Files.createDirectories(sandbox.resolve("clawd/utils/lock dir"));
        Path stale = locks.resolve("ollama queue.lock");
        Files.writeString(stale, "1");
        Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
        Path fresh = Files.writeString(locks.resolve("grok.lock"), "2");
        Path clientKey = TestKeys.sshKeygen(keys, "id_fleet", "ecdsa");

        try (Orphaned orphans = new Orphaned(bin);
                MinaServer server = MinaServer.start(sandbox, TestKeys.publicKeyOf(clientKey));
                SshRunners runners = SshRunners.create(home, "tester")) {
            long leak = orphans.spawn("remote-leak");
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() ->
                    ProcessTable.list(new LocalCommandRunner(), MachineSpec.Os.LINUX).process(leak)
                            .map(p -> p.age().toSeconds() >= 1).orElse(false));
            Files.writeString(Files.createDirectories(home.resolve(".ssh")).resolve("known_hosts"),
                    server.knownHostsLine() + "\n");
            FleetConfig config = new FleetConfigLoader(Map.of()).parse("""
                    version: 1
                    controller: {machine: laptop}
                    machines:
                      laptop:
                        os: linux
                        reach: {via: local}
                      worker:
                        os: linux
                        reach:
                          via: ssh
                          ssh: {host: 127.0.0.1, port: %d, user: alice, identity: '%s'}
                    jobs:
                      cleaner:
                        orphan_min_age: 1s
                        kill_orphans: ['%s']
                        locks:
                          - path: ~/clawd/utils/lock dir/*.lock
                            machine: worker
                    """.formatted(server.port(), clientKey, Pattern.quote(bin + "/remote-leak")), "fleet.yaml")
                    .config();
            MachineSpec worker = config.machines().get("worker");
            CommandRunner ssh = runners.forMachine(worker);
            Cleaner cleaner = Cleaner.of(config);
            long parent = Orphaned.parent(leak);
            if (parent != Cleaner.INIT_PID) {
                cleaner = cleaner.withOrphanParent(parent);
            }

            CleanerReport report = cleaner.run("worker", worker, ssh);

            assertThat(report.errors()).isEmpty();
            assertThat(report.locksRemoved()).containsExactly(stale.toString());
            assertThat(stale).doesNotExist();
            assertThat(fresh).exists();
            assertThat(report.orphans(Action.KILLED)).extracting(o -> o.process().pid()).containsExactly(leak);
            await().atMost(Duration.ofSeconds(5)).until(() -> !Orphaned.running(leak));
            assertThat(server.commands).anyMatch(c -> c.contains("find -H"))
                    .anyMatch(c -> c.equals("kill -TERM " + leak));
        }
    }
}
