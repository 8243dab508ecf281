package dev.homefleet.bench;

import dev.homefleet.controller.state.FleetState;
import dev.homefleet.controller.state.Health;
import dev.homefleet.controller.state.StateHolder;
import dev.homefleet.controller.store.Store;
import dev.homefleet.controller.web.ControllerWeb;
import dev.homefleet.controller.web.FleetApi;
import dev.homefleet.controller.web.Tokens;
import dev.homefleet.core.config.FleetConfig;
import dev.homefleet.core.config.FleetConfigLoader;
import dev.homefleet.core.config.LoadResult;
import dev.homefleet.core.metrics.MachineMetrics;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/fleet} of a 100-machine, 1,000-service fleet under 64 keep-alive clients, against the same
 * server's {@code GET /health} in the same run: the throughput ratio (goal at least 0.5) and the p99 latency (the
 * seed's dashboard target is 1,000 req/s under 10 ms; the aim is ten times that). The server runs in this JVM with
 * the real routes, store and JSON mapper; the load generator shares the machine's two cores with it.
 */
final class ApiBench {
    static final int MACHINES = 100;
    static final int SERVICES_PER_MACHINE = 10;
    static final int CLIENTS = 64;
    static final Duration WARMUP = Duration.ofSeconds(5);
    static final Duration LOAD = Duration.ofSeconds(10);
    static final double MIN_RATIO = 0.5;

    /** What every browser sends, Safari on an iPhone included. */
    static final String[] BROWSER = {"Accept-Encoding", "gzip, deflate, br"};

    /** The seed's dashboard target: 1,000 req/s at under 10 ms. */
    static final int SEED_RATE = 1_000;

    record Result(int documentBytes, int gzippedBytes, HttpLoad.Figures fleet, HttpLoad.Figures health,
            HttpLoad.Figures paced) {}

    private final PrintStream progress;

    ApiBench(PrintStream progress) {
        this.progress = progress;
    }

    Result run(Path dir, Cleanup cleanup) throws Exception {
        FleetConfig config = bigFleet();
        StateHolder state = new StateHolder(bigState(config));
        Store store = Store.open(dir.resolve("homefleet.db"));
        cleanup.add("bench store", store::close);
        ControllerWeb web = new ControllerWeb("127.0.0.1", 0, new Tokens(null, null),
                List.of(new FleetApi(state::get, () -> config, store, Clock.systemUTC())::register)).start();
        cleanup.add("API server", web::close);
        URI fleet = URI.create(web.url() + "/api/v1/fleet");
        URI health = URI.create(web.url() + "/health");
        int bytes = documentSize(fleet);
        HttpLoad load = new HttpLoad();
        progress.printf("bench: api: %d machines, %d services (document %d bytes); warming up %d s per endpoint, then "
                + "%d clients for %d s each%n", MACHINES, MACHINES * SERVICES_PER_MACHINE, bytes, WARMUP.toSeconds(),
                CLIENTS, LOAD.toSeconds());
        HttpLoad.check(load.run(fleet, CLIENTS, WARMUP, BROWSER), "/api/v1/fleet (warm-up)");
        HttpLoad.check(load.run(health, CLIENTS, WARMUP, BROWSER), "/health (warm-up)");
        HttpLoad.Figures f = HttpLoad.check(load.run(fleet, CLIENTS, LOAD, BROWSER), "/api/v1/fleet");
        HttpLoad.Figures h = HttpLoad.check(load.run(health, CLIENTS, LOAD, BROWSER), "/health");
        HttpLoad.Figures paced = HttpLoad.check(load.run(fleet, CLIENTS, LOAD, SEED_RATE, BROWSER),
                "/api/v1/fleet (paced)");
        return new Result(bytes, gzippedSize(fleet), f, h, paced);
    }

    private static int documentSize(URI uri) throws IOException, InterruptedException {
        var http = java.net.http.HttpClient.newHttpClient();
        return http.send(java.net.http.HttpRequest.newBuilder(uri).build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray()).body().length;
    }

    private static int gzippedSize(URI uri) throws IOException, InterruptedException {
        var http = java.net.http.HttpClient.newHttpClient();
        return http.send(java.net.http.HttpRequest.newBuilder(uri).headers(BROWSER).build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray()).body().length;
    }

    /** 100 machines of 10 HTTP services each, through the real loader, so every default is fleet.yaml's. */
    static FleetConfig bigFleet() {
        StringBuilder yaml = new StringBuilder("version: 1\ncontroller: {machine: m000}\nmachines:\n");
        for (int m = 0; m < MACHINES; m++) {
            yaml.append(String.format("  m%03d:%n    os: linux%n    reach: {via: %s}%n    services:%n", m,
                    m == 0 ? "local" : "none"));
            for (int s = 0; s < SERVICES_PER_MACHINE; s++) {
                int port = 20000 + s;
                yaml.append(String.format("      svc%02d:%n        manager: {type: process, command: [sleep, \"1\"]}%n"
                        + "        port: %d%n        check: {http: \"http://127.0.0.1:%d/health\"}%n", s, port, port));
            }
        }
        LoadResult loaded = new FleetConfigLoader(Map.of()).parse(yaml.toString(), "bench-fleet.yaml");
        if (!loaded.ok()) {
            throw new IllegalStateException("the bench fleet is invalid: " + loaded.errors());
        }
        return loaded.config();
    }

    /** Every machine up with metrics and every service checked, one in ten down: what a busy dashboard shows. */
    static FleetState bigState(FleetConfig config) {
        Instant now = Instant.now();
        FleetState state = FleetState.empty(new FleetState.ConfigStatus("bench-fleet.yaml", now, true, List.of()));
        for (var machine : config.machines().values()) {
            MachineMetrics metrics = new MachineMetrics(now, 23.5, 1.2, 6L << 30, 16L << 30, 1L << 29, 2L << 30,
                    List.of(new MachineMetrics.DiskUsage("/", 200L << 30, 500L << 30)), 412, 86_400);
            FleetState.MachineStatus status = new FleetState.MachineStatus(machine.name(), Health.UP, now, "agent",
                    now, metrics, null, Map.of());
            int i = 0;
            for (var service : machine.services().values()) {
                boolean down = i++ == 7;
                status = status.withService(new FleetState.ServiceStatus(machine.name(), service.name(),
                        down ? Health.DOWN : Health.UP, now, now, down ? "connection refused" : "200 in 3 ms",
                        down ? null : 3L, down ? 3 : 0, down ? 0 : 12, down ? 1 : 0, down ? now : null));
            }
            state = state.withMachine(status);
        }
        return state;
    }

    static void report(Report report, Result r) {
        double ratio = r.fleet().perSecond() / r.health().perSecond();
        double p99 = r.fleet().latency().percentileMillis(99);
        report.heading("Controller API: `GET /api/v1/fleet` of " + MACHINES + " machines and "
                        + MACHINES * SERVICES_PER_MACHINE + " services")
                .line("The document is " + Report.number("%.0f KiB", r.documentBytes() / 1024.0) + " ("
                        + Report.number("%.0f KiB", r.gzippedBytes() / 1024.0) + " gzipped, as sent to a client that "
                        + "accepts gzip, as every browser does; the bench's clients send Accept-Encoding like one); "
                        + CLIENTS + " keep-alive clients for " + LOAD.toSeconds() + " s per endpoint after "
                        + WARMUP.toSeconds() + " s of warm-up; server and load generator in one JVM on the same cores.")
                .blank();
        double pacedP99 = r.paced().latency().percentileMillis(99);
        report.table("endpoint", "load", "req/s", "p50", "p99")
                .row("GET /api/v1/fleet", "as fast as answers come", Report.number("%.0f", r.fleet().perSecond()),
                        Report.millis(r.fleet().latency().medianMillis()), Report.millis(p99))
                .row("GET /health (baseline)", "as fast as answers come",
                        Report.number("%.0f", r.health().perSecond()),
                        Report.millis(r.health().latency().medianMillis()),
                        Report.millis(r.health().latency().percentileMillis(99)))
                .row("GET /api/v1/fleet", "paced at " + SEED_RATE + " req/s", Report.number("%.0f",
                        r.paced().perSecond()), Report.millis(r.paced().latency().medianMillis()),
                        Report.millis(pacedP99))
                .end();
        report.table("goal", "measured", "verdict")
                .row("throughput fleet / health >= " + MIN_RATIO, Report.ratio(ratio), Report.verdict(ratio >= MIN_RATIO))
                .row("seed's target: 1,000 req/s with p99 < 10 ms", Report.number("%.0f req/s", r.paced().perSecond())
                        + ", p99 " + Report.millis(pacedP99), Report.verdict(r.paced().perSecond() >= SEED_RATE * 0.95
                        && pacedP99 < 10))
                .row("ten times the seed's rate: 10,000 req/s", Report.number("%.0f req/s", r.fleet().perSecond())
                        + " at most", Report.verdict(r.fleet().perSecond() >= 10 * SEED_RATE))
                .end();
    }
}
