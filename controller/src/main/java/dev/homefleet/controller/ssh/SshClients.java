package dev.homefleet.controller.ssh;

import java.time.Duration;
import java.util.List;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.password.PasswordIdentityProvider;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.core.CoreModuleProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one MINA {@link SshClient} homefleet shares between all machines, set up so that nothing is trusted or
 * offered by default: every connection brings its own host key policy (see {@link ConnectAttempt}) and its own keys.
 */
public final class SshClients {

    /** How often an idle session is probed, and how many unanswered probes close it as dead. */
    static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(15);
    static final Duration HEARTBEAT_REPLY_WAIT = Duration.ofSeconds(10);
    static final int HEARTBEAT_NO_REPLY_MAX = 3;

    private static final Logger LOG = LoggerFactory.getLogger(SshClients.class);

    /** Refuses every host key of a session that was not opened by homefleet with a policy of its own. */
    static final ServerKeyVerifier PER_CONNECTION_POLICY = (session, remote, key) -> {
        var attempt = ConnectAttempt.of(session);
        if (attempt.isEmpty()) {
            LOG.warn("refusing the host key of {}: the session has no homefleet host key policy", remote);
            return false;
        }
        return attempt.get().verify(session, remote, key);
    };

    private SshClients() {}

    /** A started client, configured by {@link #configure}; its owner stops it. */
    public static SshClient create() {
        SshClient client = SshClient.setUpDefaultClient();
        configure(client);
        client.start();
        return client;
    }

    /**
     * Makes {@code client} safe for homefleet; idempotent. Host keys: refused unless the connection carries a policy
     * (homefleet's verify against known_hosts). Authentication: public keys only, none by default (each connection
     * adds the keys of its target), no passwords. The process's own ~/.ssh/config is not read (targets are resolved
     * against the home directory homefleet was given). Sessions are probed every 15 s and closed after 3 unanswered
     * probes, so a peer that died silently is noticed; an owner that set a heartbeat of its own keeps it.
     */
    public static void configure(SshClient client) {
        client.setServerKeyVerifier(PER_CONNECTION_POLICY);
        client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
        client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
        client.setPasswordIdentityProvider(PasswordIdentityProvider.EMPTY_PASSWORDS_PROVIDER);
        client.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
        client.setUserInteraction(null);
        if (!client.getProperties().containsKey(CoreModuleProperties.HEARTBEAT_INTERVAL.getName())) {
            CoreModuleProperties.HEARTBEAT_INTERVAL.set(client, HEARTBEAT_INTERVAL);
            CoreModuleProperties.HEARTBEAT_REPLY_WAIT.set(client, HEARTBEAT_REPLY_WAIT);
            CoreModuleProperties.HEARTBEAT_NO_REPLY_MAX.set(client, HEARTBEAT_NO_REPLY_MAX);
        }
    }
}
