package dev.homefleet.bench;

import dev.homefleet.controller.events.EventBus;
import dev.homefleet.controller.events.EventType;
import dev.homefleet.controller.events.FleetEvent;
import dev.homefleet.controller.live.LiveHub;
import dev.homefleet.controller.state.FleetState;
import dev.homefleet.controller.state.StateHolder;
import dev.homefleet.controller.web.ControllerWeb;
import dev.homefleet.controller.web.FleetDocument;
import dev.homefleet.controller.web.Tokens;
import dev.homefleet.core.config.FleetConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;

/**
 * The live feed's fan-out: events published on the controller's {@link EventBus} at a fixed rate, delivered by the
 * real {@link LiveHub} on {@code /ws} to WebSocket clients subscribed to {@code events}. Every client must receive
 * every event, in order; the delay from publish to arrival is measured per message. The baseline, in the same run,
 * is the same rate to one client. The events are not written to SQLite here (the controller's store commits each
 * with synchronous=FULL; the hub is what is measured), and the clients run in this JVM on the same two cores.
 */
final class FanoutBench {
    static final int CLIENTS = 100;
    static final int RATE = 1_000;
    static final Duration LOAD = Duration.ofSeconds(10);
    static final Duration DRAIN = Duration.ofSeconds(30);
    private static final Pattern SEQ = Pattern.compile("\"seq\":(\\d+)");
    private static final Pattern SENT = Pattern.compile("\"sent\":(\\d+)");

    record Run(int clients, long published, long expected, long delivered, long outOfOrder, int dropped,
            double seconds, Samples delay) {}

    record Result(Run baseline, Run fanout) {}

    private final PrintStream progress;

    FanoutBench(PrintStream progress) {
        this.progress = progress;
    }

    Result run(Cleanup cleanup) throws Exception {
        progress.printf("bench: fan-out: %d events/s for %d s to 1 client, then to %d clients%n", RATE,
                LOAD.toSeconds(), CLIENTS);
        Run one = once(1, cleanup);
        Run many = once(CLIENTS, cleanup);
        return new Result(one, many);
    }

    private Run once(int clientCount, Cleanup cleanup) throws Exception {
        FleetConfig config = ApiBench.bigFleet();
        StateHolder state = new StateHolder(FleetState.empty(new FleetState.ConfigStatus("bench", null, true,
                List.of())));
        EventBus bus = new EventBus();
        LiveHub hub = new LiveHub(state, bus, s -> FleetDocument.of(s, config), (m, s, n) -> List.of());
        ControllerWeb web = new ControllerWeb("127.0.0.1", 0, new Tokens(null, null), List.of(hub::register)).start();
        okhttp3.Dispatcher dispatcher = new okhttp3.Dispatcher();
        // A WebSocket holds its call for its whole life; OkHttp allows 64 calls, 5 per host, by default.
        dispatcher.setMaxRequests(clientCount + 8);
        dispatcher.setMaxRequestsPerHost(clientCount + 8);
        OkHttpClient http = new OkHttpClient.Builder().dispatcher(dispatcher).readTimeout(Duration.ZERO).build();
        List<Client> clients = new ArrayList<>();
        try {
            String url = web.url().replace("http://", "ws://") + LiveHub.PATH;
            CountDownLatch subscribed = new CountDownLatch(clientCount);
            for (int i = 0; i < clientCount; i++) {
                clients.add(new Client(http, url, subscribed));
            }
            if (!subscribed.await(30, TimeUnit.SECONDS)) {
                throw new IOException("only " + (clientCount - subscribed.getCount()) + " of " + clientCount
                        + " clients connected and subscribed within 30 s");
            }
            long total = (long) RATE * LOAD.toSeconds();
            long gap = TimeUnit.SECONDS.toNanos(1) / RATE;
            long start = System.nanoTime();
            for (long seq = 0; seq < total; seq++) {
                long due = start + seq * gap;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                bus.publish(FleetEvent.of(EventType.SERVICE_DOWN).service("m001", "svc07")
                        .message("bench event").data("seq", seq).data("sent", System.nanoTime()).build());
            }
            long published = System.nanoTime();
            long deadline = published + DRAIN.toNanos();
            while (System.nanoTime() < deadline && clients.stream().anyMatch(c -> !c.closed
                    && c.received.get() < total)) {
                Thread.sleep(20);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long delivered = clients.stream().mapToLong(c -> c.received.get()).sum();
            long outOfOrder = clients.stream().mapToLong(c -> c.outOfOrder.get()).sum();
            int dropped = (int) clients.stream().filter(c -> c.closed).count();
            Samples delay = Samples.merge(clients.stream().map(c -> c.delay).toList());
            return new Run(clientCount, total, total * clientCount, delivered, outOfOrder, dropped, seconds, delay);
        } finally {
            clients.forEach(c -> c.socket.cancel());
            hub.close();
            web.close();
            http.dispatcher().executorService().shutdown();
            http.connectionPool().evictAll();
        }
    }

    /** A dashboard that follows the event feed: counts what arrives, in what order, after how long. */
    private static final class Client extends WebSocketListener {
        final AtomicLong received = new AtomicLong();
        final AtomicLong outOfOrder = new AtomicLong();
        final Samples delay = new Samples((int) (RATE * LOAD.toSeconds()) + 16);
        final WebSocket socket;
        final CountDownLatch subscribed;
        volatile boolean closed;
        private long lastSeq = -1;

        Client(OkHttpClient http, String url, CountDownLatch subscribed) {
            this.subscribed = subscribed;
            this.socket = http.newWebSocket(new Request.Builder().url(url).build(), this);
        }

        @Override
        public void onOpen(WebSocket webSocket, Response response) {
            webSocket.send("{\"type\":\"subscribe\",\"topics\":[\"events\"]}");
        }

        @Override
        public void onMessage(WebSocket webSocket, String text) {
            long now = System.nanoTime();
            if (text.startsWith("{\"type\":\"subscribed\"")) {
                subscribed.countDown();
                return;
            }
            Matcher m = SEQ.matcher(text);
            Matcher sent = SENT.matcher(text);
            if (!m.find() || !sent.find()) {
                return; // the snapshot, a pong
            }
            long seq = Long.parseLong(m.group(1));
            synchronized (this) {
                if (seq != lastSeq + 1) {
                    outOfOrder.incrementAndGet();
                }
                lastSeq = seq;
                delay.add(now - Long.parseLong(sent.group(1)));
            }
            received.incrementAndGet();
        }

        @Override
        public void onClosing(WebSocket webSocket, int code, String reason) {
            closed = true;
            webSocket.close(1000, null);
        }

        @Override
        public void onFailure(WebSocket webSocket, Throwable t, Response response) {
            closed = true;
        }
    }

    static void report(Report report, Result r) {
        Run f = r.fanout();
        Run b = r.baseline();
        boolean none = f.delivered() == f.expected() && f.outOfOrder() == 0 && f.dropped() == 0;
        report.heading("Live feed: " + RATE + " events/s to " + CLIENTS + " WebSocket clients for " + LOAD.toSeconds()
                        + " s")
                .line("The real hub on `/ws`, clients subscribed to `events` (OkHttp, in this JVM); events are not "
                        + "stored in this section. Baseline: the same rate to one client, in the same run.")
                .blank();
        report.table("clients", "events published", "messages delivered / expected", "out of order", "dropped",
                        "delay p50", "p99", "max")
                .row(b.clients(), b.published(), b.delivered() + " / " + b.expected(), b.outOfOrder(), b.dropped(),
                        Report.millis(b.delay().medianMillis()), Report.millis(b.delay().percentileMillis(99)),
                        Report.millis(b.delay().percentileMillis(100)))
                .row(f.clients(), f.published(), f.delivered() + " / " + f.expected(), f.outOfOrder(), f.dropped(),
                        Report.millis(f.delay().medianMillis()), Report.millis(f.delay().percentileMillis(99)),
                        Report.millis(f.delay().percentileMillis(100)))
                .end();
        report.table("goal", "measured", "verdict")
                .row("none lost, none out of order, no client dropped", f.delivered() + " of " + f.expected(),
                        Report.verdict(none))
                .row("messages/s delivered (the seed reports 150)", Report.number("%.0f", f.delivered() / f.seconds()),
                        Report.verdict(f.delivered() / f.seconds() >= 150))
                .row("p99 delay, " + CLIENTS + " clients / 1 client", Report.ratio(f.delay().percentileMillis(99)
                        / Math.max(0.001, b.delay().percentileMillis(99))), "")
                .end();
    }
}
