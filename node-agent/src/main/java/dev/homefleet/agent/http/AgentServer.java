package dev.homefleet.agent.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.homefleet.agent.api.AgentApi;
import dev.homefleet.agent.api.AgentJson;
import dev.homefleet.agent.api.ApiException;
import dev.homefleet.agent.api.ErrorCode;
import dev.homefleet.agent.api.ErrorEnvelope;
import dev.homefleet.core.auth.BearerToken;
import dev.homefleet.core.config.AgentSpec;
import dev.homefleet.core.config.Binds;
import dev.homefleet.core.config.MachineSpec;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import io.javalin.router.EndpointNotFound;
import io.javalin.util.JavalinBindException;
import java.net.BindException;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.Connector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node agent's JSON API over HTTP (Javalin on Jetty). Every route but {@code GET /v1/health} needs the
 * machine's agent token as {@code Authorization: Bearer TOKEN}; an agent without a token may only listen on
 * loopback. Every failure answers {@code {"error":{"code":"...","message":"..."}}}.
 */
public final class AgentServer implements AutoCloseable {

    public static final int MAX_BODY_BYTES = 64 * 1024;
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(3);
    /** How long stopping waits for idle keep-alive connections (the controller's pool) before closing them. */
    static final Duration IDLE_CLOSE_ON_STOP = Duration.ofMillis(100);
    static final String HEALTH = "/v1/health";

    private static final Logger LOG = LoggerFactory.getLogger(AgentServer.class);

    private final AgentApi api;
    private final String host;
    private final int requestedPort;
    private final Optional<BearerToken> token;
    private final ObjectMapper mapper = AgentJson.mapper();
    private final Javalin app;

    /**
     * @param host  the address to listen on: 127.0.0.1, 0.0.0.0, a LAN or Tailscale address
     * @param port  the port, or 0 for any free one (see {@link #port()})
     * @param token the token clients must present; may be null only when {@code host} is a loopback address
     */
    public AgentServer(AgentApi api, String host, int port, String token) {
        boolean noToken = token == null || token.isEmpty();
        if (noToken && !Binds.isLoopback(host)) {
            throw new IllegalArgumentException("the agent would listen on " + host + ", beyond loopback, without a "
                    + "token; set one or listen on 127.0.0.1");
        }
        this.api = api;
        this.host = host;
        this.requestedPort = port;
        this.token = noToken ? Optional.empty() : Optional.of(new BearerToken(token));
        this.app = Javalin.create(config -> configure(config, host, port));
    }

    /**
     * The server where fleet.yaml puts this machine's agent: its {@code agent.bind} resolved against its addresses
     * (127.0.0.1 without an agent block) and its {@code agent.port}.
     *
     * @throws IllegalArgumentException when the bind names an address the machine does not have, or is beyond
     *                                  loopback and there is no token
     */
    public static AgentServer onMachineBind(AgentApi api, String token) {
        MachineSpec machine = api.machine();
        AgentSpec agent = machine.agent() != null ? machine.agent() : new AgentSpec(null, null, null);
        String address = Binds.resolve(agent.bind(), machine.addresses())
                .filter(a -> !a.equals(Binds.NONE))
                .orElseThrow(() -> new IllegalArgumentException(machine.name() + "'s agent.bind '" + agent.bind()
                        + "' names no address it has"));
        return new AgentServer(api, address, agent.port(), token);
    }

    /** @throws BindException when the address is not this machine's or the port is taken */
    public AgentServer start() throws BindException {
        try {
            app.start();
        } catch (JavalinBindException e) {
            app.stop();
            BindException failure = new BindException("cannot listen on " + host + ":" + requestedPort + ": "
                    + rootMessage(e));
            failure.initCause(e);
            throw failure;
        }
        for (Connector connector : app.jettyServer().server().getConnectors()) {
            if (connector instanceof AbstractConnector c) {
                c.setShutdownIdleTimeout(IDLE_CLOSE_ON_STOP.toMillis());
            }
        }
        return this;
    }

    /** The port it listens on: the real one after {@link #start()}, even when asked for port 0. */
    public int port() {
        return app.port();
    }

    public boolean requiresToken() {
        return token.isPresent();
    }

    /** Where clients reach it, e.g. {@code http://127.0.0.1:8421}. */
    public String url() {
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port();
    }

    /** Stops listening; requests in flight get up to {@link #STOP_TIMEOUT} to finish, idle connections are closed. */
    @Override
    public void close() {
        app.stop();
    }

    private void configure(JavalinConfig config, String host, int port) {
        config.startup.showJavalinBanner = false;
        config.startup.showOldJavalinVersionWarning = false;
        config.jetty.host = host;
        config.jetty.port = port;
        config.jetty.modifyServer(server -> {
            server.setStopTimeout(STOP_TIMEOUT.toMillis());
            server.setErrorHandler(new EnvelopeErrorHandler(mapper));
        });
        config.http.maxRequestSize = MAX_BODY_BYTES;
        config.http.defaultContentType = "application/json";
        config.jsonMapper(new JavalinJackson(mapper, false));

        config.routes.before(this::authenticate);
        config.routes.before(AgentServer::limitBody);

        config.routes.get(HEALTH, ctx -> ctx.json(api.health()));
        config.routes.get("/v1/metrics", ctx -> ctx.json(api.metrics()));
        config.routes.get("/v1/ports", ctx -> ctx.json(api.ports()));
        config.routes.get("/v1/services", ctx -> ctx.json(api.services()));
        config.routes.get("/v1/checks", ctx -> ctx.json(api.checks()));
        config.routes.post("/v1/services/{name}/restart", ctx -> api.restart(ctx.pathParam("name")));
        config.routes.post("/v1/services/{name}/start", ctx -> api.start(ctx.pathParam("name")));
        config.routes.post("/v1/services/{name}/stop", ctx -> api.stop(ctx.pathParam("name")));
        config.routes.get("/v1/services/{name}/logs",
                ctx -> ctx.json(api.logs(ctx.pathParam("name"), lines(ctx.queryParam("lines")))));
        config.routes.get("/v1/failover", ctx -> ctx.json(api.failovers()));
        config.routes.get("/v1/failover/{name}", ctx -> ctx.json(api.failover(ctx.pathParam("name"))));
        config.routes.post("/v1/failover/{name}/{command}",
                ctx -> ctx.json(api.failover(ctx.pathParam("name"), ctx.pathParam("command"))));

        config.routes.exception(ApiException.class, (e, ctx) -> fail(ctx, e.code(), e.getMessage()));
        config.routes.exception(EndpointNotFound.class, (e, ctx) -> fail(ctx, ErrorCode.NOT_FOUND,
                "no such endpoint: " + ctx.method() + " " + abbreviate(ctx.path()) + "; the agent serves /v1/health, "
                        + "/v1/metrics, /v1/ports, /v1/services, /v1/checks, /v1/services/NAME/{restart,start,stop,logs}, "
                        + "/v1/failover and /v1/failover/NAME/{promote,demote,auto}"));
        config.routes.exception(HttpResponseException.class, (e, ctx) -> {
            ErrorCode code = ErrorCode.forStatus(e.getStatus());
            String message = code == ErrorCode.PAYLOAD_TOO_LARGE ? tooLarge() : e.getMessage();
            ctx.status(e.getStatus()).json(ErrorEnvelope.of(code, message));
        });
        config.routes.exception(Exception.class, (e, ctx) -> {
            LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
            fail(ctx, ErrorCode.INTERNAL_ERROR, "the agent failed to answer " + ctx.method() + " " + ctx.path()
                    + " (" + e.getClass().getSimpleName() + "); its log has the details");
        });
    }

    private void authenticate(Context ctx) {
        boolean health = (ctx.method() == HandlerType.GET || ctx.method() == HandlerType.HEAD)
                && (ctx.path().equals(HEALTH) || ctx.path().equals(HEALTH + "/"));
        if (health || token.isEmpty()) {
            return;
        }
        Optional<String> presented = BearerToken.fromHeader(ctx.header("Authorization"));
        if (presented.isEmpty()) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"homefleet-agent\"");
            throw new ApiException(ErrorCode.UNAUTHORIZED, "this agent needs its token: send Authorization: "
                    + "Bearer TOKEN, where TOKEN is the value of " + api.machine().name() + "'s agent.token");
        }
        if (!token.get().matches(presented.get())) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"homefleet-agent\", error=\"invalid_token\"");
            throw new ApiException(ErrorCode.UNAUTHORIZED, "wrong token: it is not the value of "
                    + api.machine().name() + "'s agent.token");
        }
    }

    /**
     * Refuses a body over the limit: a declared length before reading any of it, a chunked body once reading it
     * passes the limit (Javalin stops there and keeps what it read for the handler).
     */
    private static void limitBody(Context ctx) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > MAX_BODY_BYTES) {
            throw new ApiException(ErrorCode.PAYLOAD_TOO_LARGE, tooLarge());
        }
        if (declared < 0 && ctx.header("Transfer-Encoding") != null) {
            ctx.bodyAsBytes();
        }
    }

    private static String tooLarge() {
        return "request bodies are limited to " + MAX_BODY_BYTES / 1024 + " KiB";
    }

    static int lines(String text) {
        if (text == null || text.isBlank()) {
            return AgentApi.DEFAULT_LOG_LINES;
        }
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new ApiException(ErrorCode.BAD_REQUEST, "lines must be a whole number from 1 to "
                    + AgentApi.MAX_LOG_LINES + ", not '" + abbreviate(text) + "'");
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    private static void fail(Context ctx, ErrorCode code, String message) {
        ctx.status(code.status()).json(ErrorEnvelope.of(code, message));
    }
}
