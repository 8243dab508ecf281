package dev.homefleet.controller.ssh;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.Base64;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;

/** Key types and OpenSSH fingerprints, from keys and from the raw key blobs of files (whatever their type). */
final class Fingerprints {
    private Fingerprints() {}

    static String type(PublicKey key) {
        return KeyUtils.getKeyType(key);
    }

    /** The key in OpenSSH's wire encoding, as the base64 part of a known_hosts or .pub line holds it. */
    static byte[] blob(PublicKey key) {
        String entry = PublicKeyEntry.toString(key);
        return Base64.getDecoder().decode(entry.substring(entry.indexOf(' ') + 1).trim());
    }

    static String sha256(PublicKey key) {
        return sha256(blob(key));
    }

    /** {@code SHA256:} and the unpadded base64 of the blob's SHA-256, exactly as {@code ssh-keygen -l} prints. */
    static String sha256(byte[] blob) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(blob);
            return "SHA256:" + new String(Base64.getEncoder().withoutPadding().encode(digest), StandardCharsets.US_ASCII);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }
}
