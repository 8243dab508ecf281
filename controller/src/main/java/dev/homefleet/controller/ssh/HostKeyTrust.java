package dev.homefleet.controller.ssh;

import java.io.IOException;
import java.security.PublicKey;
import org.apache.sshd.client.SshClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adds a machine's host key to known_hosts, the way a person does on first {@code ssh}: look at the key the server
 * presents (the connection stops at the key exchange and never authenticates), show its fingerprint, and write it.
 * A key that replaces a different one of the same type is written only when asked.
 */
public final class HostKeyTrust {

    /** What {@link #trust} did. */
    public enum Outcome { ALREADY_TRUSTED, ADDED, REPLACED }

    private static final Logger LOG = LoggerFactory.getLogger(HostKeyTrust.class);

    private final SshClient client;

    /** @param client a started client, stopped by its owner */
    public HostKeyTrust(SshClient client) {
        SshClients.configure(client);
        this.client = client;
    }

    /** Connects to {@code target} just far enough to see its host key, and compares the key with known_hosts. */
    public HostKeyCheck fetch(SshTarget target) throws IOException {
        PublicKey key;
        try (SshConnector connector = new SshConnector(client, target)) {
            key = connector.hostKey();
        }
        return new KnownHostsFile(target.knownHosts()).check(target, key);
    }

    /**
     * Writes the key of {@code check} to known_hosts: appended when the host has no key of its type, put in place of
     * the old one when it changed and {@code replace} is set.
     *
     * @throws HostKeyRefusedException when the key changed and {@code replace} is not set, or it is {@code @revoked}
     */
    public Outcome trust(HostKeyCheck check, boolean replace) throws IOException {
        SshTarget target = check.target();
        KnownHostsFile file = new KnownHostsFile(target.knownHosts());
        HostKeyCheck now = file.check(target, check.presented());
        switch (now.status()) {
            case TRUSTED:
                return Outcome.ALREADY_TRUSTED;
            case UNKNOWN:
                file.add(target, now.presented());
                LOG.info("{}: trusted host key {} of {} in {}", target.machine(), now.fingerprint(), target.hostId(),
                        file.path());
                return Outcome.ADDED;
            case CHANGED:
                if (!replace) {
                    throw new HostKeyRefusedException(now);
                }
                file.replace(target, now.presented());
                LOG.info("{}: replaced the host key of {} in {}: {} is trusted now, in place of {}", target.machine(),
                        target.hostId(), file.path(), now.fingerprint(), now.conflicting());
                return Outcome.REPLACED;
            case REVOKED:
            default:
                throw new HostKeyRefusedException(now);
        }
    }
}
