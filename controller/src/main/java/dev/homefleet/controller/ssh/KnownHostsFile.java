package dev.homefleet.controller.ssh;

import dev.homefleet.controller.ssh.HostKeyCheck.KnownKey;
import dev.homefleet.controller.ssh.HostKeyCheck.Status;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntry;

/**
 * An OpenSSH known_hosts file: what it says about one host's key, and writing a key into it. Lines are matched as
 * OpenSSH matches them (patterns, {@code [host]:port}, hashed names); new lines are written unhashed.
 */
public final class KnownHostsFile {

    private final Path file;

    public KnownHostsFile(Path file) {
        this.file = file;
    }

    public Path path() {
        return file;
    }

    /** Compares the key {@code target} presented with what this file lists for the target's host. */
    public HostKeyCheck check(SshTarget target, PublicKey presented) throws IOException {
        String type = Fingerprints.type(presented);
        byte[] blob = Fingerprints.blob(presented);
        List<KnownKey> sameType = new ArrayList<>();
        List<KnownKey> otherTypes = new ArrayList<>();
        List<KnownKey> revoked = new ArrayList<>();
        boolean trusted = false;
        List<String> lines = read();
        for (int i = 0; i < lines.size(); i++) {
            KnownHostEntry entry = parse(lines.get(i));
            if (entry == null || !entry.isHostMatch(target.hostName(), target.port())) {
                continue;
            }
            AuthorizedKeyEntry key = entry.getKeyEntry();
            KnownKey known = new KnownKey(i + 1, key.getKeyType(), Fingerprints.sha256(key.getKeyData()));
            boolean same = key.getKeyType().equals(type) && Arrays.equals(key.getKeyData(), blob);
            if ("revoked".equalsIgnoreCase(entry.getMarker())) {
                if (same) {
                    revoked.add(known);
                }
            } else if (entry.getMarker() != null) {
                continue; // @cert-authority: host certificates are not used by homefleet
            } else if (same) {
                trusted = true;
            } else if (key.getKeyType().equals(type)) {
                sameType.add(known);
            } else {
                otherTypes.add(known);
            }
        }
        if (!revoked.isEmpty()) {
            return new HostKeyCheck(target, presented, Status.REVOKED, revoked, otherTypes);
        }
        if (trusted) {
            return new HostKeyCheck(target, presented, Status.TRUSTED, List.of(), otherTypes);
        }
        return new HostKeyCheck(target, presented, sameType.isEmpty() ? Status.UNKNOWN : Status.CHANGED, sameType,
                otherTypes);
    }

    /** Appends {@code key} for the target's host, creating ~/.ssh and the file when missing. */
    void add(SshTarget target, PublicKey key) throws IOException {
        createParent();
        String line = line(target, key);
        String prefix = Files.isRegularFile(file) && Files.size(file) > 0 && !endsWithNewline() ? "\n" : "";
        Files.writeString(file, prefix + line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    /**
     * Writes {@code key} in place of the host's keys of the same type (every other line stays as it was), through a
     * temporary file moved over the old one so a reader never sees half a file.
     */
    void replace(SshTarget target, PublicKey key) throws IOException {
        createParent();
        String type = Fingerprints.type(key);
        List<String> kept = new ArrayList<>();
        for (String line : read()) {
            KnownHostEntry entry = parse(line);
            boolean drop = entry != null && entry.getMarker() == null
                    && entry.isHostMatch(target.hostName(), target.port())
                    && entry.getKeyEntry().getKeyType().equals(type);
            if (!drop) {
                kept.add(line);
            }
        }
        kept.add(line(target, key));
        Path temp = Files.createTempFile(file.getParent(), ".known_hosts", ".tmp");
        try {
            Files.write(temp, kept, StandardCharsets.UTF_8);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** {@code [host]:port type base64}, the line OpenSSH itself would add (without hashing). */
    static String line(SshTarget target, PublicKey key) {
        return target.hostId() + " " + PublicKeyEntry.toString(key);
    }

    private List<String> read() throws IOException {
        return Files.isRegularFile(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
    }

    private boolean endsWithNewline() throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        return bytes.length == 0 || bytes[bytes.length - 1] == '\n';
    }

    private void createParent() throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (Files.isDirectory(dir)) {
            return;
        }
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } else {
            Files.createDirectories(dir);
        }
    }

    /** A line's entry; null for blank lines, comments and lines this parser cannot read (they are kept as they are). */
    private static KnownHostEntry parse(String line) {
        String trimmed = line.trim();
        if (trimmed.isEmpty() || trimmed.startsWith("#")) {
            return null;
        }
        try {
            KnownHostEntry entry = KnownHostEntry.parseKnownHostEntry(trimmed);
            return entry == null || entry.getKeyEntry() == null ? null : entry;
        } catch (RuntimeException e) {
            return null;
        }
    }
}
