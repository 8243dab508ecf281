package dev.homefleet.controller.metrics;

import dev.homefleet.controller.events.EventBus;
import dev.homefleet.controller.events.EventType;
import dev.homefleet.controller.events.FleetEvent;
import dev.homefleet.controller.state.FleetState;
import dev.homefleet.controller.state.FleetState.JobStatus;
import dev.homefleet.controller.state.StateHolder;
import io.javalin.config.JavalinConfig;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * {@code GET /metrics} in Prometheus' text format, so the fleet can be graphed and alerted on by tools that already
 * exist. The gauges are read from the state snapshot at scrape time; what the state does not keep (events seen,
 * restarts done, how long each job run took) is counted as it happens, from the event bus and state changes.
 * Names start with {@code homefleet_} and carry their unit.
 */
public final class FleetMetrics {

    public static final String PATH = "/metrics";
    /** What Prometheus expects from a text-format endpoint. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    /** A check or heartbeat takes well under a second; a cleaner run over SSH can take minutes. */
    private static final double[] JOB_SECONDS = {0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final Counter events;
    private final Counter restarts;
    private final Histogram jobDurations;

    /**
     * Subscribes to the bus and to state changes at once.
     *
     * @param alertOutboxDepth how many alerts wait to be sent
     */
    public FleetMetrics(StateHolder state, EventBus bus, LongSupplier alertOutboxDepth) {
        this(state, bus, alertOutboxDepth, Clock.systemUTC());
    }

    /** @param clock what check-in lateness is measured against */
    public FleetMetrics(StateHolder state, EventBus bus, LongSupplier alertOutboxDepth, Clock clock) {
        events = Counter.builder().name("homefleet_events_total").help("Events published, by type")
                .labelNames("type").register(registry);
        for (EventType type : EventType.values()) {
            events.initLabelValues(type.wire());
        }
        restarts = Counter.builder().name("homefleet_service_restarts_total")
                .help("Restarts of a service (service.restarted events) since the controller started")
                .labelNames("machine", "service").register(registry);
        jobDurations = Histogram.builder().name("homefleet_job_duration_seconds")
                .help("How long job runs took, by job and outcome (ok, failed, abandoned)")
                .labelNames("job", "outcome").classicOnly().classicUpperBounds(JOB_SECONDS).register(registry);
        registry.register(new StateCollector(state::get, alertOutboxDepth, clock));
        bus.subscribe("metrics", this::count);
        state.onChange(this::observeJobs);
    }

    /** Adds {@code GET /metrics}. */
    public void register(JavalinConfig config) {
        config.routes.get(PATH, ctx -> ctx.contentType(CONTENT_TYPE).result(scrape()));
    }

    /** The text a scrape returns now. */
    public byte[] scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the metrics: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    /** The scrape as text, for tests and the CLI. */
    public String scrapeText() {
        return new String(scrape(), StandardCharsets.UTF_8);
    }

    private void count(FleetEvent event) {
        events.labelValues(event.type().wire()).inc();
        if (event.type() == EventType.SERVICE_RESTARTED && event.machine() != null && event.service() != null) {
            restarts.labelValues(event.machine(), event.service()).inc();
        }
    }

    /** A job whose status goes from running to an outcome has finished a run: that run's duration is observed. */
    private void observeJobs(FleetState before, FleetState after) {
        for (JobStatus job : after.jobs().values()) {
            JobStatus was = before.jobs().get(job.name());
            if (was != null && "running".equals(was.outcome()) && job.outcome() != null
                    && !"running".equals(job.outcome()) && job.lastStart() != null && job.lastEnd() != null) {
                double seconds = Duration.between(job.lastStart(), job.lastEnd()).toNanos() / 1e9;
                jobDurations.labelValues(job.name(), job.outcome()).observe(Math.max(0, seconds));
            }
        }
    }
}
