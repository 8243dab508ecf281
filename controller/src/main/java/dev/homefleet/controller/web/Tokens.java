package dev.homefleet.controller.web;

import dev.homefleet.core.auth.BearerToken;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * The controller's admin and viewer tokens, compared in constant time ({@link BearerToken}). Never logged, never in
 * an answer.
 */
public final class Tokens {
    /** What a request may do: a viewer reads, an admin also acts. */
    public enum Role {
        VIEWER, ADMIN;

        /** {@code viewer} or {@code admin}, as the API and the store write it. */
        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Optional<Role> parse(String text) {
            for (Role role : values()) {
                if (role.wire().equals(text)) {
                    return Optional.of(role);
                }
            }
            return Optional.empty();
        }
    }

    private final BearerToken admin;
    private final BearerToken viewer;
    private final String adminGrant;
    private final String viewerGrant;

    /** @param admin may be null only for a loopback bind; viewer may be null */
    public Tokens(String admin, String viewer) {
        this.admin = admin == null || admin.isEmpty() ? null : new BearerToken(admin);
        this.viewer = viewer == null || viewer.isEmpty() ? null : new BearerToken(viewer);
        this.adminGrant = grantOf(this.admin == null ? null : admin);
        this.viewerGrant = grantOf(this.viewer == null ? null : viewer);
    }

    public boolean any() {
        return admin != null || viewer != null;
    }

    /** The role an {@code Authorization} header's bearer token grants, if any. Both tokens are always compared. */
    public Optional<Role> roleOf(String authorizationHeader) {
        return BearerToken.fromHeader(authorizationHeader).flatMap(this::roleOfToken);
    }

    /** The role a token (typed into the login form) grants, if any. Both tokens are always compared. */
    public Optional<Role> roleOfToken(String token) {
        if (token == null || token.isEmpty()) {
            return Optional.empty();
        }
        boolean isAdmin = admin != null && admin.matches(token);
        boolean isViewer = viewer != null && viewer.matches(token);
        return isAdmin ? Optional.of(Role.ADMIN) : isViewer ? Optional.of(Role.VIEWER) : Optional.empty();
    }

    /**
     * A short fingerprint of the token that currently grants {@code role} ({@code none} when there is none). A
     * session remembers the one it was granted under, so a changed token ends the sessions made with the old one.
     * It is a truncated hash, not the token: it shows only whether two tokens are the same.
     */
    public String grant(Role role) {
        return role == Role.ADMIN ? adminGrant : viewerGrant;
    }

    static Optional<String> bearer(String header) {
        return BearerToken.fromHeader(header);
    }

    private static String grantOf(String token) {
        if (token == null) {
            return "none";
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(("homefleet-session-grant\0" + token).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
