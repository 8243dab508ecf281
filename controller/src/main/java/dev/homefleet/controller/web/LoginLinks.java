package dev.homefleet.controller.web;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One-time login links ({@code fleet login-link}): a random 256-bit code, good for one sign-in within
 * {@link #LIFETIME}, so a phone can be signed in without typing a token. Kept in memory (hashed): a restart of the
 * controller voids the open links, which only means asking for a new one.
 */
public final class LoginLinks {
    public static final Duration LIFETIME = Duration.ofMinutes(10);
    public static final String PATH = "/login/link/";
    /** Open links at most; the oldest goes first. */
    static final int MAX_OPEN = 100;

    /** A link made: its code (in the path {@code /login/link/CODE}), the role it signs in as and when it ends. */
    public record Link(String code, Tokens.Role role, Instant expires) {
        public String path() {
            return PATH + code;
        }
    }

    private record Open(Tokens.Role role, Instant expires) {}

    private final Clock clock;
    private final Map<String, Open> open = new LinkedHashMap<>();

    public LoginLinks(Clock clock) {
        this.clock = clock;
    }

    public synchronized Link create(Tokens.Role role) {
        Instant now = clock.instant();
        open.values().removeIf(o -> !o.expires().isAfter(now));
        while (open.size() >= MAX_OPEN) {
            open.remove(open.keySet().iterator().next());
        }
        String code = Secrets.random();
        Instant expires = now.plus(LIFETIME);
        open.put(Secrets.hash(code), new Open(role, expires));
        return new Link(code, role, expires);
    }

    /** The role a link would sign in as, without using it up (a page may be fetched by a link preview). */
    synchronized Optional<Tokens.Role> peek(String code) {
        return valid(code, false);
    }

    /** Uses the link up: the role it signs in as, once. */
    synchronized Optional<Tokens.Role> use(String code) {
        return valid(code, true);
    }

    private Optional<Tokens.Role> valid(String code, boolean remove) {
        if (code == null || code.isEmpty() || code.length() > 128) {
            return Optional.empty();
        }
        String hash = Secrets.hash(code);
        Open link = open.get(hash);
        if (link == null) {
            return Optional.empty();
        }
        if (!link.expires().isAfter(clock.instant())) {
            open.remove(hash);
            return Optional.empty();
        }
        if (remove) {
            open.remove(hash);
        }
        return Optional.of(link.role());
    }
}
