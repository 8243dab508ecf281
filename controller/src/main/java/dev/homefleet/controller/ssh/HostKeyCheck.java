package dev.homefleet.controller.ssh;

import java.security.PublicKey;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What known_hosts says about the key a server presented.
 *
 * @param conflicting for {@link Status#CHANGED}, the host's known keys of the same type; for
 *                    {@link Status#REVOKED}, the {@code @revoked} lines
 * @param otherTypes  the host's known keys of other types (OpenSSH learns several, this client may use another)
 */
public record HostKeyCheck(SshTarget target, PublicKey presented, Status status, List<KnownKey> conflicting,
        List<KnownKey> otherTypes) {

    public enum Status {
        /** known_hosts has this very key for the host. */
        TRUSTED,
        /** known_hosts has no key of this type for the host. */
        UNKNOWN,
        /** known_hosts has a different key of this type for the host: a reinstall, or someone in between. */
        CHANGED,
        /** known_hosts marks this key {@code @revoked}. */
        REVOKED
    }

    /** A key known_hosts lists for the host, and on which line. */
    public record KnownKey(int line, String type, String fingerprint) {
        @Override
        public String toString() {
            return type + " " + fingerprint + " (line " + line + ")";
        }
    }

    public HostKeyCheck {
        conflicting = List.copyOf(conflicting);
        otherTypes = List.copyOf(otherTypes);
    }

    public String keyType() {
        return Fingerprints.type(presented);
    }

    /** OpenSSH's {@code SHA256:...}, as {@code ssh-keygen -lf} prints it. */
    public String fingerprint() {
        return Fingerprints.sha256(presented);
    }

    /** {@code macmini (felipemacmini@host:22) presents the ecdsa-sha2-nistp256 host key SHA256:...}. */
    public String summary() {
        return target.machine() + " (" + target.address() + ") presents the " + keyType() + " host key "
                + fingerprint();
    }

    /** Why a connection with this key was refused, and what to do about it. */
    public String refusal() {
        String file = target.knownHosts().toString();
        String machine = target.machine();
        String lead = target.describe() + ": host key refused: ";
        return switch (status) {
            case TRUSTED -> target.describe() + ": the host key " + fingerprint() + " is trusted";
            case UNKNOWN -> lead + keyType() + " key " + fingerprint() + " of " + target.hostId() + " is not in "
                    + file + otherTypesNote() + ". Check it on the machine (ssh-keygen -lf on its host key), "
                    + "then trust it with: fleet ssh trust " + machine;
            case CHANGED -> lead + "the " + keyType() + " key of " + target.hostId() + " HAS CHANGED: the server "
                    + "presented " + fingerprint() + ", " + file + " has " + list(conflicting) + ". Someone may be "
                    + "intercepting the connection, or the machine was reinstalled. If you are sure the new key is "
                    + "right, replace it with: fleet ssh trust " + machine + " --replace";
            case REVOKED -> lead + "the " + keyType() + " key " + fingerprint() + " of " + target.hostId()
                    + " is marked @revoked in " + file + " " + list(conflicting) + "; remove that line yourself "
                    + "only if the key may be trusted again";
        };
    }

    private String otherTypesNote() {
        if (otherTypes.isEmpty()) {
            return "";
        }
        return " (it lists only other key types for this host: " + list(otherTypes) + ")";
    }

    private static String list(List<KnownKey> keys) {
        return keys.stream().map(KnownKey::toString).collect(Collectors.joining(", "));
    }
}
