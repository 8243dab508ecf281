package dev.homefleet.controller.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.homefleet.core.config.SshSpec;
import dev.homefleet.core.exec.CommandResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.client.SshClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Machines behind a SOCKS5 proxy (Tailscale's userspace proxy in the fleet): a real microsocks on loopback. */
class SocksProxyTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    static Path keys;
    static Path clientKey;
    static SshClient client;

    @TempDir
    Path home;
    @TempDir
    Path sandbox;

    MinaServer server;
    Process proxy;
    int proxyPort;
    final List<AutoCloseable> closeAfter = new ArrayList<>();

    @BeforeAll
    static void startTheClient() throws Exception {
        assertThat(Path.of("/usr/bin/microsocks")).as("microsocks (scripts/test installs it)").isExecutable();
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
    void startServerAndProxy() throws Exception {
        server = MinaServer.start(sandbox, TestKeys.publicKeyOf(clientKey));
        for (int attempt = 0; attempt < 3 && proxy == null; attempt++) {
            proxyPort = LocalProcesses.freePort();
            Process p = new ProcessBuilder("microsocks", "-i", "127.0.0.1", "-p", Integer.toString(proxyPort))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (LocalProcesses.awaitListening(p, proxyPort, Duration.ofSeconds(5))) {
                proxy = p;
            } else {
                LocalProcesses.killTree(p);
            }
        }
        assertThat(proxy).as("microsocks started").isNotNull();
    }

    @AfterEach
    void stopEverything() throws Exception {
        for (AutoCloseable c : closeAfter) {
            c.close();
        }
        LocalProcesses.killTree(proxy);
        server.close();
    }

    private SshCommandRunner runner(String host, String proxyUri) throws IOException {
        SshSpec ssh = new SshSpec(host, "felipe", server.port(), clientKey.toString(), proxyUri,
                Duration.ofSeconds(5), null, null);
        SshCommandRunner runner = new SshCommandRunner(client,
                SshTarget.resolve(Machines.ssh("msi", ssh), home, "tester"));
        closeAfter.add(runner);
        return runner;
    }

    @Test
    void the_host_key_is_trusted_and_commands_run_through_the_proxy() throws Exception {
        SshCommandRunner runner = runner("127.0.0.1", "socks5://127.0.0.1:" + proxyPort);
        HostKeyTrust trust = new HostKeyTrust(client);

        HostKeyCheck check = trust.fetch(runner.target());
        assertThat(check.fingerprint()).isEqualTo(Fingerprints.sha256(server.hostKey()));
        trust.trust(check, false);
        CommandResult result = runner.run(List.of("echo", "via the proxy"), TIMEOUT);

        assertThat(result.stdout()).isEqualTo("via the proxy\n");
        assertThat(runner.describe()).isEqualTo("ssh felipe@127.0.0.1:" + server.port() + " via socks5://127.0.0.1:"
                + proxyPort);
        assertThat(Files.readString(home.resolve(".ssh/known_hosts")))
                .as("known_hosts names the target, not the loopback forwarder")
                .startsWith("[127.0.0.1]:" + server.port() + " ");
    }

    @Test
    void with_socks5h_the_proxy_resolves_the_host_name() throws Exception {
        Files.createDirectories(home.resolve(".ssh"));
        Files.writeString(home.resolve(".ssh/known_hosts"), server.knownHostsLine()
                .replace("[127.0.0.1]", "[localhost]") + "\n");
        SshCommandRunner runner = runner("localhost", "socks5h://127.0.0.1:" + proxyPort);

        assertThat(runner.run(List.of("echo", "resolved there"), TIMEOUT).stdout()).isEqualTo("resolved there\n");
    }

    @Test
    void once_the_proxy_is_gone_the_connection_fails_with_a_message_naming_the_proxy() throws Exception {
        Files.createDirectories(home.resolve(".ssh"));
        Files.writeString(home.resolve(".ssh/known_hosts"), server.knownHostsLine() + "\n");
        SshCommandRunner runner = runner("127.0.0.1", "socks5://127.0.0.1:" + proxyPort);
        assertThat(runner.run(List.of("echo", "up"), TIMEOUT).stdout()).isEqualTo("up\n");

        LocalProcesses.killTree(proxy);

        assertThatThrownBy(() -> runner.run(List.of("echo", "down"), TIMEOUT))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("ssh felipe@127.0.0.1:" + server.port() + " via socks5://127.0.0.1:"
                        + proxyPort + ": cannot reach 127.0.0.1:" + server.port()
                        + " through the SOCKS5 proxy 127.0.0.1:" + proxyPort + ": ")
                .hasMessageEndingWith("; is the proxy running?");
        assertThat(server.sessions).as("the server saw only the connection made through the proxy").hasValue(1);
    }
}
