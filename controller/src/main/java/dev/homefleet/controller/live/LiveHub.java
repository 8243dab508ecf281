package dev.homefleet.controller.live;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.homefleet.controller.events.EventBus;
import dev.homefleet.controller.events.FleetEvent;
import dev.homefleet.controller.state.FleetState;
import dev.homefleet.controller.state.StateHolder;
import dev.homefleet.core.metrics.MachineMetrics;
import io.javalin.config.JavalinConfig;
import io.javalin.websocket.WsConnectContext;
import io.javalin.websocket.WsContext;
import io.javalin.websocket.WsMessageContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard's live feed at {@code /ws}: a snapshot of the fleet document on connect, then what the client
 * subscribed to ({@code state} deltas, {@code events}, {@code failover}, {@code metrics}, {@code logs:M/S} tails).
 * Publishing never waits on a socket: each client has a bounded queue with one send in flight, and a client whose
 * queue fills is closed with 1008 "too slow" so that one phone on a bad network cannot hold up the others or the
 * event bus.
 */
public final class LiveHub implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LiveHub.class);

    public static final String PATH = "/ws";
    /**
     * The upgrade request's attribute that says which sign-in opens the socket (set by the web server's check before
     * the upgrade), so that {@link #signedOut} can close it.
     */
    public static final String OWNER = "homefleet.live.owner";
    /** The close code of a socket whose sign-in ended (4000-4999 are the application's). */
    public static final int SIGNED_OUT = 4401;
    /** A close that does not get through (the client stopped reading) is cut after this long. */
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(2);
    private static final long MAX_INCOMING_CHARS = 64 * 1024;
    private static final int MAX_LOG_TOPICS = 8;
    private static final String TOPICS = "state, events, failover, metrics and logs:MACHINE/SERVICE";

    /**
     * @param queueCapacity messages a client may have waiting before it is dropped; the messages themselves are
     *                      shared by all clients, so a full queue costs about 8 bytes a message
     * @param linger        how long a message may wait for the ones after it, so that a burst goes out in a few
     *                      socket writes rather than one per message
     * @param coalesce      the least time between two state deltas
     * @param logPoll       how often a subscribed log is read
     * @param logLines      the lines a new log subscriber gets
     * @param logWindow     the lines each log poll reads, to find the new ones among
     * @param ping          how often WebSocket ping frames go out
     * @param idleTimeout   a connection with no traffic for this long is closed
     */
    public record Settings(int queueCapacity, Duration linger, Duration coalesce, Duration logPoll, int logLines,
            int logWindow, Duration ping, Duration idleTimeout) {
        public Settings {
            if (queueCapacity < 1) {
                throw new IllegalArgumentException("queueCapacity must be at least 1, was " + queueCapacity);
            }
            if (logLines > logWindow) {
                throw new IllegalArgumentException("logLines (" + logLines + ") cannot exceed logWindow ("
                        + logWindow + ")");
            }
        }

        /** Four seconds of 1,000 events a second per client; 10 ms linger; a delta at most every 200 ms. */
        public static Settings defaults() {
            return new Settings(4_096, Duration.ofMillis(10), Duration.ofMillis(200), Duration.ofSeconds(2), 50, 200,
                    Duration.ofSeconds(15), Duration.ofSeconds(60));
        }

        public Settings withQueueCapacity(int value) {
            return new Settings(value, linger, coalesce, logPoll, logLines, logWindow, ping, idleTimeout);
        }

        public Settings withLinger(Duration value) {
            return new Settings(queueCapacity, value, coalesce, logPoll, logLines, logWindow, ping, idleTimeout);
        }

        public Settings withCoalesce(Duration value) {
            return new Settings(queueCapacity, linger, value, logPoll, logLines, logWindow, ping, idleTimeout);
        }

        public Settings withLogPoll(Duration value) {
            return new Settings(queueCapacity, linger, coalesce, value, logLines, logWindow, ping, idleTimeout);
        }

        public Settings withPing(Duration value) {
            return new Settings(queueCapacity, linger, coalesce, logPoll, logLines, logWindow, value, idleTimeout);
        }
    }

    private final StateHolder state;
    private final Function<FleetState, JsonNode> document;
    private final LogSource logs;
    private final Settings settings;
    private final Map<String, Client> clients = new ConcurrentHashMap<>();
    private final Map<String, LogPoller> pollers = new HashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(daemon("live-hub"));
    private final ScheduledExecutorService logPolls = Executors.newScheduledThreadPool(2, daemon("live-logs"));
    /** Does the clients' socket writes, so that publishers only queue; a client has at most one task here. */
    private final ScheduledExecutorService senders = Executors.newScheduledThreadPool(
            Math.max(2, Runtime.getRuntime().availableProcessors()), daemon("live-send"));
    private final AtomicBoolean tickPending = new AtomicBoolean();
    private volatile boolean stopped;
    private volatile long lastTickNanos = System.nanoTime() - TimeUnit.DAYS.toNanos(1);

    // Guarded by this: the document the clients' views are at, and its snapshot message.
    private FleetState lastState;
    private JsonNode lastDocument;
    private long version;
    private String snapshot;

    /**
     * Subscribes to the bus and to state changes at once.
     *
     * @param document builds the fleet document (the same as {@code GET /api/v1/fleet}) from a snapshot
     * @param logs     reads a service's log for the {@code logs:} topics
     */
    public LiveHub(StateHolder state, EventBus bus, Function<FleetState, JsonNode> document, LogSource logs,
            Settings settings) {
        this.state = state;
        this.document = document;
        this.logs = logs;
        this.settings = settings;
        bus.subscribe("websocket hub", this::publish);
        state.onChange((before, after) -> stateChanged());
    }

    public LiveHub(StateHolder state, EventBus bus, Function<FleetState, JsonNode> document, LogSource logs) {
        this(state, bus, document, logs, Settings.defaults());
    }

    /**
     * Adds {@code /ws}, and turns off the permessage-deflate extension for the server's WebSockets. Authentication
     * is the web server's before-upgrade filter, not the hub's.
     */
    public void register(JavalinConfig config) {
        // Compression would give every client its own deflater: some 300 KB each, and the CPU of compressing
        // every message once per client instead of serializing it once for all. The messages are small.
        config.jetty.modifyWebSocketServletFactory(factory -> factory.getAvailableExtensionNames()
                .remove("permessage-deflate"));
        config.routes.ws(PATH, ws -> {
            ws.onConnect(this::connected);
            ws.onMessage(this::received);
            ws.onClose(this::gone);
            ws.onError(this::gone);
        });
    }

    /**
     * Closes the sockets a sign-in opened, when it ends (logout): a page elsewhere with the same session reconnects,
     * is refused, and goes to the login page, rather than streaming on until it reconnects by itself.
     *
     * @param owner what the upgrade request's {@link #OWNER} attribute was
     * @return how many sockets were closed
     */
    public int signedOut(String owner) {
        int closed = 0;
        for (Client client : clients.values()) {
            if (owner != null && owner.equals(client.owner) && client.close(SIGNED_OUT, "signed out")) {
                clients.remove(client.id, client);
                forget(client);
                schedule(client::disconnect, CLOSE_GRACE.toMillis());
                closed++;
            }
        }
        return closed;
    }

    /** How many clients are connected. */
    public int clients() {
        return clients.size();
    }

    // ---- connections ----

    private void connected(WsConnectContext ctx) {
        if (stopped) {
            ctx.closeSession(1001, "the controller is stopping");
            return;
        }
        ctx.session.setIdleTimeout(settings.idleTimeout());
        ctx.session.setMaxTextMessageSize(MAX_INCOMING_CHARS);
        ctx.enableAutomaticPings(settings.ping().toMillis(), TimeUnit.MILLISECONDS);
        Object owner = ctx.attribute(OWNER);
        Client client = new Client(ctx.sessionId(), owner == null ? null : owner.toString(), ctx.session,
                settings.queueCapacity(), senders,
                settings.linger(), this::broken);
        clients.put(client.id, client);
        synchronized (this) {
            deliver(client, snapshot());
            client.documentVersion = version;
        }
    }

    private void gone(WsContext ctx) {
        ctx.disableAutomaticPings();
        Client client = clients.remove(ctx.sessionId());
        if (client != null) {
            client.closed();
            forget(client);
        }
    }

    private void broken(Client client, Throwable why) {
        log.debug("WebSocket client {} is gone: {}", client.remote, why.toString());
        if (clients.remove(client.id, client)) {
            forget(client);
        }
    }

    /** Queues a message for a client, and drops the client if its queue is full. */
    private void deliver(Client client, String message) {
        if (!client.offer(message)) {
            tooSlow(client);
        }
    }

    private void tooSlow(Client client) {
        if (client.close(1008, "too slow")) {
            clients.remove(client.id, client);
            forget(client);
            log.info("dropped WebSocket client {}: {} messages were waiting for it (too slow)", client.remote,
                    settings.queueCapacity());
            schedule(client::disconnect, CLOSE_GRACE.toMillis());
        }
    }

    /** Stops the log tails nobody else reads. */
    private void forget(Client client) {
        for (String topic : client.topics) {
            if (topic.startsWith("logs:")) {
                stopTail(client, topic.substring("logs:".length()));
            }
        }
    }

    // ---- messages from clients ----

    private void received(WsMessageContext ctx) {
        Client client = clients.get(ctx.sessionId());
        if (client == null) {
            return;
        }
        JsonNode message;
        try {
            message = LiveJson.MAPPER.readTree(ctx.message());
        } catch (JsonProcessingException e) {
            badRequest(client, "a message is a JSON object such as {\"type\":\"subscribe\",\"topics\":[\"state\"]}; "
                    + "this one is not JSON: " + e.getOriginalMessage());
            return;
        }
        String type = message != null && message.isObject() ? message.path("type").asText("") : "";
        switch (type) {
            case "ping" -> deliver(client, LiveJson.message("pong", System.currentTimeMillis(), null));
            case "subscribe", "unsubscribe" -> {
                JsonNode topics = message.get("topics");
                if (topics == null || !topics.isArray()) {
                    badRequest(client, type + " needs \"topics\", a list such as [\"state\",\"events\"]");
                    return;
                }
                List<String> names = new ArrayList<>();
                topics.forEach(t -> names.add(t.asText()));
                if (type.equals("subscribe")) {
                    subscribe(client, names);
                } else {
                    unsubscribe(client, names);
                }
            }
            default -> badRequest(client, (type.isEmpty() ? "a message needs a \"type\""
                    : "unknown message type '" + abbreviate(type) + "'") + "; send subscribe, unsubscribe or ping");
        }
    }

    private void subscribe(Client client, List<String> topics) {
        List<String> problems = new ArrayList<>();
        for (String topic : topics) {
            String problem = check(topic, true);
            if (problem == null && topic.startsWith("logs:") && !client.topics.contains(topic)
                    && client.topics.stream().filter(t -> t.startsWith("logs:")).count() >= MAX_LOG_TOPICS) {
                problem = "at most " + MAX_LOG_TOPICS + " logs: topics per connection; unsubscribe one first";
            }
            if (problem != null) {
                problems.add(problem);
            } else if (topic.equals("state")) {
                synchronized (this) {
                    // A view that missed deltas while not subscribed starts again from the current snapshot.
                    if (client.topics.add(topic) && client.documentVersion != version) {
                        deliver(client, snapshot());
                        client.documentVersion = version;
                    }
                }
            } else if (client.topics.add(topic) && topic.startsWith("logs:")) {
                startTail(client, topic.substring("logs:".length()));
            }
        }
        answer(client, problems);
    }

    private void unsubscribe(Client client, List<String> topics) {
        List<String> problems = new ArrayList<>();
        for (String topic : topics) {
            String problem = check(topic, false);
            if (problem != null) {
                problems.add(problem);
            } else if (client.topics.remove(topic) && topic.startsWith("logs:")) {
                stopTail(client, topic.substring("logs:".length()));
            }
        }
        answer(client, problems);
    }

    private void answer(Client client, List<String> problems) {
        if (!problems.isEmpty()) {
            badRequest(client, String.join("; ", problems));
        }
        ObjectNode data = LiveJson.MAPPER.createObjectNode();
        data.set("topics", LiveJson.MAPPER.valueToTree(new TreeSet<>(client.topics)));
        deliver(client, LiveJson.message("subscribed", System.currentTimeMillis(), data));
    }

    /** Why a topic cannot be subscribed, or null; {@code exists}: a log's service must be in the fleet. */
    private String check(String topic, boolean exists) {
        switch (topic) {
            case "state", "events", "failover", "metrics" -> {
                return null;
            }
            default -> {
                if (!topic.startsWith("logs:")) {
                    return "unknown topic '" + abbreviate(topic) + "'; the topics are " + TOPICS;
                }
                String target = topic.substring("logs:".length());
                int slash = target.indexOf('/');
                if (slash <= 0 || slash == target.length() - 1) {
                    return "'" + abbreviate(topic) + "' names no service; write logs:MACHINE/SERVICE";
                }
                if (!exists) {
                    return null;
                }
                FleetState.MachineStatus machine = state.get().machines().get(target.substring(0, slash));
                if (machine == null || !machine.services().containsKey(target.substring(slash + 1))) {
                    return "no service " + abbreviate(target) + " in the fleet to tail";
                }
                return null;
            }
        }
    }

    private void badRequest(Client client, String message) {
        deliver(client, LiveJson.message("error", System.currentTimeMillis(), LiveJson.error("bad_request", message)));
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 80) + "...";
    }

    // ---- log tails ----

    private void startTail(Client client, String target) {
        LogPoller poller;
        synchronized (pollers) {
            poller = pollers.get(target);
            if (poller == null) {
                int slash = target.indexOf('/');
                poller = new LogPoller(target.substring(0, slash), target.substring(slash + 1), logs,
                        settings.logWindow(), settings.logLines(), this::deliver);
                LogPoller p = poller;
                long every = settings.logPoll().toMillis();
                poller.scheduled(logPolls.scheduleWithFixedDelay(() -> pollQuietly(p), every, every,
                        TimeUnit.MILLISECONDS));
                pollers.put(target, poller);
            }
            poller.add(client);
        }
        if (!clients.containsKey(client.id)) {
            stopTail(client, target); // dropped meanwhile, perhaps after forget() had run
            return;
        }
        LogPoller now = poller;
        logPolls.execute(() -> pollQuietly(now));
    }

    private void stopTail(Client client, String target) {
        synchronized (pollers) {
            LogPoller poller = pollers.get(target);
            if (poller != null && poller.remove(client)) {
                poller.stop();
                pollers.remove(target);
            }
        }
    }

    /** How many logs are being tailed (one poller per target, however many read it). */
    public int tails() {
        synchronized (pollers) {
            return pollers.size();
        }
    }

    private void pollQuietly(LogPoller poller) {
        try {
            poller.poll();
        } catch (RuntimeException e) {
            log.warn("tailing {} failed: {}", poller.target, e.toString());
        }
    }

    // ---- publishing ----

    /** From the event bus: one message per event to {@code events}, failover events also to {@code failover}. */
    private void publish(FleetEvent event) {
        if (stopped) {
            return;
        }
        boolean failover = event.type().wire().startsWith("failover.");
        String message = null;
        for (Client client : clients.values()) {
            if (client.topics.contains("events") || failover && client.topics.contains("failover")) {
                if (message == null) {
                    message = LiveJson.message(event.type().wire(), event.ts().toEpochMilli(), LiveJson.event(event));
                }
                deliver(client, message);
            }
        }
    }

    /** On the changing thread: only makes sure a tick is coming, no sooner than {@code coalesce} after the last. */
    private void stateChanged() {
        if (stopped || !tickPending.compareAndSet(false, true)) {
            return;
        }
        long wait = lastTickNanos + settings.coalesce().toNanos() - System.nanoTime();
        schedule(this::tick, Math.max(0, TimeUnit.NANOSECONDS.toMillis(wait)));
    }

    private void tick() {
        lastTickNanos = System.nanoTime();
        tickPending.set(false);
        try {
            sendChanges();
        } catch (RuntimeException e) {
            log.warn("cannot send the fleet's changes to WebSocket clients: {}", e.toString());
        }
    }

    private synchronized void sendChanges() {
        if (clients.isEmpty()) {
            // Nobody's view to keep: the next client gets a fresh snapshot.
            lastState = null;
            lastDocument = null;
            snapshot = null;
            return;
        }
        FleetState now = state.get();
        if (lastDocument == null || now == lastState) {
            return;
        }
        FleetState before = lastState;
        JsonNode next = document.apply(now);
        ObjectNode delta = DocumentDiff.diff(lastDocument, next);
        lastState = now;
        lastDocument = next;
        snapshot = null;
        version++;
        long ts = System.currentTimeMillis();
        if (!delta.isEmpty()) {
            String message = LiveJson.message("delta", ts, delta);
            for (Client client : clients.values()) {
                if (client.topics.contains("state")) {
                    deliver(client, message);
                    client.documentVersion = version;
                }
            }
        }
        if (clients.values().stream().anyMatch(c -> c.topics.contains("metrics"))) {
            for (FleetState.MachineStatus machine : now.machines().values()) {
                FleetState.MachineStatus old = before.machines().get(machine.name());
                MachineMetrics metrics = machine.metrics();
                if (metrics != null && !Objects.equals(metrics, old == null ? null : old.metrics())) {
                    ObjectNode data = LiveJson.MAPPER.createObjectNode();
                    data.put("machine", machine.name());
                    data.set("metrics", LiveJson.MAPPER.valueToTree(metrics));
                    String message = LiveJson.message("metrics", ts, data);
                    clients.values().stream().filter(c -> c.topics.contains("metrics"))
                            .forEach(c -> deliver(c, message));
                }
            }
        }
    }

    /** The snapshot message of the document the clients are at, built now if nobody was connected. */
    private synchronized String snapshot() {
        if (lastDocument == null) {
            lastState = state.get();
            lastDocument = document.apply(lastState);
            version++;
        }
        if (snapshot == null) {
            snapshot = LiveJson.message("snapshot", System.currentTimeMillis(), lastDocument);
        }
        return snapshot;
    }

    private void schedule(Runnable task, long delayMillis) {
        try {
            timer.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // stopping
        }
    }

    /** Says goodbye to every client (1001) and stops the timers and log tails. */
    @Override
    public void close() {
        stopped = true;
        timer.shutdownNow();
        logPolls.shutdownNow();
        for (Client client : clients.values()) {
            client.close(1001, "the controller is stopping");
        }
        senders.shutdown();
        clients.clear();
        synchronized (pollers) {
            pollers.values().forEach(LogPoller::stop);
            pollers.clear();
        }
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
