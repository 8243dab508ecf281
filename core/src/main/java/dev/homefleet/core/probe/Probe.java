package dev.homefleet.core.probe;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * One health check of one target (a URL, HOST:PORT, a command, a service manager), run as often as asked. Built by
 * {@link Probes#of}; run many at once with {@link ProbeRunner}.
 */
public interface Probe {

    /** What is checked, for logs: the URL, HOST:PORT, the command line, "manager of NAME". */
    String target();

    /** How long one run may take; a run that takes longer comes back as "timed out after ...". */
    Duration timeout();

    /**
     * Starts one check. The future never completes exceptionally: every failure, a timeout included, is a result
     * with {@code ok} false, and it completes within {@link #timeout()} of the check starting (a blocking check
     * starts when a thread of its executor takes it).
     */
    CompletableFuture<ProbeResult> run();
}
