package dev.homefleet.controller.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A laptop sleep, as near as a test gets: the scheduler runs in a JVM of its own ({@link SleepingScheduler}), which
 * the test stops with SIGSTOP for longer than the 5 s misfire threshold and wakes with SIGCONT. The whole process
 * stops, so Quartz meets the sleep wherever it happens to be, typically waiting for a trigger it already picked up.
 */
class LaptopSleepTest {

    /**
     * Long enough that Quartz calls it a misfire whichever 2 s slot it was waiting for: the slot after the one it
     * held is then at least 10 - 2 - 2 = 6 s late, past the 5 s threshold, so the schedule restarts from the wake.
     */
    private static final Duration SLEEP = Duration.ofSeconds(10);
    /** After waking: the run on wake, and not yet the next slot, 2 s after wake (1.7 s for the cron job). */
    private static final Duration AWAKE = Duration.ofMillis(1_200);

    private final List<Process> children = new CopyOnWriteArrayList<>();

    @AfterEach
    void stopChildren() throws IOException, InterruptedException {
        for (Process child : children) {
            signal(child, "CONT");
            child.destroyForcibly();
            child.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void after_a_sleep_past_the_misfire_threshold_each_job_runs_once_on_wake_not_once_per_missed_slot()
            throws Exception {
        Child interval = start("@every 2s");
        Child cron = start("*/2 * * * * ?");
        interval.awaitRuns(1);
        cron.awaitRuns(1);

        signal(interval.process, "STOP");
        signal(cron.process, "STOP");
        Thread.sleep(SLEEP.toMillis());
        // Wake just after a cron slot (an even second), so the next slot is about 2 s away.
        while (System.currentTimeMillis() % 2_000 < 100 || System.currentTimeMillis() % 2_000 > 300) {
            Thread.sleep(5);
        }
        long woke = System.currentTimeMillis();
        signal(interval.process, "CONT");
        signal(cron.process, "CONT");
        Thread.sleep(AWAKE.toMillis());

        assertThat(interval.runsBetween(woke, woke + AWAKE.toMillis())).as("@every 2s runs on wake: %s", interval.runs)
                .isEqualTo(1);
        assertThat(cron.runsBetween(woke, woke + AWAKE.toMillis())).as("*/2 * * * * ? runs on wake: %s", cron.runs)
                .isEqualTo(1);
    }

    private record Child(Process process, List<Long> runs) {
        void awaitRuns(int count) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (runs.size() < count && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(runs).as("runs of the scheduler in pid %d", process.pid()).hasSizeGreaterThanOrEqualTo(count);
        }

        long runsBetween(long from, long to) {
            return runs.stream().filter(at -> at >= from && at <= to).count();
        }
    }

    private Child start(String schedule) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-Xmx64m", "-cp", testClassPath(),
                SleepingScheduler.class.getName(), schedule)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        children.add(process);
        List<Long> runs = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    if (line.startsWith("run ")) {
                        runs.add(Long.parseLong(line.substring(4)));
                    }
                }
            } catch (IOException gone) {
                // the child ended
            }
        }, "sleeping-scheduler-output");
        reader.setDaemon(true);
        reader.start();
        return new Child(process, runs);
    }

    private static void signal(Process process, String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }

    /** Surefire may hide the real class path behind a manifest-only jar; that jar works for a child JVM too. */
    private static String testClassPath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }
}
