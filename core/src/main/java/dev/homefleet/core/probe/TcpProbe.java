package dev.homefleet.core.probe;

import dev.homefleet.core.config.CheckSpec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.AsynchronousChannelGroup;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A TCP connect to HOST:PORT, closed as soon as it is made. The connect waits on the shared socket group, without a
 * thread of its own; only a host name (not an address) is looked up on the blocking executor, since the JDK's name
 * lookup blocks.
 */
final class TcpProbe implements Probe {

    private final String target;
    private final String host;
    private final int port;
    private final Duration timeout;
    private final AsynchronousChannelGroup sockets;
    private final Executor blocking;
    private final Clock clock;

    TcpProbe(CheckSpec check, ProbeContext context) {
        this.target = check.tcp();
        int colon = target.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("tcp check '" + target + "' is not HOST:PORT");
        }
        String h = target.substring(0, colon);
        this.host = h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
        this.port = Integer.parseInt(target.substring(colon + 1));
        this.timeout = check.timeout();
        this.sockets = context.sockets();
        this.blocking = context.blocking();
        this.clock = context.clock();
    }

    @Override
    public String target() {
        return target;
    }

    @Override
    public Duration timeout() {
        return timeout;
    }

    @Override
    public CompletableFuture<ProbeResult> run() {
        Instant at = clock.instant();
        long started = System.nanoTime();
        CompletableFuture<ProbeResult> result = new CompletableFuture<>();
        result.completeOnTimeout(ProbeResult.failed(timeout, Words.timedOut(timeout), at), timeout.toNanos(),
                TimeUnit.NANOSECONDS);
        if (isAddress(host)) {
            try {
                connect(InetAddress.getByName(host), result, started, at);
            } catch (UnknownHostException e) {
                result.complete(failed(e, started, at));
            }
        } else {
            try {
                blocking.execute(() -> {
                    try {
                        connect(InetAddress.getByName(host), result, started, at);
                    } catch (UnknownHostException e) {
                        result.complete(failed(e, started, at));
                    }
                });
            } catch (RejectedExecutionException e) {
                result.complete(ProbeResult.failed(Duration.ZERO, "not run: too many checks waiting", at));
            }
        }
        return result;
    }

    private void connect(InetAddress address, CompletableFuture<ProbeResult> result, long started, Instant at) {
        if (result.isDone()) {
            return;
        }
        AsynchronousSocketChannel channel;
        try {
            channel = AsynchronousSocketChannel.open(sockets);
        } catch (IOException e) {
            result.complete(failed(e, started, at));
            return;
        }
        result.whenComplete((r, e) -> close(channel));
        try {
            channel.connect(new InetSocketAddress(address, port), null, new CompletionHandler<Void, Void>() {
                @Override
                public void completed(Void v, Void attachment) {
                    Duration took = Duration.ofNanos(System.nanoTime() - started);
                    result.complete(ProbeResult.ok(took, "connected in " + Words.elapsed(took), at));
                }

                @Override
                public void failed(Throwable e, Void attachment) {
                    result.complete(TcpProbe.this.failed(e, started, at));
                }
            });
        } catch (RuntimeException e) {
            result.complete(failed(e, started, at));
        }
    }

    private ProbeResult failed(Throwable e, long started, Instant at) {
        return ProbeResult.failed(Duration.ofNanos(System.nanoTime() - started), Words.failure(e, host, timeout), at);
    }

    /** A literal IPv4 or IPv6 address, which needs no lookup. */
    static boolean isAddress(String host) {
        return host.matches("\\d{1,3}(\\.\\d{1,3}){3}") || host.contains(":");
    }

    private static void close(AsynchronousSocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing more to release
        }
    }
}
