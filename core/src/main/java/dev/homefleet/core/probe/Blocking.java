package dev.homefleet.core.probe;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a check that blocks a thread (a command, a service manager's status) on the bounded executor. Its timeout
 * starts when a thread takes it; when it runs out the result says so at once and the thread is interrupted, which
 * stops a local command.
 */
final class Blocking {

    /** The blocking part of a check, given when it started. */
    @FunctionalInterface
    interface Work {
        ProbeResult run(Instant at, long startedNanos) throws Exception;
    }

    private Blocking() {}

    static CompletableFuture<ProbeResult> run(ProbeContext context, Duration timeout, Work work) {
        Clock clock = context.clock();
        CompletableFuture<ProbeResult> result = new CompletableFuture<>();
        AtomicReference<FutureTask<Void>> self = new AtomicReference<>();
        FutureTask<Void> task = new FutureTask<>(() -> {
            Instant at = clock.instant();
            long started = System.nanoTime();
            ProbeResult timedOut = ProbeResult.failed(timeout, Words.timedOut(timeout), at);
            result.completeOnTimeout(timedOut, timeout.toNanos(), TimeUnit.NANOSECONDS);
            result.whenComplete((r, e) -> {
                if (r == timedOut) {
                    self.get().cancel(true);
                }
            });
            try {
                result.complete(work.run(at, started));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                result.complete(timedOut);
            } catch (Exception | Error e) {
                String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                result.complete(ProbeResult.failed(Duration.ofNanos(System.nanoTime() - started),
                        Words.firstLine(why, 200), at));
            }
            return null;
        });
        self.set(task);
        try {
            context.blocking().execute(task);
        } catch (RejectedExecutionException e) {
            result.complete(ProbeResult.failed(Duration.ZERO, "not run: too many checks waiting", clock.instant()));
        }
        return result;
    }
}
