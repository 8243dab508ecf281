package dev.homefleet.controller.web;

import dev.homefleet.controller.checkin.CheckinRoutes;
import dev.homefleet.controller.failover.FailoverEventRoutes;
import dev.homefleet.controller.live.LiveHub;
import dev.homefleet.controller.web.ControllerWeb.Refused;
import dev.homefleet.core.auth.BearerToken;
import dev.homefleet.core.config.Binds;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What every request passes before its handler: who it is from ({@link Principal}: a bearer token, the session
 * cookie, or this machine), whether that may do what it asks (viewers read, admins act), and the defences of a
 * browser's cookie: writes carry the session's CSRF token and come from this server's own origin.
 *
 * <p>"This machine" needs both a loopback remote address and a Host header naming loopback or the bound address: a
 * page on another site that rebinds its DNS name to 127.0.0.1 sends its own name as Host, and gets no free admin.
 */
final class Gate {
    static final String ATTRIBUTE = "homefleet.principal";
    static final String CSRF_HEADER = "X-CSRF-Token";
    /** What a browser may fetch before signing in: the login page's own files. */
    static final Set<String> PUBLIC_EXTENSIONS = Set.of("css", "js", "mjs", "map", "webmanifest", "json", "svg", "png",
            "ico", "jpg", "webp", "woff", "woff2", "txt");
    /** Writes from machines (check-ins, a standby's transitions), which send a token or come from loopback. */
    private static final String CHECKIN_PREFIX = "/api/v1/checkins/";

    private final WebAuth auth;
    private final Predicate<String> localAddress;
    private final String bindHost;

    /**
     * @param localAddress whether a remote address is this machine's
     * @param bindHost     the address the server listens on, a Host header this machine's requests may name
     */
    Gate(WebAuth auth, Predicate<String> localAddress, String bindHost) {
        this.auth = auth;
        this.localAddress = localAddress;
        this.bindHost = bindHost;
    }

    /** The {@code before} handler of every HTTP request. */
    void before(Context ctx) {
        String path = ctx.path();
        boolean reads = reads(ctx);
        if (!reads) {
            limitBody(ctx);
            checkOrigin(ctx);
        }
        if (path.equals("/health") || open(reads, path)) {
            return;
        }
        Optional<Principal> who = identify(ctx);
        if (who.isEmpty()) {
            if (reads && page(path)) {
                String query = ctx.queryString();
                throw new Redirect("/login?next=" + URLEncoder.encode(query == null ? path : path + "?" + query,
                        StandardCharsets.UTF_8));
            }
            ctx.header("WWW-Authenticate", "Bearer");
            throw new Refused(HttpStatus.UNAUTHORIZED, "unauthorized", "sign in at /login, or send Authorization: "
                    + "Bearer TOKEN with the controller's viewer or admin token");
        }
        Principal principal = who.get();
        ctx.attribute(ATTRIBUTE, principal);
        if (reads) {
            return;
        }
        if (!principal.admin()) {
            throw new Refused(HttpStatus.FORBIDDEN, "forbidden", "this needs the admin role; a viewer only reads");
        }
        if (principal.via() != Principal.Via.BEARER && !csrfExempt(path)
                && !Secrets.same(principal.csrf(), ctx.header(CSRF_HEADER))) {
            throw new Refused(HttpStatus.FORBIDDEN, "csrf", "send header " + CSRF_HEADER + " with the csrf value of "
                    + "GET /api/v1/session: a signed-in page and a request from this machine without a token must, "
                    + "so another site cannot act in their name");
        }
    }

    /** The check before a WebSocket upgrade: the same sign-in as a read, and no other site's page. */
    void beforeUpgrade(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin != null && !sameOrigin(origin, ctx.header("Host"))) {
            throw crossOrigin(origin, ctx);
        }
        Principal principal = identify(ctx).orElseThrow(() -> {
            ctx.header("WWW-Authenticate", "Bearer");
            return new Refused(HttpStatus.UNAUTHORIZED, "unauthorized", "sign in at /login first, or send "
                    + "Authorization: Bearer TOKEN with the controller's viewer or admin token");
        });
        ctx.attribute(ATTRIBUTE, principal);
        if (principal.via() == Principal.Via.SESSION) {
            ctx.attribute(LiveHub.OWNER, WebAuth.owner(principal.sessionId()));
        }
    }

    /** Who sent the request, once {@link #before} let it through; null for the open routes. */
    static Principal principal(Context ctx) {
        return ctx.attribute(ATTRIBUTE);
    }

    /**
     * Who the request is from: a bearer token first (a wrong one is refused, and counts as a failed sign-in), then
     * the session cookie, then this machine; empty for nobody known.
     */
    Optional<Principal> identify(Context ctx) {
        String authorization = ctx.header("Authorization");
        if (BearerToken.fromHeader(authorization).isPresent()) {
            String address = Forwarded.clientAddress(ctx);
            refuseWhileLimited(ctx, address);
            Optional<Tokens.Role> role = auth.tokens().roleOf(authorization);
            if (role.isEmpty()) {
                auth.limiter().failed(address);
                ctx.header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
                throw new Refused(HttpStatus.UNAUTHORIZED, "unauthorized", "the bearer token is neither the "
                        + "controller's viewer token nor its admin token");
            }
            return Optional.of(new Principal(role.get(), Principal.Via.BEARER, null, null));
        }
        String cookie = ctx.cookie(Cookies.SESSION);
        if (cookie != null) {
            Optional<Sessions.Found> found = auth.sessions().find(cookie, auth.tokens()::grant);
            if (found.isPresent()) {
                Sessions.Session session = found.get().session();
                if (found.get().extended()) {
                    Cookies.set(ctx, session.id(), auth.sessions().idle());
                }
                return Optional.of(new Principal(session.role(), Principal.Via.SESSION, session.csrf(), session.id()));
            }
        }
        if (local(ctx)) {
            return Optional.of(new Principal(Tokens.Role.ADMIN, Principal.Via.LOOPBACK, auth.localCsrf(), null));
        }
        return Optional.empty();
    }

    /** 429 while the address has used up its failed sign-ins. */
    void refuseWhileLimited(Context ctx, String address) {
        Optional<Duration> wait = auth.limiter().wait(address);
        if (wait.isPresent()) {
            long seconds = Math.max(1, (wait.get().toMillis() + 999) / 1000);
            ctx.header("Retry-After", Long.toString(seconds));
            throw new Refused(HttpStatus.TOO_MANY_REQUESTS, "rate_limited", "too many failed sign-ins from "
                    + address + "; try again in " + seconds + " s");
        }
    }

    /** From this machine: a loopback remote address, and a Host header that names loopback or the bound address. */
    boolean local(Context ctx) {
        return localAddress.test(ctx.req().getRemoteAddr()) && localHost(ctx.header("Host"), bindHost);
    }

    static boolean localHost(String hostHeader, String bindHost) {
        String host = hostOf(hostHeader);
        if (host == null) {
            return false;
        }
        if (host.equals("localhost")) {
            return true;
        }
        if (!Binds.isAddressLiteral(host)) {
            return false;
        }
        return ControllerWeb.isLoopback(host) || (!Binds.isWildcard(bindHost) && host.equalsIgnoreCase(bindHost));
    }

    /** The host of a Host header, lower case, without port or IPv6 brackets; null when there is none. */
    static String hostOf(String hostHeader) {
        if (hostHeader == null || hostHeader.isBlank()) {
            return null;
        }
        String value = hostHeader.strip().toLowerCase(Locale.ROOT);
        if (value.startsWith("[")) {
            int end = value.indexOf(']');
            return end < 0 ? null : value.substring(1, end);
        }
        int colon = value.indexOf(':');
        if (colon >= 0 && value.indexOf(':', colon + 1) >= 0) {
            return value; // a bare IPv6 address
        }
        return colon < 0 ? value : value.substring(0, colon);
    }

    /**
     * A write from a browser must come from a page of this server: its Origin, when it sends one, names the Host it
     * asked, and its Sec-Fetch-Site is not cross-site. Tools (curl, agents) send neither.
     */
    private static void checkOrigin(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin != null ? !sameOrigin(origin, ctx.header("Host")) : "cross-site".equals(ctx.header("Sec-Fetch-Site"))) {
            throw crossOrigin(origin, ctx);
        }
    }

    private static Refused crossOrigin(String origin, Context ctx) {
        return new Refused(HttpStatus.FORBIDDEN, "cross_origin", "a request from another site ("
                + (origin == null ? "Sec-Fetch-Site: cross-site" : "Origin " + abbreviate(origin)) + ") may not "
                + "act on " + abbreviate(String.valueOf(ctx.header("Host"))) + "; use the dashboard on this server");
    }

    static boolean sameOrigin(String origin, String hostHeader) {
        if (hostHeader == null) {
            return false;
        }
        URI uri;
        try {
            uri = new URI(origin.strip());
        } catch (java.net.URISyntaxException e) {
            return false;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            return false;
        }
        int defaultPort = scheme.equals("https") ? 443 : 80;
        int originPort = uri.getPort() < 0 ? defaultPort : uri.getPort();
        String host = hostOf(hostHeader);
        String originHost = uri.getHost().toLowerCase(Locale.ROOT);
        if (originHost.startsWith("[") && originHost.endsWith("]")) {
            originHost = originHost.substring(1, originHost.length() - 1);
        }
        return originHost.equals(host) && originPort == portOf(hostHeader, defaultPort);
    }

    private static int portOf(String hostHeader, int defaultPort) {
        String value = hostHeader.strip();
        int colon = value.startsWith("[") ? value.indexOf(':', value.indexOf(']')) : value.indexOf(':');
        if (colon < 0 || (!value.startsWith("[") && value.indexOf(':', colon + 1) >= 0)) {
            return defaultPort;
        }
        try {
            return Integer.parseInt(value.substring(colon + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Refuses a body over {@link ControllerWeb#MAX_BODY_BYTES} whether or not the handler reads it: a declared
     * length at once, a chunked body by reading it (Javalin stops at the limit).
     */
    private static void limitBody(Context ctx) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > ControllerWeb.MAX_BODY_BYTES) {
            throw new Refused(HttpStatus.CONTENT_TOO_LARGE, "too_large", "request bodies are limited to 64 KiB");
        }
        if (declared < 0 && ctx.header("Transfer-Encoding") != null) {
            ctx.bodyAsBytes();
        }
    }

    private static boolean reads(Context ctx) {
        String method = ctx.method().name();
        return method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS");
    }

    /** Routes anyone may use: signing in and out, and the login page's files. */
    static boolean open(boolean reads, String path) {
        if (path.equals(AuthRoutes.LOGIN) || path.equals(AuthRoutes.LOGOUT)
                || path.startsWith(LoginLinks.PATH) && path.indexOf('/', LoginLinks.PATH.length()) < 0) {
            return true;
        }
        if (!reads || path.startsWith("/api/")) {
            return false;
        }
        int slash = path.lastIndexOf('/');
        int dot = path.lastIndexOf('.');
        return path.equals("/login.html")
                || dot > slash && PUBLIC_EXTENSIONS.contains(path.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /** A page a browser navigates to, sent to the login page when not signed in, rather than an API's 401. */
    static boolean page(String path) {
        return !path.equals("/api") && !path.startsWith("/api/") && !path.equals("/ws") && !path.equals("/metrics");
    }

    /** Writes machines send with a token or from loopback, never from a page: check-ins and failover transitions. */
    static boolean csrfExempt(String path) {
        return path.equals(CheckinRoutes.SEED_PATH) || path.equals(FailoverEventRoutes.PATH)
                || path.startsWith(CHECKIN_PREFIX) && path.length() > CHECKIN_PREFIX.length()
                        && path.indexOf('/', CHECKIN_PREFIX.length()) < 0;
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 80) + "...";
    }

    /** A page request turned to another page (the login page) with 303 See Other. */
    static final class Redirect extends RuntimeException {
        final String location;

        Redirect(String location) {
            super(location, null, false, false);
            this.location = location;
        }
    }
}
