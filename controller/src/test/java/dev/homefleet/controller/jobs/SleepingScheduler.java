package dev.homefleet.controller.jobs;

import dev.homefleet.core.config.Schedule;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;

/**
 * A JobScheduler in a JVM of its own, for a test to put to sleep as a laptop sleeps (SIGSTOP, SIGCONT): runs one job
 * on the schedule in its first argument, prints "run MILLIS" for every run, and exits when its stdin closes.
 */
public final class SleepingScheduler {
    private SleepingScheduler() {}

    public static void main(String[] args) throws IOException {
        PrintStream out = System.out;
        JobScheduler scheduler = new JobScheduler("sleeping", 2);
        scheduler.schedule("tick", Schedule.parse(args[0]), () -> {
            synchronized (out) {
                out.println("run " + System.currentTimeMillis());
                out.flush();
            }
        });
        scheduler.start();
        out.println("started " + System.currentTimeMillis());
        out.flush();
        while (System.in.read() >= 0) {
            // until the test closes our stdin
        }
        scheduler.shutdown(Duration.ofSeconds(1));
    }
}
