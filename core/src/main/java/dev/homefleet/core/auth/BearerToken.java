package dev.homefleet.core.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Optional;

/**
 * A bearer token (the agent's, the controller's admin and viewer), compared in constant time: both sides are hashed
 * first so neither the content nor the length of the real token shows in how long a wrong guess takes.
 */
public final class BearerToken {

    private static final String SCHEME = "bearer";

    private final byte[] digest;

    public BearerToken(String token) {
        if (token == null || token.isEmpty()) {
            throw new IllegalArgumentException("a bearer token cannot be empty");
        }
        this.digest = sha256(token);
    }

    public boolean matches(String presented) {
        return MessageDigest.isEqual(digest, sha256(presented));
    }

    /** The token of an {@code Authorization: Bearer TOKEN} header; empty when absent or another scheme. */
    public static Optional<String> fromHeader(String header) {
        if (header == null) {
            return Optional.empty();
        }
        String value = header.strip();
        int space = value.indexOf(' ');
        if (space < 0 || !value.substring(0, space).toLowerCase(Locale.ROOT).equals(SCHEME)) {
            return Optional.empty();
        }
        String token = value.substring(space + 1).strip();
        return token.isEmpty() ? Optional.empty() : Optional.of(token);
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
