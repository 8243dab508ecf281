package dev.homefleet.controller.ssh;

import java.net.SocketAddress;
import java.security.PublicKey;
import java.util.Optional;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.AttributeRepository.AttributeKey;

/**
 * One connection being opened to a target, handed to MINA as the session's connection context before the first
 * byte is exchanged. It carries the host key policy for this connection (the shared client has none of its own) and
 * keeps what the server presented, so a refusal can say which key it was.
 */
final class ConnectAttempt {

    private static final AttributeKey<ConnectAttempt> KEY = new AttributeKey<>();

    private final SshTarget target;
    private final ServerKeyVerifier policy;
    private volatile PublicKey presented;
    private volatile boolean accepted;

    ConnectAttempt(SshTarget target, ServerKeyVerifier policy) {
        this.target = target;
        this.policy = policy;
    }

    static Optional<ConnectAttempt> of(ClientSession session) {
        AttributeRepository context = session.getConnectionContext();
        return Optional.ofNullable(context == null ? null : context.getAttribute(KEY));
    }

    AttributeRepository context() {
        return AttributeRepository.ofKeyValuePair(KEY, this);
    }

    boolean verify(ClientSession session, SocketAddress remote, PublicKey key) {
        presented = key;
        boolean ok = policy.verifyServerKey(session, remote, key);
        accepted = ok;
        return ok;
    }

    SshTarget target() {
        return target;
    }

    /** The host key the server presented; empty when the connection ended before the key exchange. */
    Optional<PublicKey> presented() {
        return Optional.ofNullable(presented);
    }

    boolean hostKeyRefused() {
        return presented != null && !accepted;
    }
}
