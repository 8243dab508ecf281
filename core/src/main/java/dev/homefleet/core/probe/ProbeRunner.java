package dev.homefleet.core.probe;

import dev.homefleet.core.config.Durations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.channels.AsynchronousChannelGroup;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs many checks at once with bounded resources, the way a checks or healer sweep needs: HTTP and TCP checks wait
 * on one asynchronous HTTP client and one socket group (a hung server costs a socket until its timeout, not a
 * thread), blocking checks (commands, managers) run on at most {@code concurrency} threads, and at most
 * {@code maxInFlight} checks are under way at once. So a sweep over many services with some hung takes about one
 * timeout, not one timeout per hung service.
 *
 * <p>Every thread it starts is a daemon and ends after {@link #IDLE_THREAD_TIMEOUT} without work, so an idle runner
 * holds only the HTTP client's selector thread and the socket group's thread. Thread-safe; build one and share it.
 */
public final class ProbeRunner implements AutoCloseable {

    /** {@code jobs.checks.concurrency}'s default. */
    public static final int DEFAULT_CONCURRENCY = 64;
    /** Sockets are cheap but file descriptors are not unlimited (macOS gives launchd jobs 256 by default). */
    public static final int DEFAULT_MAX_IN_FLIGHT = 1024;
    public static final Duration IDLE_THREAD_TIMEOUT = Duration.ofSeconds(30);
    /** Threads that run the HTTP client's callbacks; they never wait on a server. */
    static final int HTTP_THREADS = 2;
    /** Blocking checks that may wait for a thread; more are refused with a result that says so. */
    static final int MAX_QUEUED = 10_000;
    /** The HTTP client's selector thread, which the JDK starts with the client, outside the runner's pools. */
    private static final int HTTP_SELECTOR_THREADS = 1;

    private final int concurrency;
    private final int maxInFlight;
    private final CountingThreads threads = new CountingThreads("homefleet-probe-");
    private final ThreadPoolExecutor blocking;
    private final ThreadPoolExecutor httpCallbacks;
    private final AsynchronousChannelGroup sockets;
    private final HttpClient http;
    private final Semaphore inFlight;
    private final Clock clock;

    public ProbeRunner(int concurrency) {
        this(concurrency, DEFAULT_MAX_IN_FLIGHT, Clock.systemUTC());
    }

    /**
     * @param concurrency blocking checks (commands, managers) running at once; at least 1
     * @param maxInFlight checks of any kind under way at once; at least 1
     */
    public ProbeRunner(int concurrency, int maxInFlight, Clock clock) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1, was " + concurrency);
        }
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1, was " + maxInFlight);
        }
        this.concurrency = concurrency;
        this.maxInFlight = maxInFlight;
        this.clock = clock;
        this.inFlight = new Semaphore(maxInFlight);
        this.blocking = pool(concurrency, new LinkedBlockingQueue<>(MAX_QUEUED), "blocking");
        // Unbounded, but each queued task belongs to a check under way, and those are bounded by maxInFlight.
        this.httpCallbacks = pool(HTTP_THREADS, new LinkedBlockingQueue<>(), "http");
        try {
            this.sockets = AsynchronousChannelGroup.withFixedThreadPool(1, threads.factory("tcp"));
        } catch (IOException e) {
            blocking.shutdownNow();
            httpCallbacks.shutdownNow();
            throw new UncheckedIOException("cannot open a socket group for tcp checks: " + e.getMessage(), e);
        }
        this.http = HttpClient.newBuilder()
                .executor(httpCallbacks)
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    private ThreadPoolExecutor pool(int size, LinkedBlockingQueue<Runnable> queue, String role) {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(size, size, IDLE_THREAD_TIMEOUT.toMillis(),
                TimeUnit.MILLISECONDS, queue, threads.factory(role));
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /** The shared pieces probes are built with; add a CommandRunner and a ServiceManager as the checks need. */
    public ProbeContext context() {
        return new ProbeContext(http, sockets, blocking, clock, null, null);
    }

    /**
     * Runs every probe, at most {@code maxInFlight} at once, and returns when all are done, in the map's order. Each
     * finishes within its timeout once started; a probe still without a result after all of them could have run
     * (a stuck thread) comes back as not ok, saying so.
     */
    public <K> Map<K, ProbeResult> runAll(Map<K, Probe> probes) {
        long deadline = System.nanoTime() + bound(probes).toNanos();
        Map<K, CompletableFuture<ProbeResult>> running = new LinkedHashMap<>();
        Map<K, ProbeResult> results = new LinkedHashMap<>();
        boolean interrupted = false;
        for (Map.Entry<K, Probe> entry : probes.entrySet()) {
            if (!interrupted) {
                try {
                    if (inFlight.tryAcquire(remaining(deadline), TimeUnit.NANOSECONDS)) {
                        running.put(entry.getKey(), start(entry.getValue()));
                        continue;
                    }
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            running.put(entry.getKey(), CompletableFuture.completedFuture(notRun(interrupted
                    ? "not run: the sweep was interrupted" : "not run: the checks before it did not finish")));
        }
        for (Map.Entry<K, CompletableFuture<ProbeResult>> entry : running.entrySet()) {
            ProbeResult result;
            try {
                result = interrupted ? entry.getValue().getNow(null) : entry.getValue().get(remaining(deadline),
                        TimeUnit.NANOSECONDS);
                if (result == null) {
                    result = notRun("no result: the sweep was interrupted");
                }
            } catch (InterruptedException e) {
                interrupted = true;
                result = entry.getValue().getNow(notRun("no result: the sweep was interrupted"));
            } catch (TimeoutException e) {
                result = notRun("no result within " + Durations.format(bound(probes)) + ": its check is stuck");
            } catch (ExecutionException e) {
                result = notRun("check failed: " + Words.unwrap(e));
            }
            results.put(entry.getKey(), result);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return results;
    }

    private CompletableFuture<ProbeResult> start(Probe probe) {
        CompletableFuture<ProbeResult> run;
        try {
            run = probe.run();
        } catch (RuntimeException e) {
            run = CompletableFuture.completedFuture(notRun("check failed: " + e));
        }
        run.whenComplete((r, e) -> inFlight.release());
        return run;
    }

    /** As long as all of them could take if every blocking slot and every in-flight slot ran its longest check. */
    private <K> Duration bound(Map<K, Probe> probes) {
        Duration longest = probes.values().stream().map(Probe::timeout).max(Duration::compareTo)
                .orElse(Duration.ZERO);
        long rounds = (probes.size() + Math.min(concurrency, maxInFlight) - 1) / Math.min(concurrency, maxInFlight);
        return longest.multipliedBy(rounds + 1).plusSeconds(5);
    }

    private static long remaining(long deadline) {
        return Math.max(0, deadline - System.nanoTime());
    }

    private ProbeResult notRun(String why) {
        return ProbeResult.failed(Duration.ZERO, why, clock.instant());
    }

    public int concurrency() {
        return concurrency;
    }

    /**
     * The most threads this runner has had alive at once: its blocking pool, the HTTP client's callback threads and
     * the socket group's thread, plus the HTTP client's selector thread. A local command also runs two short-lived
     * threads of its own that read its output.
     */
    public int peakThreads() {
        return threads.peak() + HTTP_SELECTOR_THREADS;
    }

    /** Threads of this runner alive now, counted as {@link #peakThreads()} counts them. */
    public int liveThreads() {
        return threads.live() + HTTP_SELECTOR_THREADS;
    }

    /** Stops its threads; checks under way end as not ok. */
    @Override
    public void close() {
        blocking.shutdownNow();
        httpCallbacks.shutdownNow();
        try {
            sockets.shutdownNow();
        } catch (IOException e) {
            // its sockets are closed as far as they can be; nothing is left to release
        }
    }
}
