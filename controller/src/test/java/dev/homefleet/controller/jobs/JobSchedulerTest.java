package dev.homefleet.controller.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.homefleet.core.config.Schedule;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The real Quartz scheduler with jobs of a second or two; no clock is faked. */
class JobSchedulerTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final JobScheduler scheduler = new JobScheduler("test-" + System.nanoTime(), 4);
    private final AtomicBoolean release = new AtomicBoolean();

    @AfterEach
    void stop() {
        release.set(true);
        scheduler.shutdown(Duration.ofSeconds(5));
    }

    @Test
    void a_job_that_takes_longer_than_its_interval_never_runs_twice_at_once() {
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        AtomicInteger runs = new AtomicInteger();
        scheduler.schedule("slow", Schedule.parse("@every 1s"), () -> {
            most.accumulateAndGet(inside.incrementAndGet(), Math::max);
            work(1_300);
            inside.decrementAndGet();
            runs.incrementAndGet();
        });
        scheduler.start();
        scheduler.runNow("slow");

        await().atMost(WAIT).until(() -> runs.get() >= 2);

        assertThat(most.get()).as("runs of one job at the same time, with 4 threads free").isEqualTo(1);
    }

    @Test
    void run_now_while_the_job_runs_starts_the_next_run_when_this_one_ends() throws InterruptedException {
        List<Instant[]> runs = new CopyOnWriteArrayList<>();
        CountDownLatch firstStarted = new CountDownLatch(1);
        CountDownLatch finishFirst = new CountDownLatch(1);
        scheduler.register("manual", () -> {
            Instant start = Instant.now();
            firstStarted.countDown();
            if (runs.isEmpty()) {
                awaitLatch(finishFirst);
            }
            runs.add(new Instant[] {start, Instant.now()});
        });
        scheduler.start();

        scheduler.runNow("manual");
        assertThat(firstStarted.await(10, TimeUnit.SECONDS)).isTrue();
        scheduler.runNow("manual");
        sleep(500);
        assertThat(runs).as("the second run waits for the first").isEmpty();
        finishFirst.countDown();

        await().atMost(WAIT).until(() -> runs.size() == 2);
        assertThat(runs.get(1)[0]).as("second start").isAfterOrEqualTo(runs.get(0)[1]);
    }

    @Test
    void a_quartz_cron_job_fires_on_its_schedule_and_says_when_it_fires_next() {
        AtomicInteger runs = new AtomicInteger();
        scheduler.schedule("every-second", Schedule.parse("* * * * * ?"), runs::incrementAndGet);
        scheduler.start();

        await().atMost(WAIT).until(() -> runs.get() >= 2);

        assertThat(scheduler.scheduleOf("every-second")).map(Schedule::toString).contains("* * * * * ?");
        assertThat(scheduler.nextFire("every-second")).get()
                .satisfies(next -> assertThat(next).isBetween(Instant.now().minusSeconds(1), Instant.now().plusSeconds(2)));
    }

    @Test
    void a_five_field_crontab_line_is_scheduled_for_its_next_minute() {
        scheduler.schedule("cleaner", Schedule.parse("*/15 * * * *"), () -> { });
        scheduler.start();

        Instant next = scheduler.nextFire("cleaner").orElseThrow();
        assertThat(next).isAfter(Instant.now()).isBefore(Instant.now().plus(Duration.ofMinutes(15)).plusSeconds(1));
        assertThat(next.getEpochSecond() % 60).as("on a whole minute").isZero();
        assertThat(next.getEpochSecond() / 60 % 15).as("a quarter past, half past...").isZero();
    }

    @Test
    void an_interval_job_first_fires_one_interval_after_it_is_scheduled() {
        Instant before = Instant.now();
        scheduler.schedule("heartbeat", Schedule.parse("@every 60m"), () -> { });
        scheduler.start();

        assertThat(scheduler.nextFire("heartbeat")).get().satisfies(next -> assertThat(next)
                .isBetween(before.plus(Duration.ofMinutes(60)), Instant.now().plus(Duration.ofMinutes(60))));
    }

    @Test
    void scheduling_a_name_again_replaces_its_task_and_its_schedule() {
        AtomicInteger old = new AtomicInteger();
        AtomicInteger replacement = new AtomicInteger();
        scheduler.schedule("checks", Schedule.parse("@every 1s"), old::incrementAndGet);
        scheduler.start();
        scheduler.runNow("checks");
        await().atMost(WAIT).until(() -> old.get() >= 1);

        scheduler.schedule("checks", Schedule.parse("@every 1s"), replacement::incrementAndGet);
        int oldRuns = old.get();
        await().atMost(WAIT).until(() -> replacement.get() >= 1);

        assertThat(old.get()).as("the old task after it was replaced").isEqualTo(oldRuns);
        scheduler.schedule("checks", Schedule.parse("@every 45m"), replacement::incrementAndGet);
        assertThat(scheduler.scheduleOf("checks")).map(Schedule::toString).contains("@every 45m");
        assertThat(scheduler.nextFire("checks")).get()
                .satisfies(next -> assertThat(next).isAfter(Instant.now().plus(Duration.ofMinutes(44))));
    }

    @Test
    void a_registered_job_runs_only_when_asked_and_can_be_removed() {
        AtomicInteger runs = new AtomicInteger();
        scheduler.schedule("healer", Schedule.parse("@every 1s"), runs::incrementAndGet);
        scheduler.register("healer", runs::incrementAndGet);
        scheduler.start();

        assertThat(scheduler.has("healer")).isTrue();
        assertThat(scheduler.scheduleOf("healer")).isEmpty();
        assertThat(scheduler.nextFire("healer")).isEmpty();
        sleep(1_500);
        assertThat(runs.get()).as("runs on its own").isZero();

        scheduler.runNow("healer");
        await().atMost(WAIT).until(() -> runs.get() == 1);

        scheduler.remove("healer");
        assertThat(scheduler.has("healer")).isFalse();
        assertThatThrownBy(() -> scheduler.runNow("healer")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no job named healer");
    }

    @Test
    void a_task_that_throws_keeps_its_schedule() {
        AtomicInteger runs = new AtomicInteger();
        scheduler.schedule("flaky", Schedule.parse("@every 1s"), () -> {
            runs.incrementAndGet();
            throw new IllegalStateException("the store is locked");
        });
        scheduler.start();
        scheduler.runNow("flaky");

        await().atMost(WAIT).until(() -> runs.get() >= 2);
    }

    @Test
    void shutdown_waits_for_a_job_that_finishes_within_the_grace() throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean finished = new AtomicBoolean();
        scheduler.register("cleaner", () -> {
            started.countDown();
            sleep(700);
            finished.set(true);
        });
        scheduler.start();
        scheduler.runNow("cleaner");
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

        assertThat(scheduler.shutdown(Duration.ofSeconds(5))).isTrue();
        assertThat(finished).isTrue();
    }

    @Test
    void shutdown_interrupts_a_job_still_running_after_the_grace_and_says_it_did_not_finish()
            throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        scheduler.register("healer", () -> {
            started.countDown();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                stopped.countDown();
            }
        });
        scheduler.start();
        scheduler.runNow("healer");
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

        assertThat(scheduler.shutdown(Duration.ofMillis(300))).isFalse();
        assertThat(stopped.await(5, TimeUnit.SECONDS)).as("the job saw the interrupt").isTrue();
    }

    @Test
    void shutdown_abandons_a_job_that_ignores_interrupts_and_returns_after_the_grace() throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        AtomicInteger interruptsIgnored = new AtomicInteger();
        scheduler.register("stubborn", () -> {
            started.countDown();
            while (!release.get()) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException ignored) {
                    interruptsIgnored.incrementAndGet();
                }
            }
        });
        scheduler.start();
        scheduler.runNow("stubborn");
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

        long begun = System.nanoTime();
        boolean finished = scheduler.shutdown(Duration.ofMillis(500));
        Duration took = Duration.ofNanos(System.nanoTime() - begun);

        assertThat(finished).isFalse();
        assertThat(took).as("shutdown(500ms) with a job that never ends")
                .isBetween(Duration.ofMillis(500), Duration.ofSeconds(3));
        await().atMost(WAIT).until(() -> interruptsIgnored.get() >= 1);
    }

    /** Busy for {@code millis}, or until the test ends. */
    private void work(long millis) {
        long end = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < end && !release.get()) {
            sleep(20);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
