package dev.homefleet.controller.ssh;

import java.net.SocketAddress;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Collection;
import java.util.List;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.client.keyverifier.KnownHostsServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.util.net.SshdSocketAddress;

/**
 * MINA's known_hosts verifier with the decisions homefleet wants: an unknown key is refused (the delegate says no,
 * and nothing is ever added on the fly), a changed key is refused, the file is read afresh for every connection
 * (connections are rare: one session per machine), and the host is looked up by the name and port the target
 * connects to, not by the address of the socket, which is a loopback forwarder when a SOCKS proxy is in between.
 * Why a key was refused is worked out afterwards by {@link KnownHostsFile#check}.
 */
final class KnownHostsVerifier extends KnownHostsServerKeyVerifier {

    KnownHostsVerifier(Path file) {
        super((session, remote, key) -> false, file);
    }

    @Override
    public boolean checkReloadRequired() {
        return true;
    }

    @Override
    protected Collection<SshdSocketAddress> resolveHostNetworkIdentities(ClientSession session, SocketAddress remote) {
        return ConnectAttempt.of(session)
                .<Collection<SshdSocketAddress>>map(a -> List.of(
                        new SshdSocketAddress(a.target().hostName(), a.target().port())))
                .orElseGet(() -> super.resolveHostNetworkIdentities(session, remote));
    }

    @Override
    public boolean acceptModifiedServerKey(ClientSession session, SocketAddress remote, KnownHostEntry entry,
            PublicKey expected, PublicKey actual) {
        return false;
    }

    @Override
    protected void handleRevokedKey(ClientSession session, SocketAddress remote, PublicKey key) {
        // refused; the caller explains it
    }
}
