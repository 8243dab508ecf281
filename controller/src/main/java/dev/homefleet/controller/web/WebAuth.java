package dev.homefleet.controller.web;

import dev.homefleet.controller.store.Store;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

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
    private final List<Consumer<String>> signOutListeners = new CopyOnWriteArrayList<>();

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

    /**
     * Tells {@code listener} of each sign-out, with the {@link #owner} of the session that ended (the live hub closes
     * the sockets it opened).
     */
    public void onSignOut(Consumer<String> listener) {
        signOutListeners.add(listener);
    }

    /** Ends the session with this cookie value, and tells the listeners. */
    void signOut(String sessionId) {
        sessions.drop(sessionId);
        if (sessionId != null && !sessionId.isEmpty()) {
            String owner = owner(sessionId);
            signOutListeners.forEach(listener -> listener.accept(owner));
        }
    }

    /** How a session is named outside the web server: a hash of its cookie, which is a secret. */
    static String owner(String sessionId) {
        return "session:" + Secrets.hash(sessionId);
    }

    String localCsrf() {
        return localCsrf;
    }
}
