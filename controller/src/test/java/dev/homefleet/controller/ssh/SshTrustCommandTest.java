package dev.homefleet.controller.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.homefleet.controller.cli.CliContext;
import dev.homefleet.controller.cli.ExitCodes;
import dev.homefleet.controller.cli.FleetCommand;
import dev.homefleet.controller.cli.SshTrustCommand;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code fleet ssh trust MACHINE}, run through the real command line against MINA's server. */
class SshTrustCommandTest {

    @TempDir
    static Path keys;
    static Path clientKey;

    @TempDir
    Path cwd;
    @TempDir
    Path home;
    @TempDir
    Path sandbox;

    MinaServer server;

    record Run(int exitCode, String out, String err) {}

    /** The parent {@code fleet ssh}, as the CLI will register it. */
    @Command(name = "ssh", description = "SSH access to the machines.")
    static final class SshGroup implements Runnable {
        @Override
        public void run() {}
    }

    @BeforeAll
    static void makeKeys() throws Exception {
        clientKey = TestKeys.sshKeygen(keys, "id_fleet", "ecdsa");
    }

    @BeforeEach
    void startServerAndWriteTheFleet() throws Exception {
        server = MinaServer.start(sandbox, TestKeys.publicKeyOf(clientKey));
        writeFleet(server.port());
    }

    @AfterEach
    void stopServer() throws Exception {
        server.close();
    }

    private void writeFleet(int port) throws Exception {
        Files.writeString(cwd.resolve("fleet.yaml"), """
                version: 1
                controller: {machine: laptop}
                machines:
                  laptop:
                    os: linux
                    role: controller
                    reach: {via: local}
                  box:
                    os: linux
                    reach:
                      via: ssh
                      ssh: {host: 127.0.0.1, port: %d, user: alice, identity: %s, connect_timeout: 5s}
                """.formatted(port, clientKey));
    }

    private Run fleet(String input, String... args) {
        CliContext context = new CliContext(Map.of("USER", "tester"), cwd, home);
        CommandLine line = FleetCommand.commandLine(context);
        line.getCommandSpec().removeSubcommand("ssh"); // the same command, reading the test's answers
        line.addSubcommand(new CommandLine(new SshGroup()).addSubcommand(new SshTrustCommand(context,
                new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)))));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        line.setOut(new PrintWriter(out, true));
        line.setErr(new PrintWriter(err, true));
        int code = line.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private Path knownHosts() {
        return home.resolve(".ssh/known_hosts");
    }

    private String fingerprint() {
        return Fingerprints.sha256(server.hostKey());
    }

    @Test
    void with_yes_it_prints_the_fingerprint_and_adds_the_key() throws Exception {
        Run run = fleet("", "ssh", "trust", "box", "--yes");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
        assertThat(run.out()).isEqualTo("box (alice@127.0.0.1:" + server.port() + ") presents the "
                + "ecdsa-sha2-nistp256 host key " + fingerprint() + "\nAdded to " + knownHosts() + ".\n");
        assertThat(Files.readAllLines(knownHosts())).containsExactly(server.knownHostsLine());
    }

    @Test
    void it_asks_first_and_no_answer_writes_nothing() {
        Run run = fleet("n\n", "ssh", "trust", "box");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.FINDING);
        assertThat(run.out()).contains(fingerprint()).endsWith("Trust this key for box? [y/N] ");
        assertThat(run.err()).isEqualTo("fleet: not trusted; nothing was written\n");
        assertThat(knownHosts()).doesNotExist();
    }

    @Test
    void it_asks_first_and_yes_adds_the_key_after_which_it_is_already_trusted() throws Exception {
        Run first = fleet("y\n", "ssh", "trust", "box");
        Run second = fleet("", "ssh", "trust", "box");

        assertThat(first.exitCode()).as(first.err()).isEqualTo(ExitCodes.OK);
        assertThat(first.out()).contains("[y/N] Added to " + knownHosts());
        assertThat(second.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(second.out()).endsWith("It is already trusted in " + knownHosts() + "; nothing to do.\n");
        assertThat(Files.readAllLines(knownHosts())).containsExactly(server.knownHostsLine());
    }

    @Test
    void a_changed_key_is_refused_without_replace_and_replaced_with_it() throws Exception {
        Files.createDirectories(knownHosts().getParent());
        String old = "[127.0.0.1]:" + server.port() + " " + PublicKeyEntry.toString(TestKeys.ec().getPublic());
        Files.writeString(knownHosts(), old + "\n");

        Run refused = fleet("y\n", "ssh", "trust", "box");
        assertThat(refused.exitCode()).isEqualTo(ExitCodes.FINDING);
        assertThat(refused.err()).contains("HAS CHANGED").endsWith("fleet ssh trust box --replace\n");
        assertThat(Files.readAllLines(knownHosts())).containsExactly(old);

        Run replaced = fleet("", "ssh", "trust", "box", "--replace", "--yes");
        assertThat(replaced.exitCode()).as(replaced.err()).isEqualTo(ExitCodes.OK);
        assertThat(replaced.out()).contains("WARNING: known_hosts has a different key for [127.0.0.1]:"
                + server.port()).endsWith("Replaced in " + knownHosts() + ".\n");
        assertThat(Files.readAllLines(knownHosts())).containsExactly(server.knownHostsLine());
    }

    @Test
    void an_unknown_machine_is_a_usage_error_with_a_suggestion() {
        Run run = fleet("", "ssh", "trust", "bx", "--yes");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).isEqualTo("fleet: no machine named 'bx'; did you mean 'box'?\n");
    }

    @Test
    void a_machine_not_reached_over_ssh_is_a_usage_error() {
        Run run = fleet("", "ssh", "trust", "laptop", "--yes");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).isEqualTo("fleet: laptop is not reached over ssh (reach.via: local); "
                + "it has no host key to trust\n");
    }

    @Test
    void an_unreachable_machine_is_a_finding_that_says_why() throws Exception {
        server.close();

        Run run = fleet("", "ssh", "trust", "box", "--yes");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.FINDING);
        assertThat(run.err()).startsWith("fleet: ssh alice@127.0.0.1:" + server.port() + ": cannot connect to ")
                .contains("refused");
        assertThat(knownHosts()).doesNotExist();
    }
}
