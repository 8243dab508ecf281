package dev.homefleet.controller.web;

import dev.homefleet.controller.store.Store;
import java.time.Clock;

/**
 * Everything the controller's web server needs to tell who is asking: the tokens, the sessions they are turned into,
 * the one-time login links, and the limit on failed sign-ins. The daemon makes one and hands the same links to
 * {@code controller.sock}, where {@code fleet login-link} asks for them.
 */
public final class WebAuth {
    private final Tokens tokens;
    private final Sessions sessions;
    private final LoginLinks links;
    private final LoginLimiter limiter;
    private final Clock clock;
    /** The CSRF token of requests from this machine that carry no token (they have no session). */
    private final String localCsrf = Secrets.random();

    public WebAuth(Tokens tokens, Sessions sessions, LoginLinks links, LoginLimiter limiter, Clock clock) {
        this.tokens = tokens;
        this.sessions = sessions;
        this.links = links;
        this.limiter = limiter;
        this.clock = clock;
    }

    /** Sessions in {@code store} (they survive a restart), the standard limit of failed sign-ins. */
    public static WebAuth persistent(Tokens tokens, Store store, Clock clock) {
        return new WebAuth(tokens, Sessions.persistent(store, clock), new LoginLinks(clock),
                LoginLimiter.standard(clock), clock);
    }

    /** Sessions in memory, for a web server without a store. */
    public static WebAuth inMemory(Tokens tokens) {
        Clock clock = Clock.systemUTC();
        return new WebAuth(tokens, Sessions.inMemory(clock), new LoginLinks(clock), LoginLimiter.standard(clock),
                clock);
    }

    public Tokens tokens() {
        return tokens;
    }

    public LoginLinks links() {
        return links;
    }

    Sessions sessions() {
        return sessions;
    }

    public LoginLimiter limiter() {
        return limiter;
    }

    Clock clock() {
        return clock;
    }

    String localCsrf() {
        return localCsrf;
    }
}
