package dev.homefleet.controller.ssh;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * OpenSSH's own sshd (Debian's openssh-server) as a child process in the foreground on 127.0.0.1, with throwaway
 * ed25519 and ecdsa host keys, key authentication only and an authorized_keys file of the test's making.
 */
public final class OpenSshServer implements AutoCloseable {

    static final Path SSHD = Path.of("/usr/sbin/sshd");

    private final Path dir;
    private final Process process;
    private final int port;

    private OpenSshServer(Path dir, Process process, int port) {
        this.dir = dir;
        this.process = process;
        this.port = port;
    }

    public static boolean installed() {
        return Files.isExecutable(SSHD);
    }

    public static OpenSshServer start(Path dir, Path authorizedPublicKey) throws Exception {
        Path privsep = Path.of("/run/sshd");
        if (!Files.isDirectory(privsep)) {
            Files.createDirectories(privsep);
        }
        Path ed25519 = TestKeys.sshKeygen(dir, "ssh_host_ed25519_key", "ed25519");
        Path ecdsa = TestKeys.sshKeygen(dir, "ssh_host_ecdsa_key", "ecdsa");
        Files.copy(authorizedPublicKey, dir.resolve("authorized_keys"));
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            int port = LocalProcesses.freePort();
            Path config = dir.resolve("sshd_config");
            Files.writeString(config, """
                    ListenAddress 127.0.0.1
                    Port %d
                    HostKey %s
                    HostKey %s
                    AuthorizedKeysFile %s
                    PubkeyAuthentication yes
                    PasswordAuthentication no
                    KbdInteractiveAuthentication no
                    UsePAM no
                    PermitRootLogin prohibit-password
                    StrictModes no
                    UseDNS no
                    PrintMotd no
                    MaxSessions 10
                    LogLevel VERBOSE
                    PidFile %s
                    """.formatted(port, ed25519, ecdsa, dir.resolve("authorized_keys"), dir.resolve("pid")));
            Process process = new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", config.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("sshd.log").toFile()).start();
            if (LocalProcesses.awaitListening(process, port, Duration.ofSeconds(10))) {
                return new OpenSshServer(dir, process, port);
            }
            LocalProcesses.killTree(process);
            last = new IOException("sshd did not start: " + Files.readString(dir.resolve("sshd.log")));
        }
        throw last;
    }

    public int port() {
        return port;
    }

    Path hostKey(String type) {
        return dir.resolve("ssh_host_" + type + "_key");
    }

    /** The host's ecdsa key as {@code ssh-keyscan -H} prints it: a hashed known_hosts line made by OpenSSH. */
    public String keyscanHashed() throws IOException, InterruptedException {
        Process scan = new ProcessBuilder("ssh-keyscan", "-H", "-t", "ecdsa", "-p", Integer.toString(port),
                "127.0.0.1").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(scan.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        scan.waitFor(10, TimeUnit.SECONDS);
        if (!out.startsWith("|1|")) {
            throw new IOException("ssh-keyscan printed: " + out);
        }
        return out;
    }

    /** The sshd processes serving connections (not the listener, not the commands they run). */
    List<ProcessHandle> connectionProcesses() {
        return process.descendants()
                .filter(p -> p.info().command().map(c -> c.equals(SSHD.toString())).orElse(false))
                .toList();
    }

    List<ProcessHandle> descendants() {
        return process.descendants().toList();
    }

    /** How many logins sshd accepted, from its own log. */
    public long acceptedLogins() throws IOException {
        return Files.readAllLines(dir.resolve("sshd.log")).stream()
                .filter(line -> line.contains("Accepted publickey")).count();
    }

    String log() throws IOException {
        return Files.readString(dir.resolve("sshd.log"));
    }

    @Override
    public void close() throws Exception {
        LocalProcesses.killTree(process);
    }
}
