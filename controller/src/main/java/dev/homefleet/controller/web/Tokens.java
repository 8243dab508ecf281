package dev.homefleet.controller.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Optional;

/**
 * The controller's admin and viewer tokens, compared in constant time (both sides hashed first, so neither the
 * content nor the length of a token shows in how long a wrong guess takes). Never logged, never in an answer.
 */
public final class Tokens {
    public enum Role { VIEWER, ADMIN }

    private final byte[] admin;
    private final byte[] viewer;

    /** @param admin may be null only for a loopback bind; viewer may be null */
    public Tokens(String admin, String viewer) {
        this.admin = admin == null || admin.isEmpty() ? null : sha256(admin);
        this.viewer = viewer == null || viewer.isEmpty() ? null : sha256(viewer);
    }

    public boolean any() {
        return admin != null || viewer != null;
    }

    /** The role an {@code Authorization} header's bearer token grants, if any. */
    public Optional<Role> roleOf(String authorizationHeader) {
        Optional<String> token = bearer(authorizationHeader);
        if (token.isEmpty()) {
            return Optional.empty();
        }
        byte[] presented = sha256(token.get());
        boolean isAdmin = admin != null && MessageDigest.isEqual(admin, presented);
        boolean isViewer = viewer != null && MessageDigest.isEqual(viewer, presented);
        return isAdmin ? Optional.of(Role.ADMIN) : isViewer ? Optional.of(Role.VIEWER) : Optional.empty();
    }

    static Optional<String> bearer(String header) {
        if (header == null) {
            return Optional.empty();
        }
        String value = header.strip();
        int space = value.indexOf(' ');
        if (space < 0 || !value.substring(0, space).toLowerCase(Locale.ROOT).equals("bearer")) {
            return Optional.empty();
        }
        String token = value.substring(space + 1).strip();
        return token.isEmpty() ? Optional.empty() : Optional.of(token);
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }
}
