package dev.homefleet.controller.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.homefleet.agent.api.AgentJson;
import dev.homefleet.agent.api.ErrorEnvelope;
import dev.homefleet.agent.api.Health;
import dev.homefleet.agent.api.ServiceCheck;
import dev.homefleet.agent.api.ServiceStatus;
import dev.homefleet.agent.failover.FailoverStatus;
import dev.homefleet.agent.failover.FailoverWatchdog;
import dev.homefleet.core.config.Durations;
import dev.homefleet.core.metrics.ListeningSocket;
import dev.homefleet.core.metrics.MachineMetrics;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.BufferedSource;

/**
 * Talks to one machine's node agent over HTTP: its health, metrics, listening ports and services, as the records
 * the agent sends. Every failure is an {@link AgentCallException} naming the agent's URL and what happened.
 */
public final class AgentClient {

    /** Connect, read (between bytes) and whole-call limits. */
    public record Timeouts(Duration connect, Duration read, Duration call) {}

    public static final Timeouts DEFAULT_TIMEOUTS =
            new Timeouts(Duration.ofSeconds(3), Duration.ofSeconds(5), Duration.ofSeconds(10));
    static final long MAX_ANSWER_BYTES = 4L * 1024 * 1024;

    private static final ObjectMapper JSON = AgentJson.mapper();
    private static final JavaType HEALTH = JSON.constructType(Health.class);
    private static final JavaType METRICS = JSON.constructType(MachineMetrics.class);
    private static final JavaType PORTS =
            JSON.getTypeFactory().constructCollectionType(List.class, ListeningSocket.class);
    private static final JavaType LINES = JSON.getTypeFactory().constructCollectionType(List.class, String.class);
    private static final JavaType SERVICES =
            JSON.getTypeFactory().constructCollectionType(List.class, ServiceStatus.class);
    private static final JavaType CHECKS =
            JSON.getTypeFactory().constructCollectionType(List.class, ServiceCheck.class);
    private static final JavaType FAILOVER = JSON.constructType(FailoverStatus.class);
    private static final JavaType FAILOVERS =
            JSON.getTypeFactory().constructCollectionType(List.class, FailoverStatus.class);

    private final OkHttpClient http;
    private final HttpUrl base;
    private final String token;
    private final Timeouts timeouts;

    public AgentClient(OkHttpClient shared, String baseUrl, String token) {
        this(shared, baseUrl, token, DEFAULT_TIMEOUTS);
    }

    /**
     * @param shared  the controller's one OkHttpClient; this client shares its connections and threads
     * @param baseUrl the agent, e.g. {@code http://10.144.238.117:8421}
     * @param token   the agent's token, or null for an agent without one (loopback only)
     */
    public AgentClient(OkHttpClient shared, String baseUrl, String token, Timeouts timeouts) {
        HttpUrl parsed = HttpUrl.parse(baseUrl);
        if (parsed == null) {
            throw new IllegalArgumentException("'" + baseUrl + "' is not an agent URL; write http://HOST:PORT");
        }
        this.base = parsed.encodedPath().endsWith("/") ? parsed : parsed.newBuilder().addPathSegment("").build();
        this.token = token == null || token.isEmpty() ? null : token;
        this.timeouts = timeouts;
        this.http = shared.newBuilder()
                .connectTimeout(timeouts.connect())
                .readTimeout(timeouts.read())
                .callTimeout(timeouts.call())
                .build();
    }

    public Health health() throws IOException {
        return get("v1/health", HEALTH);
    }

    public MachineMetrics metrics() throws IOException {
        return get("v1/metrics", METRICS);
    }

    public List<ListeningSocket> ports() throws IOException {
        return get("v1/ports", PORTS);
    }

    public List<ServiceStatus> services() throws IOException {
        return get("v1/services", SERVICES);
    }

    /**
     * Runs the check of every service on the agent's machine now and returns the results, one per service that has
     * a check, undebounced. The agent answers once its slowest check is done, so this waits up to the call timeout
     * for the whole answer.
     */
    public List<ServiceCheck> checks() throws IOException {
        return checks(timeouts.call());
    }

    /**
     * As {@link #checks()}, waiting up to {@code wait} for the answer: give the longest check timeout of the machine
     * plus a margin.
     */
    public List<ServiceCheck> checks(Duration wait) throws IOException {
        Timeouts longer = new Timeouts(timeouts.connect(), wait, wait.plus(timeouts.connect()));
        OkHttpClient patient = http.newBuilder().readTimeout(longer.read()).callTimeout(longer.call()).build();
        return get("v1/checks", CHECKS, patient, longer);
    }

    /**
     * Restarts one service through its manager on the agent's machine ({@code POST /v1/services/NAME/restart}),
     * waiting as long as a restart may take (the manager's stop grace and start settle).
     */
    public void restart(String service) throws IOException {
        control(service, "restart");
    }

    /** Starts one service through its manager ({@code POST /v1/services/NAME/start}), waiting as a restart does. */
    public void start(String service) throws IOException {
        control(service, "start");
    }

    /** Stops one service through its manager ({@code POST /v1/services/NAME/stop}), waiting as a restart does. */
    public void stop(String service) throws IOException {
        control(service, "stop");
    }

    private void control(String service, String action) throws IOException {
        Duration wait = Duration.ofSeconds(60);
        Timeouts longer = new Timeouts(timeouts.connect(), wait, wait.plus(timeouts.connect()));
        OkHttpClient patient = http.newBuilder().readTimeout(longer.read()).callTimeout(longer.call()).build();
        HttpUrl url = base.newBuilder().addPathSegment("v1").addPathSegment("services").addPathSegment(service)
                .addPathSegment(action).build();
        call(url, null, patient, longer, true);
    }

    /** The last {@code lines} lines of a service's log, oldest first ({@code GET /v1/services/NAME/logs}). */
    public List<String> logs(String service, int lines) throws IOException {
        HttpUrl url = base.newBuilder().addPathSegment("v1").addPathSegment("services").addPathSegment(service)
                .addPathSegment("logs").addQueryParameter("lines", Integer.toString(lines)).build();
        return call(url, LINES, http, timeouts, false);
    }

    /** Every failover whose standby is the agent's machine ({@code GET /v1/failover}); empty when none. */
    public List<FailoverStatus> failovers() throws IOException {
        return get("v1/failover", FAILOVERS);
    }

    /** One failover whose standby is the agent's machine; a 404 when it is not the standby of that one. */
    public FailoverStatus failover(String name) throws IOException {
        return call(base.newBuilder().addPathSegment("v1").addPathSegment("failover").addPathSegment(name).build(),
                FAILOVER, http, timeouts, false);
    }

    /**
     * {@code promote}, {@code demote} or {@code auto} ({@code POST /v1/failover/NAME/COMMAND}), waiting as long as
     * the takeover or yield actions it starts may take; returns the failover's state after them.
     */
    public FailoverStatus failover(String name, String command) throws IOException {
        Duration wait = FailoverWatchdog.COMMAND_WAIT.plusSeconds(30);
        Timeouts longer = new Timeouts(timeouts.connect(), wait, wait.plus(timeouts.connect()));
        OkHttpClient patient = http.newBuilder().readTimeout(longer.read()).callTimeout(longer.call()).build();
        HttpUrl url = base.newBuilder().addPathSegment("v1").addPathSegment("failover").addPathSegment(name)
                .addPathSegment(command).build();
        return call(url, FAILOVER, patient, longer, true);
    }

    private <T> T get(String path, JavaType type) throws IOException {
        return get(path, type, http, timeouts);
    }

    private <T> T get(String path, JavaType type, OkHttpClient http, Timeouts timeouts) throws IOException {
        return call(base.resolve(path), type, http, timeouts, false);
    }

    private <T> T call(HttpUrl url, JavaType type, OkHttpClient http, Timeouts timeouts, boolean post)
            throws IOException {
        Request.Builder request = new Request.Builder().url(url).header("Accept", "application/json");
        if (post) {
            request.post(okhttp3.RequestBody.Companion.create(new byte[0], null));
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        String agent = "agent at " + url;
        try (Response response = http.newCall(request.build()).execute()) {
            byte[] body = read(response.body(), agent);
            if (!response.isSuccessful()) {
                throw refusal(agent, response, body);
            }
            if (type == null) {
                return null;
            }
            try {
                return JSON.readValue(body, type);
            } catch (JsonProcessingException e) {
                throw notAnAgent(agent, response);
            }
        } catch (AgentCallException e) {
            throw e;
        } catch (ConnectException e) {
            throw new AgentCallException(AgentCallException.Kind.REFUSED, 0, agent + " refused the connection; "
                    + "is the agent running and listening on that address?", e);
        } catch (SocketTimeoutException e) {
            throw new AgentCallException(AgentCallException.Kind.TIMEOUT, 0, agent + " did not answer in time ("
                    + e.getMessage() + "; timeouts: " + limits(timeouts) + ")", e);
        } catch (InterruptedIOException e) {
            throw new AgentCallException(AgentCallException.Kind.TIMEOUT, 0, agent + " did not finish answering "
                    + "within " + Durations.format(timeouts.call()) + " (timeouts: " + limits(timeouts) + ")", e);
        } catch (UnknownHostException e) {
            throw new AgentCallException(AgentCallException.Kind.UNREACHABLE, 0, agent + " cannot be reached: "
                    + "unknown host " + url.host(), e);
        } catch (IOException e) {
            throw new AgentCallException(AgentCallException.Kind.UNREACHABLE, 0, agent + " cannot be reached: "
                    + e.getMessage(), e);
        }
    }

    private static byte[] read(ResponseBody body, String agent) throws IOException {
        BufferedSource source = body.source();
        if (body.contentLength() > MAX_ANSWER_BYTES || source.request(MAX_ANSWER_BYTES + 1)) {
            throw new AgentCallException(AgentCallException.Kind.BAD_ANSWER, 0, agent + " answered more than "
                    + MAX_ANSWER_BYTES / (1024 * 1024) + " MiB; is a homefleet agent listening there?", null);
        }
        return source.readByteArray();
    }

    private static AgentCallException refusal(String agent, Response response, byte[] body) {
        ErrorEnvelope envelope;
        try {
            envelope = JSON.readValue(body, ErrorEnvelope.class);
        } catch (IOException e) {
            envelope = null;
        }
        if (envelope == null || envelope.error() == null) {
            return notAnAgent(agent, response);
        }
        String says = envelope.error().code() + ": " + envelope.error().message();
        if (response.code() == 401) {
            return new AgentCallException(AgentCallException.Kind.UNAUTHORIZED, 401, agent + " answered 401 ("
                    + says + "); check the agent token: the controller's value of the machine's agent.token must "
                    + "be the one the agent was started with", null);
        }
        return new AgentCallException(AgentCallException.Kind.ERROR, response.code(), agent + " answered "
                + response.code() + " (" + says + ")", null);
    }

    private static AgentCallException notAnAgent(String agent, Response response) {
        String type = response.header("Content-Type", "no content type");
        return new AgentCallException(AgentCallException.Kind.BAD_ANSWER, response.code(), agent + " answered "
                + response.code() + " with something that is not the agent's JSON (" + type + "); is a homefleet "
                + "agent listening there?", null);
    }

    private static String limits(Timeouts timeouts) {
        return "connect " + Durations.format(timeouts.connect()) + ", read " + Durations.format(timeouts.read())
                + ", call " + Durations.format(timeouts.call());
    }
}
