package dev.homefleet.controller.web;

import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.net.BindException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller's HTTP server: {@code GET /health} for launchd and load balancers, signing in ({@link AuthRoutes}),
 * {@code /api/v1/openapi.json}, and the routes other parts register (the API, the dashboard's files, check-ins,
 * actions, the WebSocket). Every request passes the {@link Gate} first: a request from this machine needs no token;
 * one from anywhere else needs a bearer token or a session cookie, the viewer's to read and the admin's to act, and
 * a cookie's writes carry its CSRF token. Errors are {@code {"error":{"code":...,"message":...}}}, unknown routes and
 * failing handlers included; a page asked for without signing in goes to the login page.
 */
public final class ControllerWeb implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ControllerWeb.class);
    public static final int MAX_BODY_BYTES = 64 * 1024;
    public static final String OPENAPI = "/api/v1/openapi.json";

    /** One registered route: an HTTP method (GET for a WebSocket) and a path as declared, e.g. {@code /api/v1/jobs/{name}/run}. */
    public record Route(String method, String path) implements Comparable<Route> {
        @Override
        public int compareTo(Route other) {
            int byPath = path.compareTo(other.path);
            return byPath != 0 ? byPath : method.compareTo(other.method);
        }

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    private final Javalin app;
    private final WebAuth auth;
    private final String host;
    private final int requestedPort;
    private final Integer checkinPort;
    private ServerConnector main;

    public ControllerWeb(String host, int port, Tokens tokens, List<Consumer<JavalinConfig>> routes) {
        this(host, port, null, WebAuth.inMemory(tokens), routes, ControllerWeb::isLoopback);
    }

    /**
     * @param checkinPort a second listener on 127.0.0.1 ({@code controller.checkin_port}), or null; being
     *                    loopback, it needs no token
     */
    public ControllerWeb(String host, int port, Integer checkinPort, Tokens tokens,
            List<Consumer<JavalinConfig>> routes) {
        this(host, port, checkinPort, WebAuth.inMemory(tokens), routes, ControllerWeb::isLoopback);
    }

    /** @param auth the tokens, sessions and login links; the daemon's keeps sessions in its store */
    public ControllerWeb(String host, int port, Integer checkinPort, WebAuth auth,
            List<Consumer<JavalinConfig>> routes) {
        this(host, port, checkinPort, auth, routes, ControllerWeb::isLoopback);
    }

    /**
     * @param local whether a request from this remote address is from this machine and needs no token; tests
     *              that can only send from 127.0.0.1 pass one that says no, to see what the LAN sees
     */
    ControllerWeb(String host, int port, Tokens tokens, List<Consumer<JavalinConfig>> routes,
            Predicate<String> local) {
        this(host, port, null, WebAuth.inMemory(tokens), routes, local);
    }

    ControllerWeb(String host, int port, Integer checkinPort, WebAuth auth, List<Consumer<JavalinConfig>> routes,
            Predicate<String> local) {
        this.auth = auth;
        this.host = host;
        this.requestedPort = port;
        this.checkinPort = checkinPort;
        Gate gate = new Gate(auth, local, host);
        byte[] openapi = openapi();
        this.app = Javalin.create(config -> {
            config.jetty.host = host;
            config.jetty.port = port;
            if (checkinPort != null) {
                // Javalin adds no connector of its own once one is given, so both are ours.
                config.jetty.addConnector((server, http) -> main = connector(server, http, host, port));
                config.jetty.addConnector((server, http) -> connector(server, http, "127.0.0.1", checkinPort));
            }
            config.http.maxRequestSize = MAX_BODY_BYTES;
            config.http.defaultContentType = "application/json";
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.jetty.modifyServer(server -> server.setStopTimeout(2_000));
            config.jsonMapper(new io.javalin.json.JavalinJackson(dev.homefleet.core.config.FleetJson.json()
                    .disable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT), false));
            config.routes.before(ctx -> {
                // No page of this server is shown inside another site's frame (a restart button under a decoy).
                ctx.header("X-Frame-Options", "DENY");
                ctx.header("X-Content-Type-Options", "nosniff");
                ctx.header("Referrer-Policy", "same-origin");
                gate.before(ctx);
            });
            config.routes.wsBeforeUpgrade(gate::beforeUpgrade);
            config.routes.get("/health", ctx -> ctx.json(Map.of("status", "ok")));
            config.routes.get(OPENAPI, ctx -> ctx.contentType("application/json").result(openapi));
            new AuthRoutes(auth, gate).register(config);
            routes.forEach(r -> r.accept(config));
            config.routes.exception(Gate.Redirect.class, (e, ctx) -> ctx.redirect(e.location, HttpStatus.SEE_OTHER));
            config.routes.exception(Refused.class, (e, ctx) -> error(ctx, e.status, e.code, e.getMessage()));
            config.routes.exception(io.javalin.router.EndpointNotFound.class, (e, ctx) -> error(ctx,
                    HttpStatus.NOT_FOUND, "not_found", "no route " + ctx.method() + " " + abbreviate(ctx.path())));
            config.routes.exception(io.javalin.http.HttpResponseException.class, (e, ctx) -> error(ctx,
                    HttpStatus.forStatus(e.getStatus()), e.getStatus() == 413 ? "too_large" : "bad_request",
                    e.getStatus() == 413 ? "request bodies are limited to 64 KiB" : e.getMessage()));
            config.routes.exception(Exception.class, (e, ctx) -> {
                // A login link's path is its secret: the log names the route, never the code.
                String path = ctx.path().startsWith(LoginLinks.PATH) ? AuthRoutes.LINK : abbreviate(ctx.path());
                log.error("{} {} failed", ctx.method(), path, e);
                String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                error(ctx, HttpStatus.INTERNAL_SERVER_ERROR, "internal", ctx.method() + " " + path
                        + " failed: " + why + "; the controller's log has the details");
            });
        });
    }

    /** The tokens, sessions and login links this server signs in with. */
    public WebAuth auth() {
        return auth;
    }

    /**
     * Every route registered, HTTP and WebSocket, sorted: what {@code /api/v1/openapi.json} must describe, and what
     * the auth matrix test walks.
     */
    public List<Route> routes() {
        var router = app.unsafe.internalRouter;
        java.util.SortedSet<Route> all = new java.util.TreeSet<>();
        router.allHttpHandlers().stream().map(p -> p.endpoint).filter(e -> e.method.isHttpMethod())
                .forEach(e -> all.add(new Route(e.method.name(), e.path)));
        router.allWsHandlers().stream().filter(w -> w.getType() == io.javalin.websocket.WsHandlerType.WEBSOCKET)
                .forEach(w -> all.add(new Route("GET", w.getPath())));
        return List.copyOf(all);
    }

    private static byte[] openapi() {
        try (java.io.InputStream in = ControllerWeb.class.getResourceAsStream("/openapi.json")) {
            if (in == null) {
                throw new IllegalStateException("openapi.json is missing from the controller's jar; rebuild it");
            }
            return in.readAllBytes();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read openapi.json from the controller's jar", e);
        }
    }

    public ControllerWeb start() throws BindException {
        try {
            app.start();
        } catch (RuntimeException e) {
            Throwable cause = e;
            while (cause != null && !(cause instanceof BindException)) {
                cause = cause.getCause();
            }
            if (cause != null) {
                BindException bind = new BindException("cannot listen on " + host + ":" + requestedPort
                        + (checkinPort == null ? "" : " and 127.0.0.1:" + checkinPort) + ": " + cause.getMessage()
                        + "; is another controller (fleet status) or the old service on that port still running?");
                bind.initCause(e);
                throw bind;
            }
            throw e;
        }
        return this;
    }

    public int port() {
        return main != null ? main.getLocalPort() : app.port();
    }

    private static ServerConnector connector(org.eclipse.jetty.server.Server server,
            org.eclipse.jetty.server.HttpConfiguration http, String host, int port) {
        ServerConnector connector = new ServerConnector(server, new org.eclipse.jetty.server.HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        return connector;
    }

    public String url() {
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port();
    }

    private static String abbreviate(String path) {
        return path.length() <= 120 ? path : path.substring(0, 120) + "...";
    }

    static boolean isLoopback(String address) {
        try {
            return address != null && InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** A request turned away before its handler, answered in the error envelope. */
    static final class Refused extends RuntimeException {
        final HttpStatus status;
        final String code;

        Refused(HttpStatus status, String code, String message) {
            super(message, null, false, false);
            this.status = status;
            this.code = code;
        }
    }

    public static void error(Context ctx, HttpStatus status, String code, String message) {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("code", code);
        inner.put("message", message);
        ctx.status(status).json(Map.of("error", inner));
    }

    @Override
    public void close() {
        app.stop();
    }
}
