package dev.homefleet.controller.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.homefleet.controller.web.ControllerWeb;
import dev.homefleet.controller.web.DashboardRoutes;
import dev.homefleet.controller.web.Tokens;
import io.javalin.config.JavalinConfig;
import io.javalin.websocket.WsContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The controller's side of the dashboard's contract (issue 8) played from fixture files behind the real web server
 * (its sign-in, sessions, CSRF and origin checks, with an admin and a viewer token): the fleet
 * document, a machine with 24 h of samples, the port map, events, the act routes (recorded) and a {@code /ws} that
 * sends the snapshot, honours subscribe, unsubscribe and ping, and lets a test push messages. The fixture's times are
 * moved so that its "now" is the real now. It serves what the real controller's parts promise, so the page's own
 * logic (merging deltas, escaping, reconnecting, the log tail) is tested fast and on purpose; the end-to-end tests
 * run the real controller.
 */
final class FixtureController implements AutoCloseable {
    static final String ADMIN = "fixture-admin-5e1c";
    static final String VIEWER = "fixture-viewer-0a7d";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant FIXTURE_NOW = Instant.parse("2025-11-22T10:00:00Z");

    record Act(String path, String csrf) {}

    /** While set, pings go unanswered: a connection that is open but dead. */
    volatile boolean mute;
    final List<Act> acts = new CopyOnWriteArrayList<>();
    final Set<WsContext> sockets = ConcurrentHashMap.newKeySet();
    final Map<WsContext, Set<String>> topics = new ConcurrentHashMap<>();
    final List<String> received = new CopyOnWriteArrayList<>();
    private final Duration shift = Duration.between(FIXTURE_NOW, Instant.now());
    private final ObjectNode fleet = (ObjectNode) shifted(read("fleet.json"));
    private final JsonNode ports = read("ports.json");
    private final JsonNode events = shifted(read("events.json"));
    private final ControllerWeb web;

    FixtureController(int port) throws BindException {
        web = new ControllerWeb("127.0.0.1", port, new Tokens(ADMIN, VIEWER),
                List.of(DashboardRoutes::registerWithLogin, this::register)).start();
    }

    String url() {
        return web.url();
    }

    int port() {
        return web.port();
    }

    /** The CSRF token a page on this machine gets from the server's own {@code GET /api/v1/session}. */
    String localCsrf() throws IOException, InterruptedException {
        var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(url() + "/api/v1/session")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body()).path("csrf").asText();
    }

    ObjectNode fleet() {
        return fleet;
    }

    private void register(JavalinConfig config) {
        config.routes.get("/api/v1/fleet", ctx -> ctx.json(fleet));
        config.routes.get("/api/v1/ports", ctx -> ctx.json(ports));
        config.routes.get("/api/v1/events", ctx -> ctx.json(events));
        config.routes.get("/api/v1/failover", ctx -> {
            ArrayNode transitions = JSON.createArrayNode();
            events.path("events").forEach(e -> {
                if (e.path("type").asText().startsWith("failover.")) {
                    transitions.add(e);
                }
            });
            ObjectNode answer = JSON.createObjectNode();
            answer.set("failover", fleet.path("failover"));
            answer.set("transitions", transitions);
            ctx.json(answer);
        });
        config.routes.get("/api/v1/machines/{m}", ctx -> {
            JsonNode machine = fleet.path("machines").path(ctx.pathParam("m"));
            if (machine.isMissingNode()) {
                ControllerWeb.error(ctx, io.javalin.http.HttpStatus.NOT_FOUND, "not_found", "no machine");
                return;
            }
            ObjectNode answer = ((ObjectNode) machine).deepCopy();
            answer.set("samples", samples(ctx.pathParam("m").hashCode()));
            ctx.json(answer);
        });
        for (String path : List.of("/api/v1/services/{m}/{s}/{action}", "/api/v1/jobs/{name}/run",
                "/api/v1/failover/{name}/{action}", "/api/v1/checkins/{name}/{action}")) {
            config.routes.post(path, ctx -> {
                acts.add(new Act(ctx.path(), ctx.header("X-CSRF-Token")));
                ctx.status(path.contains("jobs") ? 202 : 200).json(Map.of("ok", true));
            });
        }
        config.routes.ws("/ws", ws -> {
            ws.onConnect(ctx -> {
                ctx.session.setIdleTimeout(Duration.ofMinutes(5));
                sockets.add(ctx);
                topics.put(ctx, ConcurrentHashMap.newKeySet());
                send(ctx, "snapshot", fleet);
            });
            ws.onMessage(ctx -> {
                received.add(ctx.message());
                if (mute) {
                    return;
                }
                JsonNode message = JSON.readTree(ctx.message());
                String type = message.path("type").asText();
                Set<String> mine = topics.get(ctx);
                switch (type) {
                    case "ping" -> send(ctx, "pong", JSON.createObjectNode());
                    case "subscribe", "unsubscribe" -> {
                        for (JsonNode t : message.path("topics")) {
                            if (type.equals("subscribe")) {
                                mine.add(t.asText());
                            } else {
                                mine.remove(t.asText());
                            }
                        }
                        send(ctx, "subscribed", JSON.createObjectNode().set("topics", JSON.valueToTree(mine)));
                    }
                    default -> send(ctx, "error", JSON.valueToTree(Map.of("code", "bad_request",
                            "message", "unknown message type " + type)));
                }
            });
            ws.onClose(ctx -> {
                sockets.remove(ctx);
                topics.remove(ctx);
            });
        });
    }

    /** Sends a message to every client subscribed to {@code topic}. */
    void publish(String topic, String type, JsonNode data) {
        for (WsContext ctx : sockets) {
            if (topics.getOrDefault(ctx, Set.of()).contains(topic)) {
                send(ctx, type, data);
            }
        }
    }

    boolean subscribed(String topic) {
        return topics.values().stream().anyMatch(t -> t.contains(topic));
    }

    /** Closes every connection, as a controller going away does. */
    void dropAll() {
        sockets.forEach(ctx -> ctx.closeSession(1001, "going away"));
    }

    private static void send(WsContext ctx, String type, JsonNode data) {
        ObjectNode message = JSON.createObjectNode();
        message.put("type", type);
        message.put("ts", System.currentTimeMillis());
        message.set("data", data);
        ctx.send(message.toString());
    }

    /** 24 h of five-minute samples that wander plausibly. */
    private static ArrayNode samples(int seed) {
        ArrayNode list = JSON.createArrayNode();
        java.util.Random random = new java.util.Random(seed);
        Instant start = Instant.now().minus(Duration.ofHours(24));
        double cpu = 20;
        double memory = 60;
        for (int i = 0; i <= 288; i++) {
            cpu = Math.max(2, Math.min(98, cpu + random.nextGaussian() * 6));
            memory = Math.max(30, Math.min(95, memory + random.nextGaussian() * 1.5));
            ObjectNode sample = list.addObject();
            sample.put("at", start.plus(Duration.ofMinutes(5L * i)).toString());
            sample.put("cpu_percent", cpu);
            sample.put("memory_percent", memory);
            sample.put("swap_percent", 25 + 10 * Math.sin(i / 40.0));
            sample.put("disk_percent", 70 + i / 100.0);
        }
        return list;
    }

    private static JsonNode read(String name) {
        try (InputStream in = FixtureController.class.getResourceAsStream("/dashboard-fixture/" + name)) {
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The fixture with every instant moved so that the fixture's "now" is now. */
    private JsonNode shifted(JsonNode node) {
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                field.setValue(shifted(field.getValue()));
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                ((ArrayNode) node).set(i, shifted(node.get(i)));
            }
        } else if (node.isTextual() && node.asText().matches("\\d{4}-\\d\\d-\\d\\dT.*Z")) {
            return TextNode.valueOf(Instant.parse(node.asText()).plus(shift).toString());
        }
        return node;
    }

    @Override
    public void close() {
        web.close();
    }
}
