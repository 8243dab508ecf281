package dev.homefleet.controller.ssh;

import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.PublicKey;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.password.PasswordIdentityProvider;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.future.AuthFuture;
import org.apache.sshd.client.future.ConnectFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.client.session.ClientSession.ClientSessionEvent;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.SshException;
import org.apache.sshd.common.future.CancelOption;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;

/**
 * Opens SSH connections to one target on the shared client: resolves the address (or starts the loopback SOCKS
 * forwarder), connects, has the host key checked against known_hosts and authenticates with the target's keys, all
 * within the target's connect_timeout. Every failure comes back as an {@link IOException} whose message names the
 * target and says what to do.
 */
final class SshConnector implements Closeable {

    private final SshClient client;
    private final SshTarget target;
    private final KnownHostsVerifier verifier;
    private SocksForwarder forwarder;
    private boolean closed;

    SshConnector(SshClient client, SshTarget target) {
        this.client = client;
        this.target = target;
        this.verifier = new KnownHostsVerifier(target.knownHosts());
    }

    /** An authenticated session whose host key known_hosts vouches for. */
    ClientSession open() throws IOException {
        ClientKeys keys = ClientKeys.load(target);
        if (keys.offered().isEmpty()) {
            throw new IOException(noKeys(keys));
        }
        Deadline deadline = Deadline.after(target.connectTimeout());
        ConnectAttempt attempt = new ConnectAttempt(target, verifier);
        ClientSession session = connect(attempt, deadline);
        Throwable problem;
        try {
            session.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
            session.setPasswordIdentityProvider(PasswordIdentityProvider.EMPTY_PASSWORDS_PROVIDER);
            session.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
            keys.offered().forEach(key -> session.addPublicKeyIdentity(key.pair()));
            AuthFuture auth = session.auth();
            if (!auth.await(deadline.remainingMillis(), CancelOption.CANCEL_ON_TIMEOUT)) {
                problem = null;
            } else if (auth.isSuccess()) {
                return session;
            } else {
                problem = auth.getException();
            }
        } catch (IOException | RuntimeException e) {
            problem = e;
        }
        session.close(true);
        throw explain(attempt, keys, problem);
    }

    /**
     * The host key the server presents. The key is let through the key exchange, so the server proves it holds the
     * private half, and the connection is closed right there: nothing is authenticated or sent.
     */
    PublicKey hostKey() throws IOException {
        Deadline deadline = Deadline.after(target.connectTimeout());
        ConnectAttempt attempt = new ConnectAttempt(target, (session, remote, key) -> true);
        ClientSession session = connect(attempt, deadline);
        Set<ClientSessionEvent> events;
        try {
            events = session.waitFor(EnumSet.of(ClientSessionEvent.CLOSED, ClientSessionEvent.WAIT_AUTH),
                    Math.max(1, deadline.remainingMillis()));
        } finally {
            session.close(true);
        }
        if (attempt.presented().isPresent()) {
            if (events.contains(ClientSessionEvent.WAIT_AUTH)) {
                return attempt.presented().get();
            }
            throw new IOException(target.describe() + ": the server showed the host key "
                    + Fingerprints.sha256(attempt.presented().get()) + " but did not complete the key exchange");
        }
        if (deadline.expired()) {
            throw new IOException(target.describe() + ": no host key within " + human(target.connectTimeout())
                    + " (connect_timeout)");
        }
        throw new IOException(target.describe() + ": " + proxyFailure()
                .orElse("the connection closed before the server showed its host key"));
    }

    private ClientSession connect(ConnectAttempt attempt, Deadline deadline) throws IOException {
        InetSocketAddress address = address(deadline);
        ConnectFuture future = client.connect(target.user(), address, attempt.context(), null);
        if (!future.await(deadline.remainingMillis(), CancelOption.CANCEL_ON_TIMEOUT)) {
            throw new IOException(target.describe() + ": could not connect within " + human(target.connectTimeout())
                    + " (connect_timeout)" + proxyFailure().map(f -> ": " + f).orElse(""));
        }
        if (!future.isConnected()) {
            throw new IOException(target.describe() + ": cannot connect to " + target.hostName() + ":"
                    + target.port() + ": " + message(future.getException()));
        }
        return future.getSession();
    }

    /** Where MINA connects: the target itself, or the forwarder that carries it through the proxy. */
    private InetSocketAddress address(Deadline deadline) throws IOException {
        if (target.proxy().isPresent()) {
            SocksForwarder f = forwarder();
            f.clearFailure();
            return f.address();
        }
        // A name is resolved off this thread so a slow resolver costs no more than connect_timeout.
        CompletableFuture<InetSocketAddress> resolved = new CompletableFuture<>();
        Thread resolver = new Thread(() -> {
            try {
                resolved.complete(new InetSocketAddress(InetAddress.getByName(target.hostName()), target.port()));
            } catch (UnknownHostException | RuntimeException e) {
                resolved.completeExceptionally(e);
            }
        }, "homefleet-resolve-" + target.machine());
        resolver.setDaemon(true);
        resolver.start();
        try {
            return resolved.get(deadline.remainingNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new IOException(target.describe() + ": could not resolve " + target.hostName() + " within "
                    + human(target.connectTimeout()) + " (connect_timeout)");
        } catch (ExecutionException e) {
            throw new IOException(target.describe() + ": cannot resolve " + target.hostName()
                    + "; check reach.ssh.host of " + target.machine() + " and ~/.ssh/config");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException(target.describe() + ": interrupted while resolving");
        }
    }

    private synchronized SocksForwarder forwarder() throws IOException {
        if (closed) {
            throw new IOException(target.describe() + ": closed");
        }
        if (forwarder == null) {
            SocksProxy proxy = target.proxy().orElseThrow();
            forwarder = SocksForwarder.start(proxy, target.hostName(), target.port(), target.connectTimeout(),
                    target.machine());
        }
        return forwarder;
    }

    private synchronized Optional<String> proxyFailure() {
        return forwarder == null ? Optional.empty() : forwarder.takeFailure();
    }

    private IOException explain(ConnectAttempt attempt, ClientKeys keys, Throwable problem) throws IOException {
        if (attempt.hostKeyRefused()) {
            HostKeyCheck check = new KnownHostsFile(target.knownHosts()).check(target, attempt.presented().get());
            if (check.status() != HostKeyCheck.Status.TRUSTED) {
                return new HostKeyRefusedException(check);
            }
            return new HostKeyRefusedException(check, target.describe() + ": host key " + check.fingerprint()
                    + " refused although " + target.knownHosts() + " lists it; check that file for @revoked lines");
        }
        var proxy = proxyFailure();
        if (proxy.isPresent()) {
            return new IOException(target.describe() + ": " + proxy.get() + "; is the proxy running?");
        }
        if (problem == null) {
            return new IOException(target.describe() + ": no answer within " + human(target.connectTimeout())
                    + " (connect_timeout) while exchanging keys and authenticating");
        }
        if (problem instanceof SshException e
                && e.getDisconnectCode() == SshConstants.SSH2_DISCONNECT_NO_MORE_AUTH_METHODS_AVAILABLE) {
            return new IOException(authFailed(keys));
        }
        return new IOException(target.describe() + ": connection failed: " + message(problem));
    }

    private String authFailed(ClientKeys keys) {
        ClientKeys.Offered first = keys.offered().get(0);
        String port = target.port() == 22 ? "" : " -p " + target.port();
        return target.describe() + ": authentication failed: " + target.user() + "@" + target.hostName()
                + " accepted none of the keys offered: " + keys.describe() + ". Add the public key to ~"
                + target.user() + "/.ssh/authorized_keys on " + target.hostName() + " (e.g. ssh-copy-id -i "
                + first.file() + ".pub" + port + " " + target.user() + "@" + target.hostName()
                + "), or name the right key as machines." + target.machine() + ".reach.ssh.identity in fleet.yaml";
    }

    private String noKeys(ClientKeys keys) {
        String tried = target.namedKeys()
                ? keys.describe().replaceFirst("^none; skipped ", "")
                : target.identities().stream().map(Object::toString).collect(Collectors.joining(", "))
                        + (keys.skipped().isEmpty() ? " (none exists)" : "; skipped "
                        + keys.skipped().stream().map(Object::toString).collect(Collectors.joining(", ")));
        return target.describe() + ": no private key to offer: tried " + tried + ". Create one with "
                + "ssh-keygen -t ed25519 -N '' -f ~/.ssh/id_ed25519, or name one as machines." + target.machine()
                + ".reach.ssh.identity in fleet.yaml (passwords are never used)";
    }

    static String human(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }

    static String message(Throwable e) {
        if (e == null) {
            return "unknown error";
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage();
        return m == null || m.isBlank() ? root.getClass().getSimpleName() : m;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (forwarder != null) {
            forwarder.close();
            forwarder = null;
        }
    }
}
