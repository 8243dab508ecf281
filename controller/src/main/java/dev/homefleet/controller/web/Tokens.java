package dev.homefleet.controller.web;

import dev.homefleet.core.auth.BearerToken;
import java.util.Optional;

/**
 * The controller's admin and viewer tokens, compared in constant time ({@link BearerToken}). Never logged, never in
 * an answer.
 */
public final class Tokens {
    public enum Role { VIEWER, ADMIN }

    private final BearerToken admin;
    private final BearerToken viewer;

    /** @param admin may be null only for a loopback bind; viewer may be null */
    public Tokens(String admin, String viewer) {
        this.admin = admin == null || admin.isEmpty() ? null : new BearerToken(admin);
        this.viewer = viewer == null || viewer.isEmpty() ? null : new BearerToken(viewer);
    }

    public boolean any() {
        return admin != null || viewer != null;
    }

    /** The role an {@code Authorization} header's bearer token grants, if any. Both tokens are always compared. */
    public Optional<Role> roleOf(String authorizationHeader) {
        Optional<String> token = BearerToken.fromHeader(authorizationHeader);
        if (token.isEmpty()) {
            return Optional.empty();
        }
        boolean isAdmin = admin != null && admin.matches(token.get());
        boolean isViewer = viewer != null && viewer.matches(token.get());
        return isAdmin ? Optional.of(Role.ADMIN) : isViewer ? Optional.of(Role.VIEWER) : Optional.empty();
    }

    static Optional<String> bearer(String header) {
        return BearerToken.fromHeader(header);
    }
}
