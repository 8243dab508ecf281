package dev.homefleet.controller.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.homefleet.core.config.MachineSpec;
import dev.homefleet.core.config.SshSpec;
import dev.homefleet.core.exec.CommandResult;
import dev.homefleet.core.exec.ShellQuoting;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SshCommandRunner against MINA's SSH server running real commands through /bin/sh on 127.0.0.1. */
class SshCommandRunnerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    static Path keys;
    static Path clientKey;
    static Path strangerKey;
    static SshClient client;

    @TempDir
    Path home;
    @TempDir
    Path sandbox;

    MinaServer server;
    final List<AutoCloseable> closeAfter = new ArrayList<>();

    @BeforeAll
    static void startTheClient() throws Exception {
        clientKey = TestKeys.sshKeygen(keys, "id_fleet", "ecdsa");
        strangerKey = TestKeys.sshKeygen(keys, "id_stranger", "ecdsa");
        client = SshClients.create();
    }

    @AfterAll
    static void stopTheClient() throws IOException {
        client.stop();
    }

    @BeforeEach
    void startTheServer() throws Exception {
        Files.writeString(sandbox.resolve("canary"), "still here");
        server = MinaServer.start(sandbox, TestKeys.publicKeyOf(clientKey));
    }

    @AfterEach
    void stopEverything() throws Exception {
        for (AutoCloseable c : closeAfter) {
            c.close();
        }
        server.close();
    }

    private SshCommandRunner runner(MachineSpec machine) throws IOException {
        SshCommandRunner runner = new SshCommandRunner(client, SshTarget.resolve(machine, home, "tester"));
        closeAfter.add(runner);
        return runner;
    }

    private SshCommandRunner trustedRunner() throws IOException {
        trust(server);
        return runner(Machines.ssh("box", Machines.loopback(server.port(), "alice", clientKey)));
    }

    private void trust(MinaServer s) throws IOException {
        Path knownHosts = home.resolve(".ssh/known_hosts");
        Files.createDirectories(knownHosts.getParent());
        Files.writeString(knownHosts, s.knownHostsLine() + "\n", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }

    @Test
    void a_command_returns_its_exit_code_stdout_and_stderr() throws Exception {
        CommandResult result = trustedRunner().run(List.of("sh", "-c", "echo out; echo err >&2; exit 3"), TIMEOUT);

        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.stdout()).isEqualTo("out\n");
        assertThat(result.stderr()).isEqualTo("err\n");
        assertThat(result.timedOut()).isFalse();
        assertThat(server.users).containsExactly("alice");
    }

    @Test
    void describe_names_user_host_and_port() throws Exception {
        assertThat(trustedRunner().describe()).isEqualTo("ssh alice@127.0.0.1:" + server.port());
    }

    @Test
    void hostile_arguments_reach_the_remote_program_verbatim() throws Exception {
        List<String> hostile = List.of("; rm -rf ~", "$(touch pwned)", "`touch pwned`", "'", "\"", "it's",
                "a\nb", "two\n\nlines\n", "\ttab", " leading", "trailing ", "", "*", "~", "$HOME", "${IFS}", "\\",
                "\\'", "ünïcödé ✓ 日本語 🚀", "--", "-n", "&& touch pwned", "| cat /etc/passwd", "> pwned",
                "\r\n", "%s%n", "!!", "#not a comment", "a b\tc", "'\"'\"'");
        List<String> argv = new ArrayList<>(List.of("sh", "-c",
                "cd \"$HOME\"; for a; do printf %s \"$a\" | base64 -w0; echo; done", "sh"));
        argv.addAll(hostile);

        assertThat(trustedRunner().run(List.of("sh", "-c", "echo \"$HOME\""), TIMEOUT).stdout())
                .as("the remote HOME is the sandbox the canary lives in").isEqualTo(sandbox + "\n");
        CommandResult result = trustedRunner().run(argv, TIMEOUT);

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        List<String> received = result.stdout().lines()
                .map(line -> new String(Base64.getDecoder().decode(line), StandardCharsets.UTF_8)).toList();
        assertThat(received).containsExactlyElementsOf(hostile);
        assertThat(sandbox.resolve("canary")).hasContent("still here");
        assertThat(sandbox.resolve("pwned")).doesNotExist();
    }

    @Test
    void fifty_concurrent_commands_share_one_session() throws Exception {
        SshCommandRunner runner = trustedRunner();
        Concurrently.eachCommandGetsItsOwnOutput(runner, 50, "0.1");
        assertThat(server.sessions).hasValue(1);
        assertThat(runner.sessionsOpened()).isEqualTo(1);
    }

    @Test
    void a_session_closed_by_the_server_is_replaced_transparently() throws Exception {
        SshCommandRunner runner = trustedRunner();
        assertThat(runner.run(List.of("echo", "one"), TIMEOUT).stdout()).isEqualTo("one\n");

        server.dropSessions();
        CommandResult result = runner.run(List.of("echo", "two"), TIMEOUT);

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stdout()).isEqualTo("two\n");
        assertThat(server.sessions).hasValue(2);
        assertThat(runner.sessionsOpened()).isEqualTo(2);
    }

    @Test
    void a_server_restarted_on_the_same_port_is_reconnected_transparently() throws Exception {
        SshCommandRunner runner = trustedRunner();
        assertThat(runner.run(List.of("echo", "before"), TIMEOUT).ok()).isTrue();

        server.restart();
        CommandResult result = runner.run(List.of("echo", "after"), TIMEOUT);

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stdout()).isEqualTo("after\n");
        assertThat(runner.sessionsOpened()).isEqualTo(2);
    }

    @Test
    void a_command_past_its_timeout_is_stopped_and_the_session_lives_on() throws Exception {
        SshCommandRunner runner = trustedRunner();
        runner.run(List.of("true"), TIMEOUT);

        CommandResult result = runner.run(List.of("sleep", "10"), Duration.ofMillis(700));

        assertThat(result.timedOut()).isTrue();
        assertThat(result.exitCode()).isEqualTo(-1);
        assertThat(result.duration()).isBetween(Duration.ofMillis(650), Duration.ofSeconds(3));
        assertThat(runner.run(List.of("echo", "next"), TIMEOUT).stdout()).isEqualTo("next\n");
        assertThat(server.sessions).hasValue(1);
    }

    @Test
    void command_timeout_of_the_machine_caps_the_timeout_a_caller_asks_for() throws Exception {
        trust(server);
        SshSpec ssh = new SshSpec("127.0.0.1", "alice", server.port(), clientKey.toString(), null,
                Duration.ofSeconds(5), Duration.ofMillis(600), null);
        SshCommandRunner runner = runner(Machines.ssh("box", ssh));

        CommandResult result = runner.run(List.of("sleep", "10"), Duration.ofMinutes(5));

        assertThat(result.timedOut()).isTrue();
        assertThat(result.duration()).isLessThan(Duration.ofSeconds(3));
        assertThat(runner.limit(Duration.ofMillis(100))).isEqualTo(Duration.ofMillis(100));
        assertThat(runner.limit(null)).isEqualTo(Duration.ofMillis(600));
        assertThat(runner.limit(Duration.ZERO)).isEqualTo(Duration.ofMillis(600));
    }

    @Test
    void a_missing_exit_status_becomes_minus_one_and_keeps_stderr() throws Exception {
        CommandResult result = trustedRunner().run(List.of(MinaServer.NO_EXIT_STATUS), TIMEOUT);

        assertThat(result.exitCode()).isEqualTo(-1);
        assertThat(result.timedOut()).isFalse();
        assertThat(result.stderr()).startsWith("partial failure\n").contains("reported no exit status");
    }

    @Test
    void output_beyond_4_MiB_per_stream_is_cut_and_the_rest_counted() throws Exception {
        CommandResult result = trustedRunner().run(List.of("head", "-c", "5000000", "/dev/zero"), TIMEOUT);

        assertThat(result.exitCode()).isZero();
        assertThat(result.stdout()).hasSize(SshCommandRunner.MAX_OUTPUT_BYTES);
        assertThat(result.stderr()).isEqualTo("homefleet: stdout was cut at 4 MiB; "
                + (5_000_000 - SshCommandRunner.MAX_OUTPUT_BYTES) + " more bytes were dropped\n");
    }

    @Test
    void output_is_decoded_as_utf8() throws Exception {
        CommandResult result = trustedRunner().run(List.of("printf", "%s", "žluťoučký kůň 🐎"), TIMEOUT);

        assertThat(result.stdout()).isEqualTo("žluťoučký kůň 🐎");
    }

    @Test
    void stdin_is_empty_so_a_command_that_reads_it_ends() throws Exception {
        CommandResult result = trustedRunner().run(List.of("cat"), Duration.ofSeconds(5));

        assertThat(result.timedOut()).isFalse();
        assertThat(result.exitCode()).isZero();
        assertThat(result.stdout()).isEmpty();
    }

    @Test
    void powershell_machines_are_sent_exactly_what_ShellQuoting_powershell_makes() throws Exception {
        trust(server);
        SshCommandRunner runner = runner(Machines.ssh("msi", MachineSpec.Os.WINDOWS,
                Machines.loopback(server.port(), "felipe", clientKey)));
        List<String> argv = List.of("Get-Service", "it's \"sshd\"; rm -rf ~");

        runner.run(argv, TIMEOUT);

        assertThat(server.commands).containsExactly(ShellQuoting.powershell(argv));
    }

    @Test
    void an_unknown_host_key_is_refused_with_its_fingerprint_and_the_command_that_trusts_it() throws Exception {
        SshCommandRunner runner = runner(Machines.ssh("box", Machines.loopback(server.port(), "alice", clientKey)));

        assertThatThrownBy(() -> runner.run(List.of("true"), TIMEOUT))
                .isInstanceOf(HostKeyRefusedException.class)
                .hasMessageContaining(Fingerprints.sha256(server.hostKey()))
                .hasMessageContaining("is not in " + home.resolve(".ssh/known_hosts"))
                .hasMessageEndingWith("trust it with: fleet ssh trust box");
        assertThat(server.users).isEmpty();
        assertThat(home.resolve(".ssh/known_hosts")).doesNotExist();
    }

    @Test
    void a_changed_host_key_is_refused_until_HostKeyTrust_replaces_it() throws Exception {
        Path knownHosts = home.resolve(".ssh/known_hosts");
        Files.createDirectories(knownHosts.getParent());
        String old = "[127.0.0.1]:" + server.port() + " "
                + org.apache.sshd.common.config.keys.PublicKeyEntry.toString(TestKeys.ec().getPublic());
        Files.writeString(knownHosts, "# my hosts\nexample.org " + org.apache.sshd.common.config.keys.PublicKeyEntry
                .toString(TestKeys.ec().getPublic()) + "\n" + old + "\n");
        SshCommandRunner runner = runner(Machines.ssh("box", Machines.loopback(server.port(), "alice", clientKey)));

        assertThatThrownBy(() -> runner.run(List.of("true"), TIMEOUT))
                .isInstanceOf(HostKeyRefusedException.class)
                .hasMessageContaining("HAS CHANGED")
                .hasMessageContaining("presented " + Fingerprints.sha256(server.hostKey()))
                .hasMessageContaining("(line 3)")
                .hasMessageEndingWith("fleet ssh trust box --replace");
        assertThat(server.users).isEmpty();

        HostKeyTrust trust = new HostKeyTrust(client);
        HostKeyCheck check = trust.fetch(runner.target());
        assertThat(check.status()).isEqualTo(HostKeyCheck.Status.CHANGED);
        assertThatThrownBy(() -> trust.trust(check, false)).isInstanceOf(HostKeyRefusedException.class);
        assertThat(trust.trust(check, true)).isEqualTo(HostKeyTrust.Outcome.REPLACED);

        assertThat(runner.run(List.of("echo", "ok"), TIMEOUT).stdout()).isEqualTo("ok\n");
        List<String> lines = Files.readAllLines(knownHosts);
        assertThat(lines).hasSize(3).startsWith("# my hosts").doesNotContain(old).contains(server.knownHostsLine());
        assertThat(lines.get(1)).startsWith("example.org ");
    }

    @Test
    void HostKeyTrust_adds_an_unknown_key_and_then_the_runner_connects() throws Exception {
        SshCommandRunner runner = runner(Machines.ssh("box", Machines.loopback(server.port(), "alice", clientKey)));
        HostKeyTrust trust = new HostKeyTrust(client);

        HostKeyCheck check = trust.fetch(runner.target());

        assertThat(check.status()).isEqualTo(HostKeyCheck.Status.UNKNOWN);
        assertThat(check.fingerprint()).isEqualTo(Fingerprints.sha256(server.hostKey()));
        assertThat(check.summary()).isEqualTo("box (alice@127.0.0.1:" + server.port() + ") presents the "
                + "ecdsa-sha2-nistp256 host key " + check.fingerprint());
        assertThat(server.users).as("trust never authenticates").isEmpty();
        assertThat(trust.trust(check, false)).isEqualTo(HostKeyTrust.Outcome.ADDED);
        assertThat(Files.readAllLines(home.resolve(".ssh/known_hosts"))).containsExactly(server.knownHostsLine());
        assertThat(runner.run(List.of("echo", "ok"), TIMEOUT).stdout()).isEqualTo("ok\n");
        assertThat(trust.fetch(runner.target()).status()).isEqualTo(HostKeyCheck.Status.TRUSTED);
    }

    @Test
    void a_known_key_of_another_type_makes_the_key_unknown_not_changed() throws Exception {
        Path knownHosts = home.resolve(".ssh/known_hosts");
        Files.createDirectories(knownHosts.getParent());
        Files.writeString(knownHosts, "[127.0.0.1]:" + server.port() + " "
                + org.apache.sshd.common.config.keys.PublicKeyEntry.toString(TestKeys.rsa().getPublic()) + "\n");
        SshCommandRunner runner = runner(Machines.ssh("box", Machines.loopback(server.port(), "alice", clientKey)));

        assertThatThrownBy(() -> runner.run(List.of("true"), TIMEOUT))
                .isInstanceOf(HostKeyRefusedException.class)
                .hasMessageContaining("lists only other key types for this host: ssh-rsa SHA256:")
                .hasMessageEndingWith("fleet ssh trust box");

        HostKeyTrust trust = new HostKeyTrust(client);
        assertThat(trust.trust(trust.fetch(runner.target()), false)).isEqualTo(HostKeyTrust.Outcome.ADDED);
        assertThat(runner.run(List.of("echo", "ok"), TIMEOUT).stdout()).isEqualTo("ok\n");
    }

    @Test
    void a_key_the_server_does_not_accept_fails_with_the_user_host_and_keys_tried() throws Exception {
        trust(server);
        SshCommandRunner runner = runner(Machines.ssh("box", Machines.loopback(server.port(), "alice", strangerKey)));

        assertThatThrownBy(() -> runner.run(List.of("true"), TIMEOUT))
                .isInstanceOf(IOException.class)
                .isNotInstanceOf(HostKeyRefusedException.class)
                .hasMessageContaining("authentication failed: alice@127.0.0.1 accepted none of the keys offered: "
                        + strangerKey + " (ecdsa-sha2-nistp256 SHA256:")
                .hasMessageContaining("Add the public key to ~alice/.ssh/authorized_keys on 127.0.0.1 "
                        + "(e.g. ssh-copy-id -i " + strangerKey + ".pub -p " + server.port() + " alice@127.0.0.1)")
                .hasMessageEndingWith("machines.box.reach.ssh.identity in fleet.yaml");
    }

    @Test
    void without_any_key_it_fails_before_connecting_and_lists_the_default_keys() throws Exception {
        trust(server);
        SshCommandRunner runner = runner(Machines.ssh("box", Machines.loopback(server.port(), "alice", null)));

        assertThatThrownBy(() -> runner.run(List.of("true"), TIMEOUT))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("no private key to offer: tried " + home.resolve(".ssh/id_ed25519") + ", "
                        + home.resolve(".ssh/id_ecdsa") + ", " + home.resolve(".ssh/id_rsa") + " (none exists)");
        assertThat(server.sessions).hasValue(0);
    }

    @Test
    void the_default_keys_of_home_are_offered_when_fleet_yaml_names_none() throws Exception {
        trust(server);
        Files.copy(clientKey, home.resolve(".ssh/id_ecdsa"));
        Files.writeString(home.resolve(".ssh/id_rsa"), "not a key\n");
        SshCommandRunner runner = runner(Machines.ssh("box", Machines.loopback(server.port(), "alice", null)));

        assertThat(runner.run(List.of("echo", "ok"), TIMEOUT).stdout()).isEqualTo("ok\n");
    }

    @Test
    void keys_this_build_cannot_use_are_skipped_with_the_reason_and_none_left_fails_before_connecting()
            throws Exception {
        trust(server);
        Path dotSsh = home.resolve(".ssh");
        TestKeys.sshKeygen(dotSsh, "id_ecdsa", "ecdsa", "a passphrase");
        SshCommandRunner runner = runner(Machines.ssh("box", Machines.loopback(server.port(), "alice", null)));

        assertThatThrownBy(() -> runner.run(List.of("true"), TIMEOUT))
                .hasMessageContaining("no private key to offer: tried " + dotSsh.resolve("id_ed25519") + ", "
                        + dotSsh.resolve("id_ecdsa") + ", " + dotSsh.resolve("id_rsa") + "; skipped "
                        + dotSsh.resolve("id_ecdsa") + " (protected by a passphrase; ");
        assertThat(server.sessions).hasValue(0);

        Files.copy(clientKey, dotSsh.resolve("id_rsa"));
        assertThat(runner.run(List.of("echo", "third key"), TIMEOUT).stdout()).isEqualTo("third key\n");
    }

    @Test
    void a_host_alias_of_ssh_config_gives_host_name_port_user_and_identity() throws Exception {
        trust(server);
        Path key = home.resolve("keys/fleet");
        Files.createDirectories(key.getParent());
        Files.copy(clientKey, key);
        Files.writeString(home.resolve(".ssh/config"), """
                Host msi
                  HostName 127.0.0.1
                  Port %d
                  User x
                  IdentityFile ~/keys/fleet

                Host *
                  User nobody
                """.formatted(server.port()));
        SshSpec ssh = new SshSpec("msi", null, null, null, null, Duration.ofSeconds(5), null, null);
        SshCommandRunner runner = runner(Machines.ssh("msi", ssh));

        CommandResult result = runner.run(List.of("echo", "through the alias"), TIMEOUT);

        assertThat(result.stdout()).isEqualTo("through the alias\n");
        assertThat(server.users).containsExactly("x");
        assertThat(runner.describe()).isEqualTo("ssh x@127.0.0.1:" + server.port());
    }

    @Test
    void a_machine_that_never_answers_costs_its_own_connect_timeout_and_delays_no_other() throws Exception {
        SshCommandRunner healthy = trustedRunner();
        healthy.run(List.of("true"), TIMEOUT);
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            List<Socket> held = new ArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept());
                    }
                } catch (IOException e) {
                    // closed at the end of the test
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            SshSpec ssh = new SshSpec("127.0.0.1", "alice", silent.getLocalPort(), clientKey.toString(), null,
                    Duration.ofMillis(1500), null, null);
            SshCommandRunner hung = runner(Machines.ssh("hung", ssh));

            long start = System.nanoTime();
            CompletableFuture<Throwable> failed = CompletableFuture.supplyAsync(() -> {
                try {
                    hung.run(List.of("true"), TIMEOUT);
                    return null;
                } catch (IOException e) {
                    return e;
                }
            });
            Thread.sleep(200);
            long healthyStart = System.nanoTime();
            CommandResult result = healthy.run(List.of("echo", "fine"), TIMEOUT);
            Duration healthyTook = Duration.ofNanos(System.nanoTime() - healthyStart);

            assertThat(result.stdout()).isEqualTo("fine\n");
            assertThat(healthyTook).isLessThan(Duration.ofMillis(700));
            assertThat(failed.get(10, TimeUnit.SECONDS)).isInstanceOf(IOException.class)
                    .hasMessageContaining("no answer within 1500ms (connect_timeout)");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(1400),
                    Duration.ofMillis(4000));
            for (Socket s : held) {
                s.close();
            }
        }
    }

    @Test
    void a_closed_port_fails_with_the_address_and_the_reason() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        SshCommandRunner runner = runner(Machines.ssh("gone", Machines.loopback(closedPort, "alice", clientKey)));

        assertThatThrownBy(() -> runner.run(List.of("true"), TIMEOUT))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("ssh alice@127.0.0.1:" + closedPort + ": cannot connect to 127.0.0.1:"
                        + closedPort + ": ")
                .hasMessageContaining("refused");
    }
}
