package dev.homefleet.controller.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One runner per machine, kept while the machine's target stays the same. */
class SshRunnersTest {

    @TempDir
    Path home;

    SshClient client;
    SshRunners runners;

    @BeforeEach
    void start() {
        client = SshClients.create();
        runners = new SshRunners(client, home, "me");
    }

    @AfterEach
    void stop() throws IOException {
        runners.close();
        client.stop();
    }

    @Test
    void the_same_machine_gets_the_same_runner() throws Exception {
        var machine = Machines.ssh("box", Machines.loopback(2222, "alice", null));

        assertThat(runners.forMachine(machine)).isSameAs(runners.forMachine(machine));
    }

    @Test
    void a_machine_reached_differently_gets_a_new_runner_and_the_old_one_is_closed() throws Exception {
        SshCommandRunner before = runners.forMachine(Machines.ssh("box", Machines.loopback(2222, "alice", null)));

        SshCommandRunner after = runners.forMachine(Machines.ssh("box", Machines.loopback(2223, "alice", null)));

        assertThat(after).isNotSameAs(before);
        assertThat(after.describe()).isEqualTo("ssh alice@127.0.0.1:2223");
        assertThatThrownBy(() -> before.run(List.of("true"), Duration.ofSeconds(1)))
                .hasMessage("ssh alice@127.0.0.1:2222: the runner is closed");
    }

    @Test
    void runners_made_with_a_client_of_their_own_stop_it_when_closed() throws Exception {
        SshRunners own = SshRunners.create(home, "me");
        SshCommandRunner runner = own.forMachine(Machines.ssh("box", Machines.loopback(2222, "alice", null)));

        own.close();

        assertThatThrownBy(() -> runner.run(List.of("true"), Duration.ofSeconds(1))).hasMessageEndingWith("closed");
        assertThat(client.isClosed()).as("a shared client is left alone").isFalse();
    }

    @Test
    void the_shared_client_refuses_the_host_key_of_a_session_homefleet_did_not_open(@TempDir Path sandbox)
            throws Exception {
        try (MinaServer server = MinaServer.start(sandbox)) {
            ClientSession session = client.connect("alice", "127.0.0.1", server.port())
                    .verify(Duration.ofSeconds(5)).getSession();

            var auth = session.auth();

            assertThat(auth.await(Duration.ofSeconds(5))).isTrue();
            assertThat(auth.isSuccess()).isFalse();
            assertThat(auth.getException()).hasMessageContaining("Server key did not validate");
            assertThat(client.getServerKeyVerifier()).isSameAs(SshClients.PER_CONNECTION_POLICY);
        }
    }
}
