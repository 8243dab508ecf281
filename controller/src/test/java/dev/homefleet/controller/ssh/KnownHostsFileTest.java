package dev.homefleet.controller.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.homefleet.controller.ssh.HostKeyCheck.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading and writing OpenSSH's known_hosts format. */
class KnownHostsFileTest {

    @TempDir
    Path home;

    SshTarget target;
    PublicKey key;
    Path file;

    @BeforeEach
    void aTargetOnPort2222() throws Exception {
        target = SshTarget.resolve(Machines.ssh("box", Machines.loopback(2222, "alice", null)), home, "me");
        key = TestKeys.ec().getPublic();
        file = home.resolve(".ssh/known_hosts");
    }

    private void write(String... lines) throws Exception {
        Files.createDirectories(file.getParent());
        Files.write(file, List.of(lines));
    }

    private static String entry(PublicKey k) {
        return PublicKeyEntry.toString(k);
    }

    @Test
    void a_missing_file_knows_nothing_and_adding_creates_it_with_the_openssh_line() throws Exception {
        KnownHostsFile known = new KnownHostsFile(file);

        assertThat(known.check(target, key).status()).isEqualTo(Status.UNKNOWN);
        known.add(target, key);

        assertThat(Files.readString(file)).isEqualTo("[127.0.0.1]:2222 " + entry(key) + "\n");
        assertThat(known.check(target, key).status()).isEqualTo(Status.TRUSTED);
    }

    @Test
    void port_22_is_written_without_brackets_and_does_not_match_another_port() throws Exception {
        SshTarget on22 = SshTarget.resolve(Machines.ssh("box", Machines.loopback(22, "alice", null)), home, "me");
        KnownHostsFile known = new KnownHostsFile(file);

        known.add(on22, key);

        assertThat(Files.readString(file)).isEqualTo("127.0.0.1 " + entry(key) + "\n");
        assertThat(known.check(target, key).status()).isEqualTo(Status.UNKNOWN);
    }

    @Test
    void adding_to_a_file_without_a_final_newline_starts_a_new_line() throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "example.org " + entry(TestKeys.ec().getPublic()));

        new KnownHostsFile(file).add(target, key);

        assertThat(Files.readAllLines(file)).hasSize(2).endsWith("[127.0.0.1]:2222 " + entry(key));
    }

    @Test
    void a_hashed_line_written_by_ssh_keygen_is_matched() throws Exception {
        write("[127.0.0.1]:2222 " + entry(key));
        Process hash = new ProcessBuilder("ssh-keygen", "-H", "-f", file.toString()).redirectErrorStream(true).start();
        hash.getInputStream().readAllBytes();
        assertThat(hash.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readString(file)).startsWith("|1|");

        assertThat(new KnownHostsFile(file).check(target, key).status()).isEqualTo(Status.TRUSTED);
    }

    @Test
    void a_different_key_of_the_same_type_is_a_change_and_replace_keeps_every_other_line() throws Exception {
        PublicKey old = TestKeys.ec().getPublic();
        PublicKey rsa = TestKeys.rsa().getPublic();
        String example = "example.org " + entry(TestKeys.ec().getPublic());
        write("# mine", "", example, "[127.0.0.1]:2222 " + entry(old),
                "[127.0.0.1]:2222 " + entry(rsa), "garbage that is no entry");
        KnownHostsFile known = new KnownHostsFile(file);

        HostKeyCheck check = known.check(target, key);
        assertThat(check.status()).isEqualTo(Status.CHANGED);
        assertThat(check.conflicting()).extracting(HostKeyCheck.KnownKey::line).containsExactly(4);
        assertThat(check.conflicting().get(0).fingerprint()).isEqualTo(Fingerprints.sha256(old));
        assertThat(check.otherTypes()).extracting(HostKeyCheck.KnownKey::type).containsExactly("ssh-rsa");

        known.replace(target, key);

        assertThat(Files.readAllLines(file)).containsExactly("# mine", "", example,
                "[127.0.0.1]:2222 " + entry(rsa), "garbage that is no entry", "[127.0.0.1]:2222 " + entry(key));
        assertThat(known.check(target, key).status()).isEqualTo(Status.TRUSTED);
    }

    @Test
    void a_revoked_key_stays_refused_even_when_also_listed() throws Exception {
        write("@revoked [127.0.0.1]:2222 " + entry(key), "[127.0.0.1]:2222 " + entry(key));

        HostKeyCheck check = new KnownHostsFile(file).check(target, key);

        assertThat(check.status()).isEqualTo(Status.REVOKED);
        assertThat(check.refusal()).contains("is marked @revoked in " + file + " ecdsa-sha2-nistp256 "
                + Fingerprints.sha256(key) + " (line 1)");
    }

    @Test
    void only_keys_of_other_types_leave_the_key_unknown() throws Exception {
        write("[127.0.0.1]:2222 " + entry(TestKeys.rsa().getPublic()));

        HostKeyCheck check = new KnownHostsFile(file).check(target, key);

        assertThat(check.status()).isEqualTo(Status.UNKNOWN);
        assertThat(check.refusal()).contains("it lists only other key types for this host: ssh-rsa SHA256:");
    }
}
