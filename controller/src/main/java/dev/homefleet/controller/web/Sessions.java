package dev.homefleet.controller.web;

import dev.homefleet.controller.store.SessionRecord;
import dev.homefleet.controller.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Dashboard sessions: a random 256-bit id in the {@code homefleet_session} cookie, kept only as its hash. A session
 * ends {@link #DEFAULT_IDLE} after it was last used (sliding), when its token changes, or at logout. Kept in the
 * controller's store, so restarting the controller does not sign the phone out.
 */
public final class Sessions {
    public static final Duration DEFAULT_IDLE = Duration.ofDays(30);
    /** A session's end moves at most this often, so reading the dashboard is not a write per request. */
    static final Duration EXTEND_EVERY = Duration.ofHours(1);

    /** A live session; {@code id} is the cookie's value. */
    public record Session(String id, Tokens.Role role, String csrf, Instant expires) {}

    /** Where sessions are kept. */
    interface Backing {
        void save(SessionRecord session);

        Optional<SessionRecord> find(String idHash);

        void extend(String idHash, Instant expires);

        void delete(String idHash);

        void deleteExpired(Instant now);
    }

    private final Backing backing;
    private final Clock clock;
    private final Duration idle;

    Sessions(Backing backing, Clock clock, Duration idle) {
        if (idle.isNegative() || idle.isZero()) {
            throw new IllegalArgumentException("a session must last a while, not " + idle);
        }
        this.backing = backing;
        this.clock = clock;
        this.idle = idle;
    }

    /** Sessions in {@code store}'s {@code sessions} table, surviving a restart. */
    public static Sessions persistent(Store store, Clock clock) {
        return new Sessions(new Backing() {
            @Override
            public void save(SessionRecord session) {
                store.saveSession(session);
            }

            @Override
            public Optional<SessionRecord> find(String idHash) {
                return store.session(idHash);
            }

            @Override
            public void extend(String idHash, Instant expires) {
                store.extendSession(idHash, expires);
            }

            @Override
            public void delete(String idHash) {
                store.deleteSession(idHash);
            }

            @Override
            public void deleteExpired(Instant now) {
                store.deleteExpiredSessions(now);
            }
        }, clock, DEFAULT_IDLE);
    }

    /** Sessions in memory, gone at a restart: for a web server without a store. */
    public static Sessions inMemory(Clock clock) {
        Map<String, SessionRecord> rows = new ConcurrentHashMap<>();
        return new Sessions(new Backing() {
            @Override
            public void save(SessionRecord session) {
                rows.put(session.idHash(), session);
            }

            @Override
            public Optional<SessionRecord> find(String idHash) {
                return Optional.ofNullable(rows.get(idHash));
            }

            @Override
            public void extend(String idHash, Instant expires) {
                rows.computeIfPresent(idHash, (k, r) -> new SessionRecord(r.idHash(), r.role(), r.grant(), r.csrf(),
                        r.created(), expires));
            }

            @Override
            public void delete(String idHash) {
                rows.remove(idHash);
            }

            @Override
            public void deleteExpired(Instant now) {
                rows.values().removeIf(r -> !r.expires().isAfter(now));
            }
        }, clock, DEFAULT_IDLE);
    }

    Duration idle() {
        return idle;
    }

    /** A new session for {@code role}, granted under the token whose fingerprint is {@code grant}. */
    Session create(Tokens.Role role, String grant) {
        Instant now = clock.instant();
        backing.deleteExpired(now);
        String id = Secrets.random();
        String csrf = Secrets.random();
        Instant expires = now.plus(idle);
        backing.save(new SessionRecord(Secrets.hash(id), role.wire(), grant, csrf, now, expires));
        return new Session(id, role, csrf, expires);
    }

    /**
     * The live session with this cookie value, its end moved on when it was last moved over {@link #EXTEND_EVERY}
     * ago (then {@code extended} is true and the cookie should be sent again); empty when there is none, it ended,
     * or the token it was granted under changed ({@code grants} gives the current fingerprint of a role's token).
     */
    Optional<Found> find(String id, java.util.function.Function<Tokens.Role, String> grants) {
        if (id == null || id.isEmpty() || id.length() > 128) {
            return Optional.empty();
        }
        String hash = Secrets.hash(id);
        Optional<SessionRecord> row = backing.find(hash);
        if (row.isEmpty()) {
            return Optional.empty();
        }
        SessionRecord r = row.get();
        Instant now = clock.instant();
        Optional<Tokens.Role> role = Tokens.Role.parse(r.role());
        if (role.isEmpty() || !r.expires().isAfter(now) || !r.grant().equals(grants.apply(role.get()))) {
            backing.delete(hash);
            return Optional.empty();
        }
        Instant expires = r.expires();
        boolean extended = false;
        if (now.plus(idle).isAfter(expires.plus(EXTEND_EVERY))) {
            expires = now.plus(idle);
            backing.extend(hash, expires);
            extended = true;
        }
        return Optional.of(new Found(new Session(id, role.get(), r.csrf(), expires), extended));
    }

    /** Ends the session with this cookie value, if there is one. */
    void drop(String id) {
        if (id != null && !id.isEmpty() && id.length() <= 128) {
            backing.delete(Secrets.hash(id));
        }
    }

    record Found(Session session, boolean extended) {}
}
