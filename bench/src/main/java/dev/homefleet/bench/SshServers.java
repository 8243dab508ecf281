package dev.homefleet.bench;

import dev.homefleet.controller.ssh.Machines;
import dev.homefleet.controller.ssh.MinaServer;
import dev.homefleet.controller.ssh.OpenSshServer;
import dev.homefleet.controller.ssh.SshClients;
import dev.homefleet.controller.ssh.SshCommandRunner;
import dev.homefleet.controller.ssh.SshTarget;
import dev.homefleet.controller.ssh.TestKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.sshd.client.SshClient;

/**
 * The two SSH servers the bench measures against, both on 127.0.0.1 and both trusting one throwaway client key:
 * OpenSSH's own sshd (a child process, as the controller's interop tests run it) and MINA's server in this JVM. One
 * known_hosts file serves OpenSSH's client and homefleet's (as ~/.ssh/known_hosts of a scratch home).
 */
final class SshServers {

    final String user = System.getProperty("user.name");
    final Path dir;
    final Path clientKey;
    final Path home;
    final Path knownHosts;
    final OpenSshServer sshd;
    final MinaServer mina;
    final SshClient client;

    private SshServers(Path dir, Path clientKey, Path home, OpenSshServer sshd, MinaServer mina, SshClient client) {
        this.dir = dir;
        this.clientKey = clientKey;
        this.home = home;
        this.knownHosts = home.resolve(".ssh/known_hosts");
        this.sshd = sshd;
        this.mina = mina;
        this.client = client;
    }

    /** Starts both servers and the shared MINA client; {@code cleanup} stops them. */
    static SshServers start(Path dir, Cleanup cleanup) throws Exception {
        if (!OpenSshServer.installed()) {
            throw new IOException("OpenSSH's sshd is not installed at /usr/sbin/sshd (Debian: apt-get install "
                    + "openssh-server openssh-client)");
        }
        Path clientKey = TestKeys.sshKeygen(dir.resolve("keys"), "id_ed25519", "ed25519");
        OpenSshServer sshd = cleanup.add("OpenSSH sshd", OpenSshServer.start(
                Files.createDirectories(dir.resolve("sshd")), Path.of(clientKey + ".pub")));
        MinaServer mina = cleanup.add("MINA SSH server", MinaServer.start(
                Files.createDirectories(dir.resolve("mina-sandbox")), TestKeys.publicKeyOf(clientKey)));
        Path home = Files.createDirectories(dir.resolve("home"));
        Path knownHosts = Files.createDirectories(home.resolve(".ssh")).resolve("known_hosts");
        Files.writeString(knownHosts, sshd.keyscanHashed() + "\n" + mina.knownHostsLine() + "\n",
                StandardOpenOption.CREATE_NEW);
        SshClient client = SshClients.create();
        cleanup.add("MINA SSH client", client::stop);
        return new SshServers(dir, clientKey, home, sshd, mina, client);
    }

    /** homefleet's runner for a machine at 127.0.0.1:{@code port}: one pooled session, a channel per command. */
    SshCommandRunner pooled(String machine, int port, Cleanup cleanup) throws IOException {
        SshTarget target = SshTarget.resolve(Machines.ssh(machine, Machines.loopback(port, user, clientKey)), home,
                user);
        return cleanup.add("pooled session to " + machine, new SshCommandRunner(client, target));
    }

    /** OpenSSH's client for the server at {@code port}; its ControlMaster socket is {@code dir/cm-NAME}. */
    OpenSshCli cli(String name, int port) {
        return new OpenSshCli(clientKey, knownHosts, user, port, dir.resolve("cm-" + name), dir.resolve(name + "-ssh.log"));
    }
}
