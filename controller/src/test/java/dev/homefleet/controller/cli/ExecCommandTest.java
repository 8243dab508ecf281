package dev.homefleet.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.homefleet.controller.cli.FleetCli.Run;
import dev.homefleet.controller.ssh.MinaServer;
import dev.homefleet.controller.ssh.TestKeys;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fleet exec} through the real command line: locally, over SSH to MINA on 127.0.0.1, and its failures. */
class ExecCommandTest {

    @TempDir
    Path cwd;
    @TempDir
    Path home;
    @TempDir
    Path sandbox;

    private MinaServer server;
    private int closedPort;

    @BeforeEach
    void writeTheFleet() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closedPort = s.getLocalPort();
        }
        fleet(closedPort);
    }

    @AfterEach
    void stopTheServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    /** laptop runs here; server is reached over SSH on {@code sshPort}; gone's SSH port is closed; tablet is not reached. */
    private void fleet(int sshPort) throws Exception {
        Files.writeString(cwd.resolve("fleet.yaml"), """
                version: 1
                controller: {machine: laptop}
                machines:
                  laptop:
                    os: linux
                    reach: {via: local}
                  server:
                    os: linux
                    reach:
                      via: ssh
                      ssh: {host: 127.0.0.1, port: %d, user: alice, connect_timeout: 5s}
                  gone:
                    os: linux
                    reach:
                      via: ssh
                      ssh: {host: 127.0.0.1, port: %d, user: alice, connect_timeout: 2s}
                  tablet:
                    os: ios
                    reach: {via: none}
                """.formatted(sshPort, closedPort));
    }

    /** MINA accepting ~/.ssh/id_ecdsa of the test's home, trusted in its ~/.ssh/known_hosts. */
    private void startTheSshServer() throws Exception {
        Path key = TestKeys.sshKeygen(home.resolve(".ssh"), "id_ecdsa", "ecdsa");
        server = MinaServer.start(sandbox, TestKeys.publicKeyOf(key));
        Files.writeString(home.resolve(".ssh/known_hosts"), server.knownHostsLine() + "\n");
        fleet(server.port());
    }

    private Run fleet(String... args) {
        return FleetCli.run(cwd, home, Map.of(), args);
    }

    @Test
    void a_local_command_prints_its_output_and_exits_with_its_code() {
        Run run = fleet("exec", "laptop", "--", "sh", "-c", "echo out; echo err >&2; exit 3");

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.out()).isEqualTo("out\n");
        assertThat(run.err()).isEqualTo("err\n");
    }

    @Test
    void hostile_arguments_arrive_verbatim_locally() {
        List<String> hostile = List.of("; rm -rf ~", "$(touch pwned)", "`touch pwned`", "'", "\"", "it's", "a\nb",
                "", " leading", "trailing ", "*", "~", "$HOME", "\\", "ünïcödé ✓ 日本語", "--", "-c", "-t", "--timeout",
                "--config=elsewhere.yaml", "--help", "-V", "@", "&& touch pwned",
                "> pwned", "%s%n", "a b\tc");
        List<String> args = new ArrayList<>(List.of("exec", "laptop", "--", "sh", "-c",
                "for a; do printf %s \"$a\" | base64 -w0; echo; done", "sh"));
        args.addAll(hostile);

        Run run = fleet(args.toArray(String[]::new));

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out().lines().map(l -> new String(Base64.getDecoder().decode(l), StandardCharsets.UTF_8)))
                .containsExactlyElementsOf(hostile);
        assertThat(cwd.resolve("pwned")).doesNotExist();
    }

    @Test
    void arguments_that_start_with_an_at_sign_arrive_as_written() throws Exception {
        Path notes = Files.writeString(cwd.resolve("notes.txt"), "private words\n");

        Run run = fleet("exec", "laptop", "--", "echo", "@" + notes, "@@twice");

        assertThat(run.out()).isEqualTo("@" + notes + " @@twice\n");
    }

    @Test
    void options_after_the_machine_belong_to_the_command_even_without_a_double_dash() {
        Run run = fleet("exec", "laptop", "echo", "-t", "5s", "-c", "x", "--", "y");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("-t 5s -c x -- y\n");
    }

    @Test
    void a_command_over_ssh_prints_its_output_and_exits_with_the_remote_code() throws Exception {
        startTheSshServer();

        Run run = fleet("exec", "server", "--", "sh", "-c", "echo remote out; echo remote err >&2; exit 7");

        assertThat(run.exitCode()).isEqualTo(7);
        assertThat(run.out()).isEqualTo("remote out\n");
        assertThat(run.err()).isEqualTo("remote err\n");
        assertThat(server.commands).containsExactly("sh -c 'echo remote out; echo remote err >&2; exit 7'");
    }

    @Test
    void a_command_that_runs_past_its_timeout_exits_124_and_says_so() {
        long started = System.nanoTime();

        Run run = fleet("exec", "--timeout", "1s", "laptop", "--", "sleep", "5");

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(4));
        assertThat(run.exitCode()).isEqualTo(124);
        assertThat(run.err()).isEqualTo("fleet: sleep did not finish in 1s on laptop (local)\n");
    }

    @Test
    void an_unreachable_machine_exits_255_with_one_line_and_no_stack_trace() throws Exception {
        TestKeys.sshKeygen(home.resolve(".ssh"), "id_ecdsa", "ecdsa");

        Run run = fleet("exec", "gone", "--", "true");

        assertThat(run.exitCode()).isEqualTo(255);
        assertThat(run.err()).isEqualTo("fleet: ssh alice@127.0.0.1:" + closedPort + ": cannot connect to 127.0.0.1:"
                + closedPort + ": Connection refused\n");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void without_a_key_to_offer_it_exits_255_and_says_how_to_make_one() {
        Run run = fleet("exec", "gone", "--", "true");

        assertThat(run.exitCode()).isEqualTo(255);
        assertThat(run.err()).startsWith("fleet: ssh alice@127.0.0.1:" + closedPort + ": no private key to offer: "
                + "tried " + home.resolve(".ssh/id_ed25519")).contains("ssh-keygen").hasLineCount(1);
    }

    @Test
    void a_machine_that_is_not_reached_exits_255_and_says_so() {
        Run run = fleet("exec", "tablet", "--", "true");

        assertThat(run.exitCode()).isEqualTo(255);
        assertThat(run.err()).isEqualTo("fleet: tablet is not reached by homefleet (reach.via: none)\n");
    }

    @Test
    void a_program_that_does_not_exist_exits_255_with_one_line() {
        Run run = fleet("exec", "laptop", "--", "no-such-program-7f3a");

        assertThat(run.exitCode()).isEqualTo(255);
        assertThat(run.err()).startsWith("fleet: cannot run no-such-program-7f3a: not found on PATH").hasLineCount(1);
    }

    @Test
    void an_unknown_machine_exits_2_with_a_suggestion() {
        Run run = fleet("exec", "lapotp", "--", "true");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).isEqualTo("fleet: no machine named 'lapotp'; did you mean 'laptop'?\n");
    }

    @Test
    void a_bad_timeout_exits_2_and_says_how_to_write_one() {
        Run words = fleet("exec", "--timeout", "soon", "laptop", "--", "true");
        Run zero = fleet("exec", "--timeout", "0s", "laptop", "--", "true");

        assertThat(words.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(words.err()).isEqualTo("fleet: --timeout: 'soon' is not a duration; write a number and a unit "
                + "(ms, s, m, h, d), e.g. 30s, 15m, 2h or 1h30m\n");
        assertThat(zero.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(zero.err()).isEqualTo("fleet: --timeout: 0s is not a timeout; give a positive duration, e.g. 30s\n");
    }

    @Test
    void an_invalid_fleet_file_exits_1_with_its_problems() throws Exception {
        Files.writeString(cwd.resolve("fleet.yaml"), """
                version: 1
                controller: {machine: laptop}
                machines:
                  laptop:
                    os: linux
                    reach: {via: locale}
                """);

        Run run = fleet("exec", "laptop", "--", "true");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.FINDING);
        assertThat(run.err()).isEqualTo("""
                fleet.yaml:6:18: machines.laptop.reach.via: 'locale' is not one of local, ssh, agent, none; did you mean 'local'?
                fleet.yaml: 1 error
                """);
        assertThat(run.out()).isEmpty();
    }

    @Test
    void a_missing_command_is_bad_usage() {
        Run run = fleet("exec", "laptop");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("Missing required parameter: 'CMD'");
    }
}
