package dev.homefleet.core.probe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.homefleet.core.config.CheckSpec;
import dev.homefleet.core.config.Durations;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A GET of the check's URL through the shared, asynchronous HTTP client: while it waits for an answer it holds a
 * socket, not a thread. Healthy when the status is the expected one (any 2xx or 3xx when none is given; redirects
 * are not followed), the body contains {@code body_contains}, {@code json_field} equals {@code json_equals}, and the
 * answer came within {@code max_response_time}.
 */
final class HttpProbe implements Probe {

    /** Enough for any health page; a longer body is read this far and judged on that. */
    static final int MAX_BODY_BYTES = 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CheckSpec check;
    private final URI uri;
    private final HttpClient http;
    private final Clock clock;

    HttpProbe(CheckSpec check, ProbeContext context) {
        this.check = check;
        this.uri = URI.create(check.http());
        this.http = context.http();
        this.clock = context.clock();
    }

    @Override
    public String target() {
        return check.http();
    }

    @Override
    public Duration timeout() {
        return check.timeout();
    }

    @Override
    public CompletableFuture<ProbeResult> run() {
        Instant at = clock.instant();
        long started = System.nanoTime();
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(check.timeout())
                .header("User-Agent", "homefleet-check").GET().build();
        CompletableFuture<HttpResponse<LimitedBody.Body>> call;
        try {
            call = http.sendAsync(request, LimitedBody.handler(MAX_BODY_BYTES));
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(ProbeResult.failed(Duration.ZERO,
                    Words.failure(e, uri.getHost(), check.timeout()), at));
        }
        CompletableFuture<ProbeResult> result = call.handle((response, error) -> {
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            return error != null ? ProbeResult.failed(took, Words.failure(error, uri.getHost(), check.timeout()), at)
                    : judge(response, took, at);
        });
        result.completeOnTimeout(ProbeResult.failed(check.timeout(), Words.timedOut(check.timeout()), at),
                check.timeout().toNanos(), TimeUnit.NANOSECONDS);
        // Closes the connection of an exchange that ran out of time, so a hung server does not keep its socket.
        result.whenComplete((r, e) -> call.cancel(true));
        return result;
    }

    private ProbeResult judge(HttpResponse<LimitedBody.Body> response, Duration took, Instant at) {
        int status = response.statusCode();
        Integer expected = check.expectStatus();
        if (expected != null ? status != expected : status < 200 || status > 399) {
            return ProbeResult.failed(took, "status " + status + ", expected "
                    + (expected != null ? expected : "2xx or 3xx"), at);
        }
        LimitedBody.Body body = response.body();
        String cut = body.cut() ? " (in its first " + MAX_BODY_BYTES / 1024 + " KiB)" : "";
        if (check.bodyContains() != null && !body.text().contains(check.bodyContains())) {
            return ProbeResult.failed(took, "body lacks '" + check.bodyContains() + "'" + cut, at);
        }
        if (check.jsonField() != null) {
            Optional<String> failure = jsonFailure(body, cut);
            if (failure.isPresent()) {
                return ProbeResult.failed(took, failure.get(), at);
            }
        }
        Duration max = check.maxResponseTime();
        if (max != null && took.compareTo(max) > 0) {
            return ProbeResult.failed(took, "answered in " + Words.elapsed(took) + ", over max_response_time "
                    + Durations.format(max), at);
        }
        return ProbeResult.ok(took, status + " in " + Words.elapsed(took), at);
    }

    private Optional<String> jsonFailure(LimitedBody.Body body, String cut) {
        String field = check.jsonField();
        String wanted = check.jsonEquals();
        JsonNode document;
        try {
            document = JSON.readTree(body.bytes());
        } catch (JsonProcessingException e) {
            return Optional.of("body is not JSON" + cut + ", expected " + field + " '" + wanted + "'");
        } catch (java.io.IOException e) {
            return Optional.of("body could not be read as JSON: " + e.getMessage());
        }
        if (document == null || document.isMissingNode()) {
            return Optional.of("body is empty, expected " + field + " '" + wanted + "'");
        }
        Optional<String> value = JsonField.text(document, field);
        if (value.isEmpty()) {
            return Optional.of(field + " is missing, expected '" + wanted + "'");
        }
        if (!value.get().equals(wanted)) {
            return Optional.of(field + " is '" + abbreviate(value.get()) + "', expected '" + wanted + "'");
        }
        return Optional.empty();
    }

    private static String abbreviate(String text) {
        return text.length() <= 60 ? text : text.substring(0, 60) + "...";
    }
}
