package dev.homefleet.controller.store;

import java.time.Instant;
import java.util.Objects;

/**
 * One dashboard session as stored: the SHA-256 of its id (the id itself only ever travels in the cookie), the role
 * it grants, {@code grant} naming the token it was granted with (so changing that token ends it), its CSRF token,
 * and when it ends unless it is used again.
 */
public record SessionRecord(String idHash, String role, String grant, String csrf, Instant created, Instant expires) {
    public SessionRecord {
        Objects.requireNonNull(idHash, "idHash");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(grant, "grant");
        Objects.requireNonNull(csrf, "csrf");
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(expires, "expires");
    }
}
