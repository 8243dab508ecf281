package dev.homefleet.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The node agent as the launcher runs it: resident memory and CPU while idle, then {@code /v1/metrics} under 50
 * concurrent clients against {@code /v1/health} under the same load as the baseline of the same run.
 *
 * <p>Nothing else runs meanwhile: the idle RSS moved by a few MiB with whatever else ran while the agent started
 * (its JIT compilers share the cores), so the figure is taken on a quiet machine.
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

    private final PrintStream progress;

    AgentBench(PrintStream progress) {
        this.progress = progress;
    }

    /** Starts the agent, takes its figures and stops it; {@code cleanup} stops it too if the run is cut short. */
    Result run(Path jar, List<String> flags, Path dir, Cleanup cleanup) throws Exception {
        progress.printf("bench: agent: starting %s with %s%n", jar.getFileName(), String.join(" ", flags));
        long started = System.nanoTime();
        try (AgentProcess agent = AgentProcess.start(jar, flags, dir, cleanup)) {
            double startSeconds = (System.nanoTime() - started) / 1e9;
            return measure(agent, new ProcStats(agent.pid()), flags, startSeconds);
        }
    }

    private Result measure(AgentProcess agent, ProcStats stats, List<String> flags, double startSeconds)
            throws Exception {
        progress.printf("bench: agent: settling %d s, then idle for %d s%n", SETTLE.toSeconds(),
                IDLE_WINDOW.toSeconds());
        Thread.sleep(SETTLE.toMillis());
        double before = stats.cpuSeconds();
        long from = System.nanoTime();
        Thread.sleep(IDLE_WINDOW.toMillis());
        Idle idle = new Idle(stats.statusKib("VmRSS"),
                ProcStats.percentOfOneCore(before, stats.cpuSeconds(), System.nanoTime() - from));

        HttpLoad load = new HttpLoad();
        progress.printf("bench: agent: warming up %d s per endpoint, then %d clients for %d s on /v1/metrics and on "
                + "/v1/health%n", WARMUP.toSeconds(), CLIENTS, LOAD.toSeconds());
        HttpLoad.check(load.run(agent.uri("/v1/metrics"), CLIENTS, WARMUP), "/v1/metrics (warm-up)");
        HttpLoad.check(load.run(agent.uri("/v1/health"), CLIENTS, WARMUP), "/v1/health (warm-up)");
        double cpu0 = stats.cpuSeconds();
        long t0 = System.nanoTime();
        HttpLoad.Figures metrics = HttpLoad.check(load.run(agent.uri("/v1/metrics"), CLIENTS, LOAD), "/v1/metrics");
        double cpu1 = stats.cpuSeconds();
        long t1 = System.nanoTime();
        HttpLoad.Figures health = HttpLoad.check(load.run(agent.uri("/v1/health"), CLIENTS, LOAD), "/v1/health");
        double cpu2 = stats.cpuSeconds();
        long t2 = System.nanoTime();
        if (!agent.alive()) {
            throw new IOException("the agent died under load: " + agent.log());
        }
        return new Result(flags, startSeconds, idle, metrics, ProcStats.percentOfOneCore(cpu0, cpu1, t1 - t0),
                health, ProcStats.percentOfOneCore(cpu1, cpu2, t2 - t1), stats.statusKib("VmRSS"),
                stats.statusKib("VmHWM"));
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
