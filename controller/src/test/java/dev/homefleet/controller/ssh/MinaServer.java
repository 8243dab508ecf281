package dev.homefleet.controller.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.shell.ProcessShellFactory;

/**
 * MINA's SSH server in this JVM on 127.0.0.1, with public key authentication and real commands: each command string
 * is run by {@code /bin/sh -c}, as OpenSSH hands it to the user's shell, with HOME set to a sandbox directory.
 */
public final class MinaServer implements AutoCloseable {

    /** A command that writes to stderr and closes its channel without an exit status. */
    static final String NO_EXIT_STATUS = "homefleet-test-no-exit-status";

    final AtomicInteger sessions = new AtomicInteger();
    final Set<String> users = new CopyOnWriteArraySet<>();
    final List<String> commands = new CopyOnWriteArrayList<>();

    private final KeyPair hostKey;
    private final List<PublicKey> authorized;
    private final Path sandbox;
    private SshServer server;
    private int port;

    private MinaServer(KeyPair hostKey, List<PublicKey> authorized, Path sandbox) {
        this.hostKey = hostKey;
        this.authorized = authorized;
        this.sandbox = sandbox;
    }

    public static MinaServer start(Path sandbox, PublicKey... authorized) throws Exception {
        MinaServer server = new MinaServer(TestKeys.ec(), List.of(authorized), sandbox);
        server.listen(0);
        return server;
    }

    private void listen(int wanted) throws IOException {
        SshServer s = SshServer.setUpDefaultServer();
        s.setHost("127.0.0.1");
        s.setPort(wanted);
        s.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
        s.setPasswordAuthenticator(null);
        s.setKeyboardInteractiveAuthenticator(null);
        s.setPublickeyAuthenticator((user, key, session) -> {
            boolean ok = authorized.stream().anyMatch(k -> KeyUtils.compareKeys(k, key));
            if (ok) {
                users.add(user);
            }
            return ok;
        });
        s.addSessionListener(new SessionListener() {
            @Override
            public void sessionCreated(Session session) {
                sessions.incrementAndGet();
            }
        });
        s.setCommandFactory((channel, command) -> {
            commands.add(command);
            if (command.equals(NO_EXIT_STATUS)) {
                return new NoExitStatus();
            }
            return new ProcessShellFactory(command,
                    List.of("/usr/bin/env", "HOME=" + sandbox, "/bin/sh", "-c", command)).createShell(channel);
        });
        s.start();
        server = s;
        port = s.getPort();
    }

    public int port() {
        return port;
    }

    PublicKey hostKey() {
        return hostKey.getPublic();
    }

    /** The line OpenSSH would have in known_hosts for this server. */
    public String knownHostsLine() {
        return "[127.0.0.1]:" + port + " " + PublicKeyEntry.toString(hostKey.getPublic());
    }

    /** Closes every session from the server's side, as a server restart or an idle timeout would. */
    void dropSessions() {
        server.getActiveSessions().forEach(s -> s.close(true));
    }

    /** Stops and starts again on the same port with the same host key. */
    void restart() throws IOException {
        server.stop(true);
        listen(port);
    }

    @Override
    public void close() throws IOException {
        if (server != null) {
            server.stop(true);
        }
    }

    private static final class NoExitStatus implements Command {
        private OutputStream err;

        @Override
        public void setInputStream(InputStream in) {}

        @Override
        public void setOutputStream(OutputStream out) {}

        @Override
        public void setErrorStream(OutputStream err) {
            this.err = err;
        }

        @Override
        public void setExitCallback(ExitCallback callback) {}

        @Override
        public void start(ChannelSession channel, Environment env) {
            Thread t = new Thread(() -> {
                try {
                    err.write("partial failure\n".getBytes(StandardCharsets.UTF_8));
                    err.flush();
                } catch (IOException e) {
                    // the client went away; nothing to report to
                }
                channel.close(false);
            }, "no-exit-status");
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void destroy(ChannelSession channel) {}
    }
}
