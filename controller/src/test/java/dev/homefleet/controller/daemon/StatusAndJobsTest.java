package dev.homefleet.controller.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.homefleet.controller.events.EventType;
import dev.homefleet.controller.store.JobRun;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fleet status [--json]} and {@code fleet jobs} / {@code fleet jobs run NAME} against a running controller,
 * through its socket: machines, services up / down / degraded / unknown and since when, the last heartbeat, the
 * failing checks; every job run recorded with its outcome and what it did.
 */
class StatusAndJobsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private LocalFleet fleet;
    private String socket;

    @BeforeEach
    void setUp() throws Exception {
        fleet = new LocalFleet(dir);
        int webPort = Loopback.freePort();
        int closedPort = Loopback.freePort();
        Path flag = dir.resolve("flappy.flag");
        // Checks run when asked (`fleet jobs run checks`), so each state is reached on purpose. flappy fails, then
        // passes, then fails: unknown, up, degraded; broken never answers: unknown, then down.
        fleet.write(LocalFleet.head() + fleet.nodeService("web", webPort, "") + """
                      broken:
                        manager:
                          type: process
                          command: [sleep, "600"]
                        check:
                          tcp: 127.0.0.1:%d
                          timeout: 1s
                          fall: 2
                      flappy:
                        manager:
                          type: process
                          command: [sleep, "600"]
                        check:
                          command: [sh, -c, "if [ -e '%s' ]; then rm '%s'; else touch '%s'; exit 1; fi"]
                          timeout: 2s
                          fall: 3
                          rise: 1
                jobs:
                  checks:
                    schedule: "@every 1h"
                  heartbeat:
                    schedule: "@every 1h"
                  healer:
                    schedule: "@every 1h"
                    max_restarts_per_run: 0
                  cleaner:
                    enabled: false
                """.formatted(closedPort, flag, flag, flag));
        fleet.startService("web", webPort);
        fleet.start();
        socket = fleet.socket().toString();
        await().atMost(Duration.ofSeconds(10)).until(() -> "ok".equals(outcome("checks"))
                && "ok".equals(outcome("heartbeat")));
    }

    @AfterEach
    void tearDown() {
        fleet.close();
    }

    private String outcome(String job) {
        var status = fleet.daemon().state().jobs().get(job);
        return status == null ? null : status.outcome();
    }

    @Test
    void fleet_status_shows_each_service_up_down_degraded_or_unknown_since_when_the_heartbeat_and_failing_checks()
            throws Exception {
        JsonNode first = status();
        assertThat(service(first, "web").path("health").asText()).isEqualTo("up");
        assertThat(service(first, "broken").path("health").asText()).isEqualTo("unknown");
        assertThat(service(first, "flappy").path("health").asText()).isEqualTo("unknown");

        assertThat(fleet.fleet("jobs", "run", "checks", "--socket", socket).exitCode()).isZero();
        assertThat(fleet.fleet("jobs", "run", "checks", "--socket", socket).exitCode()).isZero();

        LocalFleet.Run json = fleet.fleet("status", "--json", "--socket", socket);
        assertThat(json.exitCode()).as("something is down").isEqualTo(1);
        JsonNode state = JSON.readTree(json.out());
        JsonNode machine = state.path("machines").path(LocalFleet.MACHINE);
        assertThat(machine.path("health").asText()).isEqualTo("up");
        assertThat(Instant.parse(machine.path("last_heartbeat").asText())).isBefore(Instant.now());
        assertThat(service(state, "web").path("health").asText()).isEqualTo("up");
        assertThat(service(state, "broken").path("health").asText()).isEqualTo("down");
        assertThat(service(state, "broken").path("failures").asInt()).isEqualTo(3);
        assertThat(service(state, "flappy").path("health").asText()).isEqualTo("degraded");
        assertThat(service(state, "flappy").path("failures").asInt()).isEqualTo(1);
        for (String name : List.of("web", "broken", "flappy")) {
            assertThat(Instant.parse(service(state, name).path("since").asText())).isBefore(Instant.now());
            assertThat(service(state, name).path("last_check").isTextual()).isTrue();
        }
        assertThat(fleet.events(EventType.SERVICE_DOWN)).singleElement()
                .satisfies(e -> assertThat(e.service()).isEqualTo("broken"));

        LocalFleet.Run text = fleet.fleet("status", "--socket", socket);
        assertThat(text.exitCode()).isEqualTo(1);
        assertThat(text.out())
                .containsPattern("here +up +\\d+s ago +local +\\d+s ago")
                .containsPattern("here/web +up +\\d+s ago")
                .containsPattern("here/broken +down +\\d+s ago")
                .containsPattern("here/flappy +degraded +\\d+s ago")
                .contains("Failing checks:")
                .contains("here/broken: 3 failed in a row: connection refused")
                .contains("here/flappy: 1 failed in a row")
                .doesNotContain("here/web:")
                .doesNotContain("NOT THE FILE ON DISK");
    }

    @Test
    void every_job_run_is_recorded_and_shown_by_fleet_jobs_and_fleet_jobs_run_runs_one_now() throws Exception {
        LocalFleet.Run run = fleet.fleet("jobs", "run", "healer", "--socket", socket);
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("healer: ok, nothing was down");

        assertThat(fleet.fleet("jobs", "run", "checks", "--socket", socket).exitCode()).isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> healerRuns().size() >= 2
                && healerRuns().get(healerRuns().size() - 1).finished() != null);
        JobRun woken = healerRuns().get(healerRuns().size() - 1);
        assertThat(woken.outcome()).isEqualTo(JobRun.OK);
        assertThat(woken.summary()).as("woken by service.down, it may restart nothing (max 0 per run)")
                .contains("1 deferred");
        assertThat(woken.details().get("lines")).as("what it did").asList().singleElement().asString()
                .startsWith("here/broken: deferred to the next run");

        LocalFleet.Run jobs = fleet.fleet("jobs", "--socket", socket);
        assertThat(jobs.exitCode()).isZero();
        assertThat(jobs.out())
                .containsPattern("checks +@every 1h +\\d+s ago +ok +in 59m")
                .containsPattern("heartbeat +@every 1h +\\d+s ago +ok")
                .containsPattern("healer +@every 1h +\\d+s ago +ok .*1 deferred")
                .containsPattern("cleaner +off \\(run by hand\\) +- +-")
                .contains("Recent runs:")
                .containsPattern("healer +\\d+s ago +\\d+ ms +ok +nothing was down");

        JsonNode answer = JSON.readTree(fleet.fleet("jobs", "--json", "--socket", socket).out());
        assertThat(answer.path("runs").findValuesAsText("job")).contains("checks", "heartbeat", "healer");
        for (JsonNode r : answer.path("runs")) {
            assertThat(r.path("outcome").asText()).isEqualTo("ok");
            assertThat(r.path("finished").isTextual()).isTrue();
            assertThat(r.path("summary").asText()).isNotBlank();
        }
        assertThat(fleet.events(EventType.JOB_FINISHED)).anySatisfy(e -> {
            assertThat(e.subject()).isEqualTo("healer");
            assertThat(e.data()).containsKeys("run", "duration_ms", "details");
        });

        LocalFleet.Run unknown = fleet.fleet("jobs", "run", "nope", "--socket", socket);
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("no job named 'nope'; the jobs are checks, heartbeat, healer, cleaner");
    }

    /** Oldest first. */
    private List<JobRun> healerRuns() {
        return fleet.daemon().store().jobRuns("healer", 10);
    }

    private JsonNode status() throws Exception {
        LocalFleet.Run run = fleet.fleet("status", "--json", "--socket", socket);
        assertThat(run.err()).isEmpty();
        return JSON.readTree(run.out());
    }

    private static JsonNode service(JsonNode state, String name) {
        return state.path("machines").path(LocalFleet.MACHINE).path("services").path(name);
    }
}
