package dev.homefleet.controller.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.homefleet.agent.failover.FailoverEvent;
import dev.homefleet.agent.failover.FailoverMode;
import dev.homefleet.agent.failover.FailoverState;
import dev.homefleet.controller.events.EventBus;
import dev.homefleet.controller.events.EventType;
import dev.homefleet.controller.events.FleetEvent;
import dev.homefleet.controller.state.FleetState;
import dev.homefleet.controller.state.FleetState.CheckinStatus;
import dev.homefleet.controller.state.FleetState.ConfigStatus;
import dev.homefleet.controller.state.FleetState.JobStatus;
import dev.homefleet.controller.state.FleetState.MachineStatus;
import dev.homefleet.controller.state.FleetState.ServiceStatus;
import dev.homefleet.controller.state.Health;
import dev.homefleet.controller.state.StateHolder;
import io.javalin.Javalin;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** /metrics on a real Javalin server, scraped over HTTP and parsed as Prometheus would. */
class FleetMetricsTest {

    private static final Instant NOW = Instant.parse("2025-03-01T10:00:00Z");
    private static final OkHttpClient HTTP = new OkHttpClient.Builder()
            .connectionPool(new ConnectionPool(0, 1, TimeUnit.SECONDS)).build();

    private final EventBus bus = new EventBus();
    private final StateHolder state = new StateHolder(fleet());
    private final AtomicLong outbox = new AtomicLong();
    private Javalin app;

    @BeforeEach
    void start() {
        FleetMetrics metrics = new FleetMetrics(state, bus, outbox::get, Clock.fixed(NOW, ZoneOffset.UTC));
        app = Javalin.create(config -> {
            config.jetty.host = "127.0.0.1";
            config.jetty.port = 0;
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            metrics.register(config);
        }).start();
    }

    @AfterEach
    void stop() {
        app.stop();
    }

    @AfterAll
    static void releaseThreads() {
        HTTP.dispatcher().executorService().shutdown();
    }

    private static ServiceStatus service(String machine, String name, Health health, Long latency) {
        return new ServiceStatus(machine, name, health, NOW, NOW, "", latency, 0, 1, 2, null);
    }

    private static FleetState fleet() {
        return FleetState.empty(new ConfigStatus("/home/felipe/fleet.yaml", NOW, true, null))
                .withMachine(new MachineStatus("macbook", Health.UP, NOW, "local", NOW, null, null, null)
                        .withService(service("macbook", "gateway", Health.UP, 12L)))
                .withMachine(new MachineStatus("macmini", Health.DOWN, NOW, null, null, null, "no route", null)
                        .withService(service("macmini", "aphos-server-prod", Health.UNKNOWN, null)));
    }

    private Response get() throws IOException {
        return HTTP.newCall(new Request.Builder().url("http://127.0.0.1:" + app.port() + FleetMetrics.PATH).build())
                .execute();
    }

    /** The samples of a scrape: {@code name{labels}} -> value. */
    private Map<String, Double> scrape() throws IOException {
        try (Response response = get()) {
            assertThat(response.code()).isEqualTo(200);
            Map<String, Double> samples = new LinkedHashMap<>();
            for (String line : response.body().string().split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                int space = line.lastIndexOf(' ');
                samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
            }
            return samples;
        }
    }

    @Test
    void the_scrape_is_prometheus_text_with_its_content_type() throws IOException {
        try (Response response = get()) {
            assertThat(response.header("Content-Type")).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
            assertThat(response.body().string()).contains("# TYPE homefleet_service_up gauge",
                    "# HELP homefleet_service_up 1 when the service's check passes",
                    "# TYPE homefleet_events_total counter");
        }
    }

    @Test
    void machines_and_services_are_up_or_not_and_a_service_going_down_shows_at_the_next_scrape() throws IOException {
        Map<String, Double> before = scrape();
        assertThat(before).containsEntry("homefleet_machine_up{machine=\"macbook\"}", 1.0)
                .containsEntry("homefleet_machine_up{machine=\"macmini\"}", 0.0)
                .containsEntry("homefleet_service_up{machine=\"macbook\",service=\"gateway\"}", 1.0)
                .containsEntry("homefleet_service_up{machine=\"macmini\",service=\"aphos-server-prod\"}", 0.0)
                .containsEntry("homefleet_service_probe_latency_seconds{machine=\"macbook\",service=\"gateway\"}",
                        0.012)
                .containsEntry("homefleet_service_restarts_in_window{machine=\"macbook\",service=\"gateway\"}", 2.0);

        state.update(s -> s.withMachine(s.machines().get("macbook")
                .withService(service("macbook", "gateway", Health.DOWN, 3_000L))));

        assertThat(scrape()).containsEntry("homefleet_service_up{machine=\"macbook\",service=\"gateway\"}", 0.0)
                .containsEntry("homefleet_service_probe_latency_seconds{machine=\"macbook\",service=\"gateway\"}",
                        3.0);
    }

    @Test
    void events_are_counted_by_type_and_restarts_by_service() throws IOException {
        assertThat(scrape()).containsEntry("homefleet_events_total{type=\"service.down\"}", 0.0);

        bus.publish(FleetEvent.of(EventType.SERVICE_DOWN).service("macbook", "gateway").build());
        bus.publish(FleetEvent.of(EventType.SERVICE_RESTARTED).service("macbook", "gateway").build());
        bus.publish(FleetEvent.of(EventType.SERVICE_RESTARTED).service("macbook", "gateway").build());

        assertThat(scrape()).containsEntry("homefleet_events_total{type=\"service.down\"}", 1.0)
                .containsEntry("homefleet_events_total{type=\"service.restarted\"}", 2.0)
                .containsEntry("homefleet_service_restarts_total{machine=\"macbook\",service=\"gateway\"}", 2.0);
    }

    @Test
    void a_finished_job_run_is_observed_with_its_duration_and_outcome() throws IOException {
        Instant start = NOW.minusSeconds(3);
        state.update(s -> s.withJob(new JobStatus("healer", "every 1m", start, null, "running", null, null)));
        state.update(s -> s.withJob(new JobStatus("healer", "every 1m", start, NOW, "failed", "ssh timed out", null)));
        state.update(s -> s.withJob(new JobStatus("healer", "every 1m", start, NOW, "failed", "ssh timed out",
                NOW.plusSeconds(60))));

        Map<String, Double> samples = scrape();
        assertThat(samples).containsEntry("homefleet_job_duration_seconds_count{job=\"healer\",outcome=\"failed\"}", 1.0)
                .containsEntry("homefleet_job_duration_seconds_sum{job=\"healer\",outcome=\"failed\"}", 3.0)
                .containsEntry("homefleet_job_duration_seconds_bucket{job=\"healer\",outcome=\"failed\",le=\"5.0\"}",
                        1.0)
                .containsEntry("homefleet_job_duration_seconds_bucket{job=\"healer\",outcome=\"failed\",le=\"2.5\"}",
                        0.0);
    }

    @Test
    void a_late_check_in_shows_how_late_and_a_paused_one_does_not() throws IOException {
        state.update(s -> s.withCheckins(Map.of(
                "clawd-status", new CheckinStatus("clawd-status", "macmini", "late", NOW, null, null, null,
                        NOW.minusSeconds(90)),
                "backup", new CheckinStatus("backup", "macmini", "paused", NOW, null, null, null,
                        NOW.minusSeconds(900)),
                "nightly", new CheckinStatus("nightly", "pc", "up", NOW, NOW, "ok", null, NOW.plusSeconds(60)))));

        Map<String, Double> samples = scrape();
        assertThat(samples.get("homefleet_checkin_lateness_seconds{checkin=\"clawd-status\",machine=\"macmini\"}"))
                .isCloseTo(90.0, within(0.001));
        assertThat(samples).containsEntry("homefleet_checkin_lateness_seconds{checkin=\"backup\",machine=\"macmini\"}",
                0.0).containsEntry("homefleet_checkin_lateness_seconds{checkin=\"nightly\",machine=\"pc\"}", 0.0);
    }

    @Test
    void each_failover_has_one_state_at_1_and_the_others_at_0() throws IOException {
        state.update(s -> s.withFailover(Map.of("gateway", new FailoverEvent("gateway", "macbook", "gateway",
                "macmini", "gateway", FailoverState.SUSPECT, FailoverState.ACTIVE, FailoverMode.AUTO, NOW,
                "3 failed checks", 3, 0, "http://macbook:18789/health", "macmini took over", null))));

        Map<String, Double> samples = scrape();
        assertThat(samples).containsEntry("homefleet_failover_state{failover=\"gateway\",state=\"active\"}", 1.0)
                .containsEntry("homefleet_failover_state{failover=\"gateway\",state=\"standby\"}", 0.0);
        assertThat(samples.entrySet().stream().filter(e -> e.getKey().startsWith("homefleet_failover_state"))
                .mapToDouble(Map.Entry::getValue).sum()).isEqualTo(1.0);
    }

    @Test
    void the_alert_outbox_depth_is_read_at_scrape_time() throws IOException {
        outbox.set(7);

        assertThat(scrape()).containsEntry("homefleet_alert_outbox_depth", 7.0);
    }
}
