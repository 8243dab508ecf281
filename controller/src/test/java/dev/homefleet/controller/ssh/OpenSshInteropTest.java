package dev.homefleet.controller.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.homefleet.core.exec.CommandResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.core.CoreModuleProperties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SshCommandRunner against OpenSSH's real sshd, started for each test on a loopback port. */
class OpenSshInteropTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final String USER = System.getProperty("user.name");

    @TempDir
    static Path keys;
    static Path clientKey;
    static SshClient client;

    @TempDir
    Path home;
    @TempDir
    Path serverDir;
    @TempDir
    Path scratch;

    OpenSshServer sshd;
    final List<AutoCloseable> closeAfter = new ArrayList<>();

    @BeforeAll
    static void startTheClient() throws Exception {
        assertThat(OpenSshServer.installed()).as("OpenSSH's sshd (scripts/test installs openssh-server)").isTrue();
        clientKey = TestKeys.sshKeygen(keys, "id_fleet", "ecdsa");
        client = SshClients.create();
    }

    @AfterAll
    static void stopTheClient() throws IOException {
        if (client != null) {
            client.stop();
        }
    }

    @BeforeEach
    void startSshd() throws Exception {
        sshd = OpenSshServer.start(serverDir, Path.of(clientKey + ".pub"));
        closeAfter.add(sshd);
        Path knownHosts = home.resolve(".ssh/known_hosts");
        Files.createDirectories(knownHosts.getParent());
        Files.writeString(knownHosts, sshd.keyscanHashed() + "\n");
    }

    @AfterEach
    void stopEverything() throws Exception {
        for (int i = closeAfter.size() - 1; i >= 0; i--) {
            closeAfter.get(i).close();
        }
    }

    private SshCommandRunner runner() throws IOException {
        SshTarget target = SshTarget.resolve(
                Machines.ssh("macmini", Machines.loopback(sshd.port(), USER, clientKey)), home, USER);
        SshCommandRunner runner = new SshCommandRunner(client, target);
        closeAfter.add(runner);
        return runner;
    }

    @Test
    void an_ed25519_user_key_the_default_of_a_macs_ssh_keygen_logs_in_with_an_ed25519_host_key() throws Exception {
        Path ed25519 = TestKeys.sshKeygen(Files.createDirectories(scratch.resolve("keys")), "id_ed25519", "ed25519");
        OpenSshServer edSshd = OpenSshServer.start(Files.createDirectories(scratch.resolve("sshd")),
                Path.of(ed25519 + ".pub"));
        closeAfter.add(edSshd);
        Files.writeString(home.resolve(".ssh/known_hosts"), edSshd.keyscanHashed() + "\n");
        SshCommandRunner runner = new SshCommandRunner(client, SshTarget.resolve(
                Machines.ssh("macmini", Machines.loopback(edSshd.port(), USER, ed25519)), home, USER));
        closeAfter.add(runner);

        assertThat(runner.run(List.of("echo", "ed25519"), TIMEOUT).stdout()).isEqualTo("ed25519\n");
    }

    @Test
    void exit_codes_and_both_streams_come_back_from_openssh() throws Exception {
        CommandResult result = runner().run(List.of("sh", "-c", "echo out; echo é >&2; exit 42"), TIMEOUT);

        assertThat(result.exitCode()).isEqualTo(42);
        assertThat(result.stdout()).isEqualTo("out\n");
        assertThat(result.stderr()).isEqualTo("é\n");
    }

    @Test
    void hostile_arguments_survive_the_login_shell_of_openssh() throws Exception {
        Path pwned = scratch.resolve("pwned");
        List<String> hostile = List.of("; touch " + pwned, "$(touch " + pwned + ")", "`touch " + pwned + "`",
                "' ; touch " + pwned + " ; '", "\"$(touch " + pwned + ")\"", "a\nb", "", "~", "$HOME", "*",
                "ünïcödé 🚀", "\\", "-e", "it's");
        List<String> argv = new ArrayList<>(List.of("sh", "-c",
                "for a; do printf %s \"$a\" | base64 -w0; echo; done", "sh"));
        argv.addAll(hostile);

        CommandResult result = runner().run(argv, TIMEOUT);

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stdout().lines()
                .map(line -> new String(Base64.getDecoder().decode(line), StandardCharsets.UTF_8)))
                .containsExactlyElementsOf(hostile);
        assertThat(pwned).doesNotExist();
    }

    @Test
    void concurrent_commands_share_one_openssh_session_within_its_MaxSessions() throws Exception {
        SshCommandRunner runner = runner();
        Concurrently.eachCommandGetsItsOwnOutput(runner, 25, "0.2");
        assertThat(runner.sessionsOpened()).isEqualTo(1);
        assertThat(sshd.acceptedLogins()).as(sshd.log()).isEqualTo(1);
    }

    @Test
    void the_fingerprint_shown_for_trust_is_the_one_ssh_keygen_shows() throws Exception {
        Files.delete(home.resolve(".ssh/known_hosts"));
        HostKeyTrust trust = new HostKeyTrust(client);

        HostKeyCheck check = trust.fetch(runner().target());

        Process keygen = new ProcessBuilder("ssh-keygen", "-lf", sshd.hostKey("ecdsa") + ".pub").start();
        String line = new String(keygen.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        keygen.waitFor(10, TimeUnit.SECONDS);
        assertThat(check.status()).isEqualTo(HostKeyCheck.Status.UNKNOWN);
        assertThat(line).contains(" " + check.fingerprint() + " ");
        assertThat(trust.trust(check, false)).isEqualTo(HostKeyTrust.Outcome.ADDED);
        assertThat(runner().run(List.of("echo", "trusted"), TIMEOUT).stdout()).isEqualTo("trusted\n");
    }

    @Test
    void a_key_openssh_does_not_accept_fails_with_a_clear_message() throws Exception {
        Path stranger = TestKeys.sshKeygen(scratch, "id_stranger", "ecdsa");
        SshTarget target = SshTarget.resolve(
                Machines.ssh("macmini", Machines.loopback(sshd.port(), USER, stranger)), home, USER);
        SshCommandRunner runner = new SshCommandRunner(client, target);
        closeAfter.add(runner);

        assertThatThrownBy(() -> runner.run(List.of("true"), TIMEOUT))
                .hasMessageContaining("authentication failed: " + USER + "@127.0.0.1 accepted none of the keys "
                        + "offered: " + stranger);
    }

    @Test
    void a_server_that_stops_answering_mid_command_costs_only_that_command_its_own_timeout() throws Exception {
        SshCommandRunner stopping = runner();
        MinaServer other = MinaServer.start(scratch, TestKeys.publicKeyOf(clientKey));
        closeAfter.add(other);
        Files.writeString(home.resolve(".ssh/known_hosts"), other.knownHostsLine() + "\n",
                java.nio.file.StandardOpenOption.APPEND);
        SshCommandRunner healthy = new SshCommandRunner(client, SshTarget.resolve(
                Machines.ssh("msi", Machines.loopback(other.port(), "felipe", clientKey)), home, USER));
        closeAfter.add(healthy);
        assertThat(stopping.run(List.of("true"), TIMEOUT).ok()).isTrue();
        assertThat(healthy.run(List.of("true"), TIMEOUT).ok()).isTrue();

        CompletableFuture<CommandResult> hung = CompletableFuture.supplyAsync(() -> {
            try {
                return stopping.run(List.of("sh", "-c", "sleep 1; echo done"), Duration.ofSeconds(3));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        awaitSleepOnTheServer();
        LocalProcesses.signal("STOP", sshd.connectionProcesses());

        long start = System.nanoTime();
        CommandResult meanwhile = healthy.run(List.of("echo", "unaffected"), TIMEOUT);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        CommandResult result = hung.get(15, TimeUnit.SECONDS);

        assertThat(meanwhile.stdout()).isEqualTo("unaffected\n");
        assertThat(took).isLessThan(Duration.ofSeconds(1));
        assertThat(result.timedOut()).as(result.stdout()).isTrue();
        assertThat(result.stdout()).doesNotContain("done");
        assertThat(result.duration()).isBetween(Duration.ofMillis(2900), Duration.ofSeconds(5));

        CommandResult next = stopping.run(List.of("echo", "anyone?"), Duration.ofSeconds(1));
        assertThat(next.timedOut()).isTrue();
        assertThat(next.duration()).isLessThan(Duration.ofMillis(2500));
        assertThat(healthy.run(List.of("echo", "still fine"), TIMEOUT).stdout()).isEqualTo("still fine\n");
    }

    @Test
    void a_session_whose_server_went_silent_is_closed_by_heartbeats_and_replaced() throws Exception {
        SshClient probing = SshClient.setUpDefaultClient();
        CoreModuleProperties.HEARTBEAT_INTERVAL.set(probing, Duration.ofMillis(300));
        CoreModuleProperties.HEARTBEAT_REPLY_WAIT.set(probing, Duration.ofMillis(300));
        CoreModuleProperties.HEARTBEAT_NO_REPLY_MAX.set(probing, 2);
        SshClients.configure(probing);
        probing.start();
        closeAfter.add(probing::stop);
        SshCommandRunner runner = new SshCommandRunner(probing, runner().target());
        closeAfter.add(runner);
        assertThat(runner.run(List.of("echo", "one"), TIMEOUT).stdout()).isEqualTo("one\n");

        List<ProcessHandle> stopped = sshd.connectionProcesses();
        LocalProcesses.signal("STOP", stopped);
        long deadline = System.nanoTime() + Duration.ofSeconds(8).toNanos();
        while (runner.sessionUsable() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        boolean closed = !runner.sessionUsable();
        LocalProcesses.signal("CONT", stopped);

        assertThat(closed).as("the client closed the silent session").isTrue();
        CommandResult result = runner.run(List.of("echo", "two"), TIMEOUT);
        assertThat(result.stdout()).as(result.stderr()).isEqualTo("two\n");
        assertThat(runner.sessionsOpened()).isEqualTo(2);
        assertThat(sshd.acceptedLogins()).isEqualTo(2);
    }

    private void awaitSleepOnTheServer() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < deadline) {
            boolean sleeping = sshd.descendants().stream()
                    .anyMatch(p -> p.info().command().map(c -> c.endsWith("/sleep")).orElse(false));
            if (sleeping) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("the command never started on sshd");
    }
}
