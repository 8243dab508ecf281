package dev.homefleet.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The node agent as the launcher runs it: resident memory and CPU while idle, then {@code /v1/metrics} under 50
 * concurrent clients against {@code /v1/health} under the same load as the baseline of the same run.
 *
 * <p>The idle reading runs in the background from the agent's start, so it can overlap other sections: what it
 * measures, the agent's own CPU time and resident memory, does not depend on what else the machine does.
 */
final class AgentBench {

    static final Duration SETTLE = Duration.ofSeconds(10);
    static final Duration IDLE_WINDOW = Duration.ofSeconds(10);
    static final Duration WARMUP = Duration.ofSeconds(2);
    static final Duration LOAD = Duration.ofSeconds(10);
    static final int CLIENTS = 50;

    /** Goals of the issue for an idle agent. */
    static final long MAX_IDLE_RSS_KIB = 96 * 1024;
    static final double MAX_IDLE_CPU_PERCENT = 1.0;

    record Idle(long rssKib, double cpuPercent) {}

    record Result(List<String> flags, double startSeconds, Idle idle, HttpLoad.Figures metrics, double metricsCpu,
            HttpLoad.Figures health, double healthCpu, long rssAfterKib, long peakRssKib) {}

    /** A started agent whose idle figures are being taken. */
    record Started(AgentProcess agent, ProcStats stats, List<String> flags, double startSeconds,
            CompletableFuture<Idle> idle) {}

    private final PrintStream progress;

    AgentBench(PrintStream progress) {
        this.progress = progress;
    }

    Started start(Path jar, List<String> flags, Path dir, Cleanup cleanup) throws Exception {
        progress.printf("bench: agent: starting %s with %s%n", jar.getFileName(), String.join(" ", flags));
        long started = System.nanoTime();
        AgentProcess agent = AgentProcess.start(jar, flags, dir, cleanup);
        double startSeconds = (System.nanoTime() - started) / 1e9;
        ProcStats stats = new ProcStats(agent.pid());
        CompletableFuture<Idle> idle = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try {
                Thread.sleep(SETTLE.toMillis());
                double before = stats.cpuSeconds();
                long from = System.nanoTime();
                Thread.sleep(IDLE_WINDOW.toMillis());
                double after = stats.cpuSeconds();
                long wall = System.nanoTime() - from;
                idle.complete(new Idle(stats.statusKib("VmRSS"), ProcStats.percentOfOneCore(before, after, wall)));
            } catch (Exception e) {
                idle.completeExceptionally(e);
            }
        }, "agent-idle-reading");
        reader.setDaemon(true);
        reader.start();
        return new Started(agent, stats, flags, startSeconds, idle);
    }

    Result finish(Started s) throws Exception {
        if (!s.idle().isDone()) {
            progress.printf("bench: agent: settling %d s, then idle for %d s%n", SETTLE.toSeconds(),
                    IDLE_WINDOW.toSeconds());
        }
        Idle idle = s.idle().get(SETTLE.plus(IDLE_WINDOW).plusSeconds(30).toMillis(), TimeUnit.MILLISECONDS);
        HttpLoad load = new HttpLoad();
        progress.printf("bench: agent: warming up %d s per endpoint, then %d clients for %d s on /v1/metrics and on "
                + "/v1/health%n", WARMUP.toSeconds(), CLIENTS, LOAD.toSeconds());
        check(load.run(s.agent().uri("/v1/metrics"), CLIENTS, WARMUP), "/v1/metrics (warm-up)");
        check(load.run(s.agent().uri("/v1/health"), CLIENTS, WARMUP), "/v1/health (warm-up)");
        double cpu0 = s.stats().cpuSeconds();
        long t0 = System.nanoTime();
        HttpLoad.Figures metrics = check(load.run(s.agent().uri("/v1/metrics"), CLIENTS, LOAD), "/v1/metrics");
        double cpu1 = s.stats().cpuSeconds();
        long t1 = System.nanoTime();
        HttpLoad.Figures health = check(load.run(s.agent().uri("/v1/health"), CLIENTS, LOAD), "/v1/health");
        double cpu2 = s.stats().cpuSeconds();
        long t2 = System.nanoTime();
        if (!s.agent().alive()) {
            throw new IOException("the agent died under load: " + s.agent().log());
        }
        return new Result(s.flags(), s.startSeconds(), idle, metrics, ProcStats.percentOfOneCore(cpu0, cpu1, t1 - t0),
                health, ProcStats.percentOfOneCore(cpu1, cpu2, t2 - t1), s.stats().statusKib("VmRSS"),
                s.stats().statusKib("VmHWM"));
    }

    private static HttpLoad.Figures check(HttpLoad.Figures f, String what) throws IOException {
        if (f.errors() > 0) {
            throw new IOException(what + ": " + f.errors() + " of " + (f.requests() + f.errors())
                    + " requests failed; the first: " + f.firstError());
        }
        if (f.requests() == 0) {
            throw new IOException(what + ": no request was answered");
        }
        return f;
    }

    static void report(Report report, Result r) {
        report.heading("Agent: `homefleet-agent agent` with the launcher's JVM flags")
                .line("Flags: `" + String.join(" ", r.flags()) + "`. Answered its first /v1/health "
                        + Report.number("%.1f", r.startSeconds()) + " s after its start.")
                .blank();
        report.table("idle (after " + SETTLE.toSeconds() + " s, over " + IDLE_WINDOW.toSeconds() + " s)", "value",
                        "goal", "verdict")
                .row("resident memory (VmRSS)", mib(r.idle().rssKib()), "<= " + mib(MAX_IDLE_RSS_KIB),
                        Report.verdict(r.idle().rssKib() <= MAX_IDLE_RSS_KIB))
                .row("CPU, % of one core", Report.number("%.2f %%", r.idle().cpuPercent()),
                        "< " + Report.number("%.0f %%", MAX_IDLE_CPU_PERCENT),
                        Report.verdict(r.idle().cpuPercent() < MAX_IDLE_CPU_PERCENT))
                .end();
        report.table(CLIENTS + " keep-alive clients, " + LOAD.toSeconds() + " s", "req/s", "p50", "p99",
                        "agent CPU, % of one core")
                .row("GET /v1/metrics", Report.number("%.0f", r.metrics().perSecond()),
                        Report.millis(r.metrics().latency().medianMillis()),
                        Report.millis(r.metrics().latency().percentileMillis(99)),
                        Report.number("%.0f %%", r.metricsCpu()))
                .row("GET /v1/health (baseline)", Report.number("%.0f", r.health().perSecond()),
                        Report.millis(r.health().latency().medianMillis()),
                        Report.millis(r.health().latency().percentileMillis(99)),
                        Report.number("%.0f %%", r.healthCpu()))
                .row("ratio metrics / health", Report.ratio(r.metrics().perSecond() / r.health().perSecond()),
                        Report.ratio(r.metrics().latency().medianMillis() / r.health().latency().medianMillis()),
                        Report.ratio(r.metrics().latency().percentileMillis(99)
                                / r.health().latency().percentileMillis(99)),
                        "")
                .end();
        report.note("resident memory after the load: " + mib(r.rssAfterKib()) + " (peak " + mib(r.peakRssKib())
                        + "); the load generator shares the machine's cores with the agent.")
                .blank();
    }

    static String mib(long kib) {
        return Report.number("%.1f MiB", kib / 1024.0);
    }
}
