package dev.homefleet.agent.failover;

import dev.homefleet.core.config.Durations;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A GET of the failover's check URL: healthy on a 2xx answer within the timeout. A refused connection, a timeout
 * (a hung or frozen primary accepts the connection and never answers), a reset, an unknown host and any other status,
 * 3xx included, are failures. Core's HttpProbe is not used because it counts 3xx as healthy; a gateway that
 * redirects is not serving.
 */
final class HttpPrimaryCheck implements PrimaryCheck {

    private final HttpClient http;
    private final URI uri;
    private final Duration timeout;
    private final Clock clock;

    HttpPrimaryCheck(HttpClient http, URI uri, Duration timeout, Clock clock) {
        this.http = http;
        this.uri = uri;
        this.timeout = timeout;
        this.clock = clock;
    }

    /** The client all checks of an agent share: no redirects, HTTP/1.1, connect bounded by the longest timeout. */
    static HttpClient client(Duration connectTimeout) {
        return HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout).build();
    }

    @Override
    public String target() {
        return uri.toString();
    }

    @Override
    public CheckResult run() throws InterruptedException {
        Instant at = clock.instant();
        long started = System.nanoTime();
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).header("User-Agent", "homefleet-failover")
                .GET().build();
        CompletableFuture<HttpResponse<Void>> call;
        try {
            call = http.sendAsync(request, HttpResponse.BodyHandlers.discarding());
        } catch (RuntimeException e) {
            return new CheckResult(at, false, "cannot send: " + e.getMessage(), 0);
        }
        try {
            HttpResponse<Void> response = call.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            long ms = elapsedMs(started);
            int status = response.statusCode();
            if (status >= 200 && status <= 299) {
                return new CheckResult(at, true, status + " in " + ms + " ms", ms);
            }
            return new CheckResult(at, false, "status " + status + ", expected 2xx", ms);
        } catch (TimeoutException e) {
            call.cancel(true);
            return new CheckResult(at, false, timedOut(), elapsedMs(started));
        } catch (ExecutionException e) {
            return new CheckResult(at, false, words(e.getCause()), elapsedMs(started));
        } catch (InterruptedException e) {
            call.cancel(true);
            throw e;
        }
    }

    private String timedOut() {
        return "timed out after " + Durations.format(timeout);
    }

    private String words(Throwable error) {
        String message = null;
        for (Throwable e = error; e != null; e = e.getCause()) {
            if (e instanceof HttpTimeoutException) {
                return timedOut();
            }
            if (e instanceof ConnectException) {
                return "connection refused";
            }
            if (e instanceof UnresolvedAddressException || e instanceof UnknownHostException) {
                return "unknown host " + uri.getHost();
            }
            if (message == null && e.getMessage() != null && !e.getMessage().isBlank()) {
                message = e.getMessage();
            }
        }
        return message != null ? message : error.getClass().getSimpleName();
    }

    private static long elapsedMs(long started) {
        return (System.nanoTime() - started) / 1_000_000;
    }
}
