package dev.homefleet.core.probe;

import dev.homefleet.core.config.CheckSpec;
import dev.homefleet.core.service.ServiceManager;
import dev.homefleet.core.service.ServiceState;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * Asks the service's manager (launchd, pm2, a Windows service, a process) for its state; healthy when it says
 * running. Runs on the bounded blocking executor.
 */
final class ManagerProbe implements Probe {

    private final ServiceManager manager;
    private final Duration timeout;
    private final ProbeContext context;

    ManagerProbe(CheckSpec check, ProbeContext context) {
        if (context.manager() == null) {
            throw new IllegalArgumentException("a manager check needs the service's ServiceManager in its "
                    + "ProbeContext");
        }
        this.manager = context.manager();
        this.timeout = check.timeout();
        this.context = context;
    }

    @Override
    public String target() {
        return "manager " + manager.getClass().getSimpleName();
    }

    @Override
    public Duration timeout() {
        return timeout;
    }

    @Override
    public CompletableFuture<ProbeResult> run() {
        return Blocking.run(context, timeout, (at, started) -> {
            ServiceState state;
            try {
                state = manager.status();
            } catch (IOException e) {
                return ProbeResult.failed(Duration.ofNanos(System.nanoTime() - started),
                        "manager: " + Words.firstLine(e.getMessage(), 200), at);
            }
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            String said = "manager: " + state.state().name().toLowerCase(Locale.ROOT)
                    + (state.detail() == null || state.detail().isBlank() ? ""
                            : " (" + Words.firstLine(state.detail(), 80) + ")");
            return new ProbeResult(state.state().isUp(), took, said, at);
        });
    }
}
