package dev.homefleet.controller.ssh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;

/** Key pairs for tests: files made by OpenSSH's own ssh-keygen, and in-memory ones for servers. */
public final class TestKeys {
    private TestKeys() {}

    /** {@code dir/name} (private) and {@code dir/name.pub}, made by ssh-keygen without a passphrase. */
    public static Path sshKeygen(Path dir, String name, String type) throws IOException, InterruptedException {
        return sshKeygen(dir, name, type, "");
    }

    static Path sshKeygen(Path dir, String name, String type, String passphrase)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path file = dir.resolve(name);
        Process p = new ProcessBuilder("ssh-keygen", "-q", "-t", type, "-N", passphrase, "-C", name, "-f",
                file.toString())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("ssh-keygen failed: " + output);
        }
        return file;
    }

    public static PublicKey publicKeyOf(Path privateKey) throws IOException, GeneralSecurityException {
        String line = Files.readString(Path.of(privateKey + ".pub")).trim();
        return PublicKeyEntry.parsePublicKeyEntry(line).resolvePublicKey(null, java.util.Map.of(), PublicKeyEntryResolver.FAILING);
    }

    static KeyPair ec() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        return generator.generateKeyPair();
    }

    static KeyPair rsa() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }
}
