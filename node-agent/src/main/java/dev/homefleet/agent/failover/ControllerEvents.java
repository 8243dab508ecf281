package dev.homefleet.agent.failover;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.homefleet.agent.api.AgentJson;
import dev.homefleet.core.config.Binds;
import dev.homefleet.core.config.ControllerSpec;
import dev.homefleet.core.config.FleetConfig;
import dev.homefleet.core.config.MachineSpec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the controller about failover transitions, best effort: {@code POST /api/v1/failover/events} with the
 * {@link FailoverEvent} as JSON, from a thread of its own with a short timeout, so the watchdog never waits. The
 * controller often lives on the very machine that failed, so events wait in a small queue and are sent in order once
 * it answers again; when the queue is full the oldest is dropped, with a log line. An answer of 4xx (a wrong token,
 * a failover the controller does not know) will not change by sending again, so that event is dropped and logged.
 */
public final class ControllerEvents implements AutoCloseable {

    public static final String PATH = "/api/v1/failover/events";
    static final int QUEUE_SIZE = 100;
    static final Duration TIMEOUT = Duration.ofSeconds(3);
    static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(60);

    private static final Logger LOG = LoggerFactory.getLogger(ControllerEvents.class);

    private final HttpClient http;
    private final URI endpoint;
    private final String token;
    private final Duration firstBackoff;
    private final ObjectMapper json = AgentJson.mapper();
    private final LinkedBlockingDeque<FailoverEvent> queue = new LinkedBlockingDeque<>();
    private final Thread sender;
    private volatile boolean closed;

    /**
     * @param endpoint the controller's {@code .../api/v1/failover/events}
     * @param token    the controller's admin token, or null (enough when the controller is on loopback)
     */
    public ControllerEvents(URI endpoint, String token) {
        this(HttpClient.newBuilder().connectTimeout(TIMEOUT).build(), endpoint, token, FIRST_BACKOFF);
    }

    ControllerEvents(HttpClient http, URI endpoint, String token, Duration firstBackoff) {
        this.http = http;
        this.endpoint = endpoint;
        this.token = token == null || token.isEmpty() ? null : token;
        this.firstBackoff = firstBackoff;
        this.sender = new Thread(this::sendAll, "homefleet-failover-events");
        sender.setDaemon(true);
        sender.start();
    }

    /**
     * Where {@code self}'s agent reaches the controller: its bind address, 127.0.0.1 from the controller's own
     * machine, or for a controller on every address the machine's LAN, else Tailscale, else mDNS address. Empty
     * when the controller listens on loopback of another machine: it cannot be told, and only the alerts go out;
     * unless fleet.yaml puts that machine on this host (its LAN address is a loopback one, as in {@code fleet demo}).
     */
    public static Optional<URI> endpoint(FleetConfig config, MachineSpec self) {
        ControllerSpec controller = config.controller();
        MachineSpec machine = config.machines().get(controller.machine());
        if (machine == null) {
            return Optional.empty();
        }
        boolean here = machine.name().equals(self.name());
        String bind = Binds.resolve(controller.bind(), machine.addresses()).orElse(null);
        String host;
        if (bind == null || bind.equals(Binds.NONE)) {
            return Optional.empty();
        } else if (here && (Binds.isWildcard(bind) || Binds.isLoopback(bind))) {
            host = Binds.LOOPBACK;
        } else if (Binds.isLoopback(bind)) {
            if (!onThisHost(machine)) {
                return Optional.empty();
            }
            host = bind;
        } else if (Binds.isWildcard(bind)) {
            var a = machine.addresses();
            host = a.lan() != null ? a.lan() : a.tailscale() != null ? a.tailscale() : a.mdns();
            if (host == null) {
                return Optional.empty();
            }
        } else {
            host = bind;
        }
        return Optional.of(URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":"
                + controller.port() + PATH));
    }

    /** A machine whose LAN address is a loopback one is on this host, whatever its name says. */
    private static boolean onThisHost(MachineSpec machine) {
        String lan = machine.addresses().lan();
        return lan != null && Binds.isLoopback(lan);
    }

    public URI endpoint() {
        return endpoint;
    }

    /** Queues the event and returns at once; drops the oldest waiting event when {@value #QUEUE_SIZE} wait. */
    public synchronized void send(FailoverEvent event) {
        if (closed) {
            return;
        }
        if (queue.size() >= QUEUE_SIZE) {
            FailoverEvent dropped = queue.pollFirst();
            if (dropped != null) {
                LOG.warn("the controller at {} has not taken failover events for a while; dropped the oldest "
                        + "({} {} -> {} at {})", endpoint, dropped.failover(), dropped.from(), dropped.to(),
                        dropped.at());
            }
        }
        queue.offerLast(event);
    }

    /** Events not yet taken by the controller. */
    public int waiting() {
        return queue.size();
    }

    private void sendAll() {
        Duration backoff = firstBackoff;
        boolean away = false;
        while (!closed) {
            FailoverEvent event;
            try {
                event = queue.takeFirst();
            } catch (InterruptedException e) {
                return;
            }
            int status;
            String failure = null;
            try {
                status = post(event);
            } catch (IOException e) {
                status = 0;
                failure = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            } catch (InterruptedException e) {
                queue.offerFirst(event);
                return;
            }
            if (status >= 200 && status <= 299) {
                if (away) {
                    LOG.info("the controller at {} takes failover events again", endpoint);
                    away = false;
                }
                backoff = firstBackoff;
                continue;
            }
            if (status >= 400 && status <= 499 && status != 408 && status != 429) {
                LOG.warn("the controller at {} refused a failover event ({} {} -> {}) with {}; dropped it (is "
                        + "the controller's admin token set in the agent's environment, and the same fleet.yaml on "
                        + "both machines?)", endpoint, event.failover(), event.from(), event.to(), status);
                continue;
            }
            queue.offerFirst(event);
            if (!away) {
                LOG.info("the controller at {} does not take failover events ({}); keeping them and trying again",
                        endpoint, failure != null ? failure : "status " + status);
                away = true;
            }
            try {
                TimeUnit.MILLISECONDS.sleep(backoff.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
    }

    private int post(FailoverEvent event) throws IOException, InterruptedException {
        byte[] body;
        try {
            body = json.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a failover event is always JSON", e);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint).timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Override
    public void close() {
        closed = true;
        sender.interrupt();
        try {
            sender.join(TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!queue.isEmpty()) {
            LOG.info("{} failover events were not taken by the controller at {} before the agent stopped",
                    queue.size(), endpoint);
        }
    }
}
