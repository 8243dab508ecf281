package dev.homefleet.core.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.homefleet.core.config.Durations;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends requests to a {@link ControlServer}, one connection per request: a request is never sent twice, and no
 * connection goes stale between requests. Safe to share between threads.
 *
 * <p>Connecting is retried with exponential backoff (50 ms doubling to 1 s) until the connect time runs out, so
 * a client started together with its daemon waits for the daemon to come up.
 */
public final class ControlClient {

    public static final Duration DEFAULT_CONNECT_WITHIN = Duration.ofSeconds(5);
    /** Answers may be larger than requests; this only keeps a broken server from filling the memory. */
    static final int MAX_ANSWER_BYTES = 16 * 1024 * 1024;
    static final Duration FIRST_RETRY = Duration.ofMillis(50);
    static final Duration MAX_RETRY = Duration.ofSeconds(1);

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path socket;
    private final UnixDomainSocketAddress address;
    private final Duration connectWithin;
    private final String idPrefix;
    private final AtomicLong sequence = new AtomicLong();

    public ControlClient(Path socket) {
        this(socket, DEFAULT_CONNECT_WITHIN);
    }

    /** @param connectWithin how long to keep trying to connect before giving up with {@code unavailable} */
    public ControlClient(Path socket, Duration connectWithin) {
        if (connectWithin.isNegative()) {
            throw new IllegalArgumentException("connectWithin must not be negative, was " + connectWithin);
        }
        this.socket = socket.toAbsolutePath().normalize();
        this.address = UnixDomainSocketAddress.of(this.socket);
        this.connectWithin = connectWithin;
        byte[] random = new byte[4];
        RANDOM.nextBytes(random);
        this.idPrefix = HexFormat.of().formatHex(random);
    }

    /**
     * @param data    serialized with Jackson into the request's {@code data}; null sends {@code {}}
     * @param timeout bounds the whole call, connecting included
     * @return the answer's {@code data}, JSON null when it has none
     * @throws ControlException the server's error (its code and message), or {@code unavailable},
     *                          {@code timeout}, {@code protocol}, {@code too_large} or {@code interrupted}
     */
    public JsonNode request(String action, Object data, Duration timeout) throws ControlException {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        String id = idPrefix + "-" + sequence.incrementAndGet();
        byte[] request = Envelope.request(id, action, data);
        if (request.length > ControlServer.MAX_REQUEST_BYTES) {
            throw new ControlException(ControlException.TOO_LARGE, "request '" + action + "' is " + request.length
                    + " bytes; the control channel takes at most " + ControlServer.MAX_REQUEST_BYTES);
        }
        try (LineChannel line = connect(Math.min(deadline, start + connectWithin.toNanos()))) {
            line.writeLine(request, deadline);
            byte[] answer = line.readLine(deadline);
            if (answer == null) {
                throw new ControlException(ControlException.PROTOCOL,
                        "the server on " + socket + " closed the connection without answering '" + action + "'");
            }
            return unwrap(answer, id);
        } catch (SocketTimeoutException e) {
            throw new ControlException(ControlException.TIMEOUT,
                    "no answer to '" + action + "' from " + socket + " within " + Durations.format(timeout), e);
        } catch (InterruptedIOException e) {
            Thread.currentThread().interrupt();
            throw new ControlException(ControlException.INTERRUPTED, "interrupted waiting for '" + action + "'", e);
        } catch (LineChannel.LineTooLongException e) {
            throw new ControlException(ControlException.PROTOCOL,
                    "the answer to '" + action + "' is longer than " + MAX_ANSWER_BYTES + " bytes", e);
        } catch (IOException e) {
            throw new ControlException(ControlException.PROTOCOL,
                    "connection to " + socket + " failed during '" + action + "': " + e.getMessage(), e);
        }
    }

    private LineChannel connect(long deadline) throws ControlException {
        long backoff = FIRST_RETRY.toNanos();
        long start = System.nanoTime();
        while (true) {
            IOException failure;
            try {
                return LineChannel.connect(address, MAX_ANSWER_BYTES, deadline);
            } catch (IOException e) {
                failure = e;
            }
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                Duration waited = Duration.ofMillis((System.nanoTime() - start) / 1_000_000);
                throw new ControlException(ControlException.UNAVAILABLE, "no server answers on " + socket
                        + " (waited " + Durations.format(waited) + "; last error: " + failure.getMessage() + ")",
                        failure);
            }
            try {
                Thread.sleep(Math.max(1, Math.min(backoff, remaining) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ControlException(ControlException.INTERRUPTED, "interrupted connecting to " + socket, e);
            }
            backoff = Math.min(backoff * 2, MAX_RETRY.toNanos());
        }
    }

    private JsonNode unwrap(byte[] line, String id) throws ControlException {
        JsonNode answer;
        try {
            answer = Envelope.parse(line);
        } catch (IOException e) {
            throw new ControlException(ControlException.PROTOCOL, "the answer from " + socket + " is not JSON", e);
        }
        if (answer == null || !answer.isObject()) {
            throw new ControlException(ControlException.PROTOCOL, "the answer from " + socket + " is not an object");
        }
        JsonNode answerId = answer.get("id");
        boolean ours = answerId != null && answerId.isTextual() && answerId.asText().equals(id);
        // A server that could not read the request answers with id null: the error is still ours.
        boolean unread = answerId == null || answerId.isNull();
        String status = answer.path("status").asText();
        if (status.equals("error") && (ours || unread)) {
            JsonNode error = answer.path("error");
            String code = error.path("code").asText("");
            throw new ControlException(code.isBlank() ? ControlException.INTERNAL : code,
                    error.path("message").asText("(no message)"));
        }
        if (!ours) {
            throw new ControlException(ControlException.PROTOCOL,
                    "answer id " + answerId + " does not match request id \"" + id + "\"");
        }
        if (!status.equals("ok")) {
            throw new ControlException(ControlException.PROTOCOL,
                    "answer status '" + status + "' is neither ok nor error");
        }
        return answer.hasNonNull("data") ? answer.get("data") : NullNode.getInstance();
    }
}
