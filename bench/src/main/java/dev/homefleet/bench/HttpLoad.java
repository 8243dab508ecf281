package dev.homefleet.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A closed-loop load: N clients, each sending its next GET as soon as the previous answer is in, over keep-alive
 * HTTP/1.1 connections of one client, for a fixed time. Every answer must be a 200 with a body.
 */
final class HttpLoad {

    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** Per client; 10 s at 20,000 req/s over 50 clients would be 4,000 each. */
    static final int MAX_SAMPLES_PER_CLIENT = 200_000;
    static final int MAX_ERRORS_KEPT = 10;

    record Figures(long requests, long errors, String firstError, double seconds, Samples latency) {
        double perSecond() {
            return requests / seconds;
        }
    }

    /** {@code f}, when every request of the load was answered; else an error naming {@code what}. */
    static Figures check(Figures f, String what) throws IOException {
        if (f.errors() > 0) {
            throw new IOException(what + ": " + f.errors() + " of " + (f.requests() + f.errors())
                    + " requests failed; the first: " + f.firstError());
        }
        if (f.requests() == 0) {
            throw new IOException(what + ": no request was answered");
        }
        return f;
    }

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    Figures run(URI uri, int clients, Duration duration) throws InterruptedException {
        return run(uri, clients, duration, 0, new String[0]);
    }

    Figures run(URI uri, int clients, Duration duration, String... headers) throws InterruptedException {
        return run(uri, clients, duration, 0, headers);
    }

    /**
     * @param rate    requests per second of all clients together, each client sending on a fixed grid (a request
     *                that is late goes at once, and its wait counts in its latency); 0 for as fast as answers come
     * @param headers name, value, name, value ... sent with every request (a browser's Accept-Encoding, say)
     */
    Figures run(URI uri, int clients, Duration duration, int rate, String... headers) throws InterruptedException {
        long gap = rate <= 0 ? 0 : TimeUnit.SECONDS.toNanos(clients) / rate;
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).GET();
        if (headers.length > 0) {
            builder.headers(headers);
        }
        HttpRequest request = builder.build();
        List<Samples> perClient = new ArrayList<>();
        AtomicLong errors = new AtomicLong();
        ConcurrentLinkedQueue<String> errorTexts = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        long[] window = new long[2];
        for (int i = 0; i < clients; i++) {
            Samples samples = new Samples(MAX_SAMPLES_PER_CLIENT);
            perClient.add(samples);
            Thread t = new Thread(() -> {
                try {
                    start.await();
                    long end = window[1];
                    long due = window[0] + (gap == 0 ? 0 : ThreadLocalRandom.current().nextLong(gap));
                    while (System.nanoTime() < end) {
                        if (gap > 0) {
                            long wait = due - System.nanoTime();
                            if (wait > 0) {
                                TimeUnit.NANOSECONDS.sleep(wait);
                            }
                        }
                        long sent = gap > 0 ? due : System.nanoTime();
                        due += gap;
                        try {
                            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                            long took = System.nanoTime() - sent;
                            if (response.statusCode() != 200 || response.body().length == 0) {
                                if (errors.incrementAndGet() <= MAX_ERRORS_KEPT) {
                                    errorTexts.add("HTTP " + response.statusCode() + ": " + new String(response.body()));
                                }
                            } else if (!samples.add(took)) {
                                return;
                            }
                        } catch (Exception e) {
                            if (errors.incrementAndGet() <= MAX_ERRORS_KEPT) {
                                errorTexts.add(e.toString());
                            }
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "load-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        window[0] = System.nanoTime();
        window[1] = window[0] + duration.toNanos();
        start.countDown();
        long joinDeadline = window[1] + REQUEST_TIMEOUT.toNanos() + TimeUnit.SECONDS.toNanos(5);
        for (Thread t : threads) {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(joinDeadline - System.nanoTime())));
            if (t.isAlive()) {
                throw new IllegalStateException("load client " + t.getName() + " is still waiting for an answer "
                        + REQUEST_TIMEOUT.toSeconds() + " s after the end of the run");
            }
        }
        double seconds = (System.nanoTime() - window[0]) / 1e9;
        Samples latency = Samples.merge(perClient);
        return new Figures(latency.size(), errors.get(), errorTexts.peek(), seconds, latency);
    }
}
