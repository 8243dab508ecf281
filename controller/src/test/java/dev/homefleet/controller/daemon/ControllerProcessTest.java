package dev.homefleet.controller.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.homefleet.controller.events.EventType;
import dev.homefleet.controller.state.FleetState;
import dev.homefleet.controller.state.Health;
import dev.homefleet.controller.store.JobRun;
import dev.homefleet.controller.store.Report;
import dev.homefleet.controller.store.Store;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code fleet controller} as launchd runs it, a process of its own: SIGTERM (launchd's stop) ends it within 10 s,
 * abandoning a job that would run longer, recording the stop and closing the store; {@code kill -9} at any moment
 * loses no report or event it acknowledged, and a new controller resumes from the last state.
 */
class ControllerProcessTest {
    private static final Logger log = LoggerFactory.getLogger(ControllerProcessTest.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String JOBS = """
            jobs:
              checks:
                schedule: "@every 1s"
              heartbeat:
                schedule: "@every 1h"
              healer:
                enabled: false
              cleaner:
                enabled: false
            """;

    @TempDir
    Path dir;

    private LocalFleet fleet;
    private final List<ControllerProcess> controllers = new ArrayList<>();

    @BeforeEach
    void setUp() {
        fleet = new LocalFleet(dir);
    }

    @AfterEach
    void tearDown() {
        controllers.forEach(ControllerProcess::close);
        fleet.close();
    }

    private ControllerProcess start(String name) throws IOException {
        ControllerProcess controller = ControllerProcess.start(fleet, name);
        controllers.add(controller);
        return controller;
    }

    @Test
    void sigterm_stops_it_within_10_s_abandoning_a_longer_job_recording_the_stop_and_closing_the_store()
            throws Exception {
        // A check that would run 30 s, so a checks run is under way when the stop comes; its argument finds it.
        String sleep = "37." + ThreadLocalRandom.current().nextInt(1000, 10_000);
        fleet.write(LocalFleet.head() + """
                      slow:
                        manager:
                          type: process
                          command: [sleep, "600"]
                        check:
                          command: [sleep, "%s"]
                          timeout: 30s
                """.formatted(sleep) + JOBS);
        ControllerProcess controller = start("controller");
        int port = URI.create(controller.url()).getPort();
        await().atMost(Duration.ofSeconds(20)).until(() -> !Loopback.pids("sleep " + sleep).isEmpty());

        Duration took = controller.terminate(Duration.ofSeconds(30));

        assertThat(controller.process().isAlive()).as("still running after SIGTERM:\n%s", controller.log()).isFalse();
        log.info("fleet controller stopped {} ms after SIGTERM, exit code {}", took.toMillis(),
                controller.process().exitValue());
        assertThat(took).isLessThan(Duration.ofSeconds(10));
        assertThat(controller.process().exitValue()).as("stopped by SIGTERM").isEqualTo(128 + 15);
        await().atMost(Duration.ofSeconds(3)).untilAsserted(() -> assertThat(Loopback.pids("sleep " + sleep))
                .as("the abandoned check's process").isEmpty());
        assertThat(Loopback.listening(port)).isFalse();
        assertThat(fleet.socket()).doesNotExist();

        assertThat(ControllerProcess.query(fleet.database(), "SELECT type FROM events ORDER BY id DESC LIMIT 1"))
                .containsExactly("controller.stopped");
        assertThat(ControllerProcess.query(fleet.database(), "SELECT message FROM events ORDER BY id DESC LIMIT 1"))
                .singleElement().asString().contains("running jobs were abandoned");
        assertThat(ControllerProcess.query(fleet.database(),
                "SELECT outcome || ': ' || summary FROM job_runs WHERE job = 'checks' ORDER BY id DESC LIMIT 1"))
                .singleElement().asString().startsWith("abandoned: abandoned at shutdown");
        assertThat(ControllerProcess.query(fleet.database(), "SELECT COUNT(*) FROM job_runs WHERE outcome = 'running'"))
                .containsExactly("0");
        try (Store store = Store.open(fleet.database())) {
            assertThat(store.integrityCheck()).isEqualTo("ok");
        }
    }

    @Test
    void kill_9_loses_no_acknowledged_report_or_event_and_the_next_controller_resumes_the_last_state()
            throws Exception {
        int port = Loopback.freePort();
        fleet.write(LocalFleet.head() + fleet.nodeService("web", port, "") + """
                checkins:
                  nightly:
                    machine: here
                    schedule: "0 3 * * *"
                """ + JOBS);
        ControllerProcess first = start("first");
        // web is not running: down after two checks, and that event committed.
        await().atMost(Duration.ofSeconds(20)).until(() -> ControllerProcess.query(fleet.database(),
                "SELECT COUNT(*) FROM events WHERE type = 'service.down' AND service = 'web'").equals(List.of("1")));
        long downId = Long.parseLong(ControllerProcess.query(fleet.database(),
                "SELECT id FROM events WHERE type = 'service.down'").get(0));

        // Reports with the seed's body, each acknowledged before the next, until the controller is killed mid-stream.
        List<Long> acknowledged = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean running = new AtomicBoolean(true);
        Thread poster = new Thread(() -> {
            for (int i = 0; running.get(); i++) {
                try {
                    HttpResponse<String> answer = Loopback.post(first.url() + "/api/log",
                            "{\"jobId\":\"nightly\",\"message\":\"run " + i + "\",\"status\":\"ok\"}");
                    if (answer.statusCode() != 200) {
                        return;
                    }
                    acknowledged.add(JSON.readTree(answer.body()).path("id").asLong());
                } catch (IOException | InterruptedException e) {
                    return;
                }
            }
        }, "report-poster");
        poster.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> acknowledged.size() >= 40);
        Instant killed = Instant.now();
        first.kill();
        running.set(false);
        poster.join(15_000);
        assertThat(first.process().exitValue()).as("killed by SIGKILL").isEqualTo(128 + 9);

        ControllerDaemon daemon = fleet.start(); // its socket file is still there, left by the killed one
        Set<Long> stored = daemon.store().reports("nightly", 100_000).stream().map(Report::id)
                .collect(Collectors.toSet());
        log.info("{} reports acknowledged before kill -9, {} stored", acknowledged.size(), stored.size());
        assertThat(stored).containsAll(List.copyOf(acknowledged));
        assertThat(fleet.events(EventType.SERVICE_DOWN)).singleElement()
                .satisfies(e -> assertThat(e.id()).isEqualTo(downId));
        assertThat(fleet.events(EventType.CONTROLLER_STARTED)).hasSize(2);
        assertThat(fleet.events(EventType.CONTROLLER_STOPPED)).isEmpty();
        assertThat(daemon.store().jobRuns(null, 10_000)).filteredOn(r -> r.started().isBefore(killed))
                .as("the killed controller's runs").isNotEmpty()
                .noneSatisfy(r -> assertThat(r.outcome()).isEqualTo(JobRun.RUNNING));
        assertThat(daemon.store().integrityCheck()).isEqualTo("ok");

        // Where the last one was: web down (no second outage announced), nightly's last report known.
        assertThat(fleet.service("web")).hasValueSatisfying(s -> assertThat(s.health()).isEqualTo(Health.DOWN));
        Report last = daemon.store().reports("nightly", 1).get(0);
        FleetState.CheckinStatus nightly = daemon.state().checkins().get("nightly");
        assertThat(nightly.lastReport()).isEqualTo(last.at());
        assertThat(nightly.lastMessage()).isEqualTo(last.message());
        await().atMost(Duration.ofSeconds(10)).until(() -> fleet.service("web").orElseThrow().failures() >= 4);
        assertThat(fleet.events(EventType.SERVICE_DOWN)).hasSize(1);

        fleet.startService("web", port);
        fleet.awaitEvent(EventType.SERVICE_UP, "web", Duration.ofSeconds(10));
        assertThat(fleet.events(EventType.SERVICE_DOWN)).hasSize(1);
        assertThat(Files.exists(fleet.socket())).isTrue();
    }
}
