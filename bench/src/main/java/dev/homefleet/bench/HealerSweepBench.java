package dev.homefleet.bench;

import com.sun.management.UnixOperatingSystemMXBean;
import dev.homefleet.core.config.CheckSpec;
import dev.homefleet.core.probe.Probe;
import dev.homefleet.core.probe.ProbeResult;
import dev.homefleet.core.probe.ProbeRunner;
import dev.homefleet.core.probe.Probes;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;

/**
 * One healer sweep over many HTTP services on loopback, some of them hung past the check timeout: homefleet's
 * {@link ProbeRunner} (every check at once, bounded threads) against the seed's way, a sequential
 * {@code curl -sf --max-time} loop over the same URLs, in the same run. The sweep should take about one timeout;
 * the loop takes one timeout per hung service.
 */
final class HealerSweepBench {

    static final int SERVICES = 1000;
    /** Every tenth service hangs: 10%. */
    static final int HUNG_EVERY = 10;
    static final Duration TIMEOUT = Duration.ofSeconds(2);
    /** Goal of the issue: sweep wall time at most this many timeouts. */
    static final double MAX_SWEEP_TIMEOUTS = 1.3;
    static final int WARM_SWEEPS = 3;
    /** Bounds the curl loop: every hung service costs a timeout, every healthy one a process start. */
    static final Duration CURL_LOOP_LIMIT = Duration.ofMinutes(6);
    /** Listening ports, their accepted connections, the client's connections, and room for the rest. */
    static final long FILES_NEEDED = 3L * SERVICES + 500;

    /**
     * @param jvmThreadsAdded the JVM's peak live threads during the sweep minus those alive before the runner was made
     * @param threadsStarted  threads the JVM started during the sweep, short-lived ones included
     * @param runnerThreads   the runner's own count of its threads ({@link ProbeRunner#peakThreads()})
     */
    record Sweep(long wallNanos, int ok, int timedOut, int jvmThreadsAdded, long threadsStarted, int runnerThreads) {
        double timeouts() {
            return wallNanos / (double) TIMEOUT.toNanos();
        }
    }

    record Result(int services, int hung, long fileLimit, Sweep cold, List<Sweep> warm, long curlNanos,
            int curlFailures) {
        Sweep warmMedian() {
            return warm.stream().sorted((a, b) -> Long.compare(a.wallNanos(), b.wallNanos())).toList()
                    .get(warm.size() / 2);
        }
    }

    private final PrintStream progress;

    HealerSweepBench(PrintStream progress) {
        this.progress = progress;
    }

    Result run(Path dir, Cleanup cleanup) throws Exception {
        long fileLimit = fileLimit();
        if (fileLimit < FILES_NEEDED) {
            throw new IllegalStateException("the healer sweep needs about " + FILES_NEEDED + " open files and this "
                    + "JVM may open " + fileLimit + "; raise the limit (ulimit -n " + FILES_NEEDED + ")");
        }
        progress.printf("bench: healer: %d HTTP services on 127.0.0.1, %d of them hung%n", SERVICES,
                SERVICES / HUNG_EVERY);
        LoopbackEndpoints endpoints = cleanup.add("healer endpoints", new LoopbackEndpoints(SERVICES, HUNG_EVERY));
        try {
            List<String> urls = endpoints.urls();
            int hung = (int) java.util.stream.IntStream.range(0, SERVICES).filter(endpoints::hangs).count();

            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            int before = threads.getThreadCount();
            threads.resetPeakThreadCount();
            Sweep cold;
            List<Sweep> warm = new java.util.ArrayList<>();
            try (ProbeRunner runner = new ProbeRunner(ProbeRunner.DEFAULT_CONCURRENCY)) {
                cold = sweep(runner, urls, endpoints, threads, before);
                progress.printf("bench: healer: first sweep %d ms, %d threads added%n",
                        TimeUnit.NANOSECONDS.toMillis(cold.wallNanos()), cold.jvmThreadsAdded());
                for (int i = 0; i < WARM_SWEEPS; i++) {
                    threads.resetPeakThreadCount();
                    warm.add(sweep(runner, urls, endpoints, threads, before));
                }
            }
            progress.printf("bench: healer: the seed's sequential curl loop over the same %d URLs (about %d s)%n",
                    SERVICES, hung * TIMEOUT.toSeconds() + SERVICES / 50);
            long[] curl = curlLoop(urls, dir);
            return new Result(SERVICES, hung, fileLimit, cold, warm, curl[0], (int) curl[1]);
        } finally {
            endpoints.close();
        }
    }

    private static Sweep sweep(ProbeRunner runner, List<String> urls, LoopbackEndpoints endpoints,
            ThreadMXBean threads, int before) {
        Map<Integer, Probe> probes = new LinkedHashMap<>();
        for (int i = 0; i < urls.size(); i++) {
            probes.put(i, Probes.of(new CheckSpec(urls.get(i), null, null, null, null, null, null, null, null,
                    TIMEOUT, null, null), runner.context()));
        }
        long startedThreads = threads.getTotalStartedThreadCount();
        long started = System.nanoTime();
        Map<Integer, ProbeResult> results = runner.runAll(probes);
        long wall = System.nanoTime() - started;
        int added = threads.getPeakThreadCount() - before;
        long threadsStarted = threads.getTotalStartedThreadCount() - startedThreads;
        int ok = 0;
        int timedOut = 0;
        String expectedTimeout = "timed out after " + TIMEOUT.toSeconds() + "s";
        for (Map.Entry<Integer, ProbeResult> e : results.entrySet()) {
            ProbeResult r = e.getValue();
            boolean hangs = endpoints.hangs(e.getKey());
            if (hangs && !r.ok() && r.detail().equals(expectedTimeout)) {
                timedOut++;
            } else if (!hangs && r.ok()) {
                ok++;
            } else {
                throw new IllegalStateException("service " + e.getKey() + " (" + urls.get(e.getKey()) + ", "
                        + (hangs ? "hung" : "healthy") + ") came back " + (r.ok() ? "ok" : "failed") + ": "
                        + r.detail());
            }
        }
        return new Sweep(wall, ok, timedOut, added, threadsStarted, runner.peakThreads());
    }

    /** The seed's way: one curl after another. Returns its wall time in nanoseconds and how many curls failed. */
    private static long[] curlLoop(List<String> urls, Path dir) throws IOException, InterruptedException {
        Path list = dir.resolve("healer-urls.txt");
        Files.createDirectories(dir);
        Files.write(list, urls, StandardCharsets.US_ASCII);
        String script = "failed=0; for u in $(cat \"$1\"); do curl -sf --max-time " + TIMEOUT.toSeconds()
                + " \"$u\" >/dev/null || failed=$((failed+1)); done; echo \"$failed\"";
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", script, "loop", list.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        for (String proxy : List.of("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY")) {
            builder.environment().remove(proxy);
        }
        long started = System.nanoTime();
        Process loop = builder.start();
        try {
            if (!loop.waitFor(CURL_LOOP_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("the curl loop ran past " + CURL_LOOP_LIMIT.toMinutes() + " min");
            }
            long wall = System.nanoTime() - started;
            String out = new String(loop.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
            if (loop.exitValue() != 0 || !out.matches("\\d+")) {
                throw new IllegalStateException("the curl loop exited " + loop.exitValue() + " saying '" + out + "'; "
                        + "is curl installed?");
            }
            return new long[] {wall, Long.parseLong(out)};
        } finally {
            loop.destroyForcibly();
        }
    }

    private static long fileLimit() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof UnixOperatingSystemMXBean unix ? unix.getMaxFileDescriptorCount() : Long.MAX_VALUE;
    }

    static void report(Report report, Result r) {
        Sweep cold = r.cold();
        Sweep warm = r.warmMedian();
        report.heading("Healer sweep: " + r.services() + " HTTP services, " + r.hung() + " hung past the "
                        + TIMEOUT.toSeconds() + " s timeout")
                .line("Every service listens on a port of its own on 127.0.0.1 (one selector thread serves them all);"
                        + " a hung one accepts the connection and never answers. One ProbeRunner (concurrency "
                        + ProbeRunner.DEFAULT_CONCURRENCY + ") sweeps them all at once, then the seed's loop runs "
                        + "one curl after another. The open-file limit is " + r.fileLimit() + ".")
                .blank();
        report.table("way", "wall", "wall / timeout", "peak threads added", "threads started", "results")
                .row("ProbeRunner, first sweep (cold JVM)", Report.millis(cold.wallNanos() / 1e6),
                        Report.ratio(cold.timeouts()), cold.jvmThreadsAdded() + " (runner's own: "
                                + cold.runnerThreads() + ")", cold.threadsStarted(), results(cold))
                .row("ProbeRunner, median of " + r.warm().size() + " more sweeps",
                        Report.millis(warm.wallNanos() / 1e6), Report.ratio(warm.timeouts()), "-",
                        warm.threadsStarted(), results(warm))
                .row("seed: sequential `curl -sf --max-time " + TIMEOUT.toSeconds() + "` loop",
                        Report.millis(r.curlNanos() / 1e6), Report.ratio(r.curlNanos() / (double) TIMEOUT.toNanos()),
                        "-", "1 curl process at a time", (r.services() - r.curlFailures()) + " ok, "
                                + r.curlFailures() + " failed")
                .end();
        report.table("goal", "value", "verdict")
                .row("first sweep wall <= " + MAX_SWEEP_TIMEOUTS + " x timeout", Report.ratio(cold.timeouts()),
                        Report.verdict(cold.timeouts() <= MAX_SWEEP_TIMEOUTS))
                .end();
        report.note("speedup, curl loop / sweep: " + Report.ratio(r.curlNanos() / (double) cold.wallNanos())
                        + "x against the first sweep, " + Report.ratio(r.curlNanos() / (double) warm.wallNanos())
                        + "x against the warm median.")
                .note("threads: peak live threads in the JVM during the first sweep minus those alive before the "
                        + "runner was made. The runner's own are its HTTP callback threads, the socket group's and "
                        + "the HTTP client's selector; the JDK adds its CompletableFuture delay scheduler. The JDK's "
                        + "HttpClient also hands every finished exchange to CompletableFuture's default executor: "
                        + "with " + Runtime.getRuntime().availableProcessors() + " cores "
                        + (ForkJoinPool.getCommonPoolParallelism() > 1 ? "that is the common pool (parallelism "
                                + ForkJoinPool.getCommonPoolParallelism() + ")."
                                : "(common-pool parallelism 1) that is a new short-lived thread per exchange, which "
                                        + "is what the threads started count; on 3 or more cores, or with "
                                        + "-Djava.util.concurrent.ForkJoinPool.common.parallelism=2, it is the "
                                        + "common pool."))
                .blank();
    }

    private static String results(Sweep s) {
        return s.ok() + " ok, " + s.timedOut() + " timed out";
    }
}
