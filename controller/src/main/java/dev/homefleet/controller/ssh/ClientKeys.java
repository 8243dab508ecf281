package dev.homefleet.controller.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.util.io.resource.PathResource;
import org.apache.sshd.common.util.security.SecurityUtils;

/**
 * The private keys offered to one target, read afresh for every connection, and what became of each file: offered,
 * or skipped and why. There is no agent and no passphrase prompt; a fleet key has no passphrase.
 */
final class ClientKeys {

    /** A key that is offered. */
    record Offered(Path file, KeyPair pair) {
        @Override
        public String toString() {
            return file + " (" + Fingerprints.type(pair.getPublic()) + " " + Fingerprints.sha256(pair.getPublic()) + ")";
        }
    }

    /** A key file that is not offered, and why. */
    record Skipped(Path file, String reason) {
        @Override
        public String toString() {
            return file + " (" + reason + ")";
        }
    }

    private final List<Offered> offered;
    private final List<Skipped> skipped;

    private ClientKeys(List<Offered> offered, List<Skipped> skipped) {
        this.offered = List.copyOf(offered);
        this.skipped = List.copyOf(skipped);
    }

    static ClientKeys load(SshTarget target) {
        List<Offered> offered = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        for (Path file : target.identities()) {
            if (!Files.isRegularFile(file)) {
                if (target.namedKeys()) {
                    skipped.add(new Skipped(file, "no such file"));
                }
                continue;
            }
            AtomicBoolean askedForPassphrase = new AtomicBoolean();
            FilePasswordProvider noPassphrase = (session, resource, retry) -> {
                askedForPassphrase.set(true);
                return null;
            };
            try (InputStream in = Files.newInputStream(file)) {
                int before = offered.size();
                Iterable<KeyPair> pairs = SecurityUtils.loadKeyPairIdentities(null, new PathResource(file), in,
                        noPassphrase);
                if (pairs != null) {
                    pairs.forEach(pair -> offered.add(new Offered(file, pair)));
                }
                if (offered.size() == before) {
                    skipped.add(new Skipped(file, askedForPassphrase.get() ? passphraseReason() : "no key in it"));
                }
            } catch (IOException | GeneralSecurityException | RuntimeException e) {
                skipped.add(new Skipped(file, askedForPassphrase.get() ? passphraseReason() : reason(e)));
            }
        }
        return new ClientKeys(offered, skipped);
    }

    List<Offered> offered() {
        return offered;
    }

    List<Skipped> skipped() {
        return skipped;
    }

    /** {@code A (type SHA256:..), B (...); skipped C (reason)}: for messages. */
    String describe() {
        StringBuilder s = new StringBuilder();
        s.append(offered.isEmpty() ? "none" : offered.stream().map(Offered::toString).collect(Collectors.joining(", ")));
        if (!skipped.isEmpty()) {
            s.append("; skipped ").append(skipped.stream().map(Skipped::toString).collect(Collectors.joining(", ")));
        }
        return s.toString();
    }

    private static String passphraseReason() {
        return "protected by a passphrase; homefleet uses neither ssh-agent nor prompts, so give the fleet a key "
                + "without one";
    }

    private static String reason(Exception e) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("ssh-ed25519") || message.toLowerCase().contains("eddsa")) {
            return "ssh-ed25519 keys need EdDSA support (net.i2p.crypto:eddsa), which this build lacks; "
                    + "use an ecdsa or rsa key";
        }
        return "unreadable: " + message;
    }
}
