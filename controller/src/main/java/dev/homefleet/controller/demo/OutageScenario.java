package dev.homefleet.controller.demo;

import dev.homefleet.controller.events.EventType;
import dev.homefleet.controller.events.FleetEvent;
import dev.homefleet.core.config.Durations;
import dev.homefleet.core.config.FailoverSpec;
import dev.homefleet.core.config.JobsSpec;
import dev.homefleet.core.service.process.ProcessServiceManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code fleet demo --scenario outage}: the primary of the demo's failover pair breaks and stays broken for a while,
 * so a person watches the whole chain: the service goes down, the healer restarts it until its budget is spent and
 * gives up, the standby's watchdog takes over after {@code fall} failed checks; then the demo repairs it and starts it
 * again, and the watchdog yields after {@code rise} good ones.
 *
 * <p>Breaking is a file the demo service checks ({@link DemoService#brokenFile}): the running service crashes, and
 * every start fails at once, whoever tries (the healer, a person with {@code fleet restart}).
 */
public final class OutageScenario implements AutoCloseable {
    private final Demo demo;
    private final Duration after;
    private final Duration lasting;
    private final FailoverSpec failover;
    private final Path broken;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "homefleet-demo-outage");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean repaired = new AtomicBoolean();
    private final AtomicBoolean over = new AtomicBoolean();

    /**
     * @param after   how long after the start the primary breaks
     * @param lasting how long it stays broken
     * @throws IllegalArgumentException when the demo fleet has no failover pair with a primary service
     */
    public OutageScenario(Demo demo, Duration after, Duration lasting) {
        this.demo = demo;
        this.after = after;
        this.lasting = lasting;
        this.failover = demo.config().failover().values().stream().filter(f -> f.primary().service() != null)
                .findFirst().orElseThrow(() -> new IllegalArgumentException("the outage scenario needs a failover "
                        + "pair whose primary names a service in the demo's fleet file"));
        Path home = demo.home(failover.primary().machine()).orElseThrow(() -> new IllegalArgumentException(
                "the primary of failover." + failover.name() + ", " + failover.primary().machine()
                        + ", is not reached, so the demo runs nothing there"));
        this.broken = DemoService.brokenFile(home, failover.primary().service());
    }

    private String primary() {
        return failover.primary().machine() + "/" + failover.primary().service();
    }

    private String standby() {
        return failover.standby().machine()
                + (failover.standby().service() == null ? "" : "/" + failover.standby().service());
    }

    /** Tells what is coming and schedules the outage and the repair. */
    public OutageScenario start() {
        JobsSpec.Healer healer = demo.config().jobs().healer();
        demo.say("outage scenario: in " + Durations.format(after) + ", " + primary() + " breaks for "
                + Durations.format(lasting) + ". Watch service.down, the healer's restarts (" + healer.restartBudget()
                + " in " + Durations.format(healer.budgetWindow()) + ", then service.gave-up), the takeover by "
                + standby() + " after " + failover.fall() + " failed checks, and its yield after " + failover.rise()
                + " good ones once the demo repairs it.");
        demo.daemon().events().subscribe("demo outage scenario", this::onEvent);
        timer.schedule(this::breakPrimary, after.toMillis(), TimeUnit.MILLISECONDS);
        timer.schedule(this::repairPrimary, after.plus(lasting).toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    private void breakPrimary() {
        try {
            Files.createDirectories(broken.getParent());
            Files.writeString(broken, "broken by fleet demo --scenario outage\n");
            demo.say(">>> outage: " + primary() + " crashes now, and every start fails until the demo repairs it in "
                    + Durations.format(lasting));
        } catch (IOException e) {
            demo.say(">>> the outage could not start: cannot write " + broken + ": " + e.getMessage());
        }
    }

    private void repairPrimary() {
        try {
            Files.deleteIfExists(broken);
            repaired.set(true);
            demo.say(">>> repair: " + primary() + " is fixed; the demo starts it again (as `fleet restart "
                    + primary() + "` would)");
            ProcessServiceManager manager = demo.services().manager(failover.primary().machine(),
                    failover.primary().service());
            manager.start();
        } catch (IOException | RuntimeException e) {
            demo.say(">>> the repair failed: " + e.getMessage());
        }
    }

    private void onEvent(FleetEvent event) {
        if (repaired.get() && event.type() == EventType.FAILOVER_YIELD && failover.name().equals(event.subject())
                && over.compareAndSet(false, true)) {
            demo.say(">>> the outage is over: " + primary() + " serves again and " + standby()
                    + " is back on standby. Ctrl-C stops the demo.");
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
