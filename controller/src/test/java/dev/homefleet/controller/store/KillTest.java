package dev.homefleet.controller.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.homefleet.controller.events.FleetEvent;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kill -9} of a process writing through the store loses nothing it acknowledged. */
class KillTest {

    private static final int ACKS_BEFORE_KILL = 300;

    @TempDir
    Path dir;

    @Test
    void a_killed_writer_loses_no_acknowledged_event_or_report_and_the_database_opens_clean() throws Exception {
        Path db = dir.resolve("homefleet.db");
        Process child = new ProcessBuilder(javaBinary(), "-cp", testClassPath(), StoreWriter.class.getName(),
                db.toString())
                .redirectError(dir.resolve("child.err").toFile())
                .start();
        List<String> acks = Collections.synchronizedList(new ArrayList<>());
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    acks.add(line);
                }
            } catch (IOException e) {
                // the pipe breaks when the child is killed; what was read is what counts
            }
        }, "kill-test-reader");
        reader.start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> acks.size() >= ACKS_BEFORE_KILL || !child.isAlive());
            assertThat(child.isAlive()).as("the writer died by itself:\n%s",
                    Files.readString(dir.resolve("child.err"))).isTrue();
            child.destroyForcibly(); // SIGKILL: no shutdown hook, no close, mid-write
            assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
            reader.join(10_000);
        } finally {
            child.destroyForcibly();
        }
        assertThat(child.exitValue()).as("killed by SIGKILL").isEqualTo(128 + 9);

        List<String> acknowledged = List.copyOf(acks);
        Set<Long> events = ids(acknowledged, "event ");
        Set<Long> reports = ids(acknowledged, "report ");
        long run = ids(acknowledged, "run ").iterator().next();
        assertThat(events.size() + reports.size()).isGreaterThanOrEqualTo(ACKS_BEFORE_KILL - 1);

        try (Store store = Store.open(db)) {
            assertThat(store.integrityCheck()).isEqualTo("ok");
            Set<Long> storedEvents = store.events(null, null, Integer.MAX_VALUE).stream().map(FleetEvent::id)
                    .collect(Collectors.toSet());
            Set<Long> storedReports = store.reports(null, Integer.MAX_VALUE).stream().map(Report::id)
                    .collect(Collectors.toSet());
            assertThat(storedEvents).containsAll(events);
            assertThat(storedReports).containsAll(reports);
            assertThat(store.jobRuns("heartbeat", 1)).singleElement().satisfies(r -> {
                assertThat(r.id()).isEqualTo(run);
                assertThat(r.outcome()).isEqualTo(JobRun.ABANDONED);
            });
        }
    }

    private static Set<Long> ids(List<String> lines, String prefix) {
        return lines.stream().filter(l -> l.startsWith(prefix)).map(l -> Long.parseLong(l.substring(prefix.length())))
                .collect(Collectors.toSet());
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Surefire may hide the real class path behind a manifest-only jar; that jar works for a child JVM too. */
    private static String testClassPath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }
}
