package dev.homefleet.core.probe;

import dev.homefleet.core.config.Durations;
import java.io.EOFException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.InterruptedByTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import javax.net.ssl.SSLException;

/** The short phrases of {@link ProbeResult#detail()}: latencies and why a connection failed. */
final class Words {

    private Words() {}

    /** "12 ms" below a second, "2.4s" from there. */
    static String elapsed(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + " ms";
        }
        String s = String.format(Locale.ROOT, "%.1f", ms / 1000.0);
        return (s.endsWith(".0") ? s.substring(0, s.length() - 2) : s) + "s";
    }

    static String timedOut(Duration timeout) {
        return "timed out after " + Durations.format(timeout);
    }

    /** Why a connection or an exchange failed, in a few words; {@code host} names an unknown host. */
    static String failure(Throwable thrown, String host, Duration timeout) {
        Throwable e = unwrap(thrown);
        if (e instanceof HttpTimeoutException || e instanceof InterruptedByTimeoutException
                || e instanceof CancellationException) {
            return timedOut(timeout);
        }
        if (e instanceof UnknownHostException || e instanceof UnresolvedAddressException
                || causedBy(e, UnresolvedAddressException.class)) {
            return "unknown host " + host;
        }
        if (e instanceof SSLException) {
            return "TLS failed: " + message(e);
        }
        if (e instanceof NoRouteToHostException || causedBy(e, NoRouteToHostException.class)) {
            return "no route to host " + host;
        }
        String root = message(root(e));
        if (e instanceof ConnectException) {
            return root.toLowerCase(Locale.ROOT).contains("refused") || root.isEmpty()
                    ? "connection refused" : "cannot connect: " + root;
        }
        if (e instanceof EOFException || root.contains("closed") || root.contains("EOF")) {
            return "connection closed without an answer";
        }
        return root.isEmpty() ? e.getClass().getSimpleName() : root;
    }

    static Throwable unwrap(Throwable e) {
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    /** The first line of {@code text}, stripped and cut to {@code max} characters. */
    static String firstLine(String text, int max) {
        String line = text == null ? "" : text.strip().lines().findFirst().orElse("").strip();
        return line.length() <= max ? line : line.substring(0, max) + "...";
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    private static Throwable root(Throwable e) {
        Throwable r = e;
        while (r.getCause() != null && r.getCause() != r) {
            r = r.getCause();
        }
        return r;
    }

    private static String message(Throwable e) {
        return e.getMessage() == null ? "" : e.getMessage();
    }
}
