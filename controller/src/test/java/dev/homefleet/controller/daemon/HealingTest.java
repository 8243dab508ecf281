package dev.homefleet.controller.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.homefleet.controller.events.EventType;
import dev.homefleet.controller.events.FleetEvent;
import dev.homefleet.controller.state.Health;
import dev.homefleet.controller.store.JobRun;
import dev.homefleet.core.service.process.ProcessServiceManager;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The controller keeps real processes up on its own machine: a killed service is seen down after {@code fall}
 * checks, restarted by the healer and seen up again; one that dies at every start is restarted until its budget
 * is spent, then given up on.
 */
class HealingTest {

    @TempDir
    Path dir;

    private LocalFleet fleet;

    @BeforeEach
    void setUp() {
        fleet = new LocalFleet(dir);
    }

    @AfterEach
    void tearDown() {
        fleet.close();
    }

    private static String jobs(String healerSchedule) {
        return """
                jobs:
                  checks:
                    schedule: "@every 1s"
                  heartbeat:
                    schedule: "@every 1h"
                  healer:
                    schedule: "%s"
                    restart_budget: 2
                    budget_window: 1h
                  cleaner:
                    enabled: false
                """.formatted(healerSchedule);
    }

    @Test
    void a_killed_service_goes_down_after_fall_failed_checks_is_restarted_by_the_healer_and_comes_back_up()
            throws Exception {
        int port = Loopback.freePort();
        fleet.write(LocalFleet.head() + fleet.nodeService("web", port, "") + jobs("@every 1h"));
        ProcessServiceManager web = fleet.startService("web", port);
        long firstPid = web.status().pid();
        fleet.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> fleet.service("web").map(s -> s.health() == Health.UP)
                .orElse(false));

        assertThat(Loopback.signal(firstPid, "KILL")).isTrue();

        FleetEvent down = fleet.awaitEvent(EventType.SERVICE_DOWN, "web", Duration.ofSeconds(10));
        assertThat(down.machine()).isEqualTo(LocalFleet.MACHINE);
        assertThat(down.data()).containsEntry("fall", 2);
        assertThat(down.message()).contains("here/web is down", "2 failed checks in a row");

        FleetEvent restarted = fleet.awaitEvent(EventType.SERVICE_RESTARTED, "web", Duration.ofSeconds(20));
        FleetEvent up = fleet.awaitEvent(EventType.SERVICE_UP, "web", Duration.ofSeconds(10));
        // service.restarted is published once the healer's own check passed, so the checks job may publish
        // service.up a moment before it; by their times it is down, restarted, up.
        assertThat(List.of(down.ts(), restarted.ts(), up.ts())).isSorted();
        assertThat(restarted.data()).containsEntry("verified", true);
        assertThat(fleet.events(EventType.SERVICE_DOWN, "web")).hasSize(1);
        assertThat(Loopback.get(port)).contains("ok");
        assertThat(web.status().pid()).isPositive().isNotEqualTo(firstPid);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(fleet.service("web")).hasValueSatisfying(
                s -> {
                    assertThat(s.health()).isEqualTo(Health.UP);
                    assertThat(s.restarts()).isEqualTo(1);
                }));

        // The service.down woke the healer, whose run is recorded with what it did.
        List<JobRun> healerRuns = fleet.daemon().store().jobRuns("healer", 10);
        assertThat(healerRuns).anySatisfy(run -> {
            assertThat(run.outcome()).isEqualTo(JobRun.OK);
            assertThat(run.summary()).contains("restarted");
            assertThat(run.finished()).isNotNull();
        });
    }

    @Test
    void a_killed_service_on_a_worker_is_seen_down_through_its_agent_restarted_by_it_and_up_again()
            throws Exception {
        int port = Loopback.freePort();
        int agentPort = Loopback.freePort();
        fleet.write(LocalFleet.head() + """
                  worker:
                    os: linux
                    reach:
                      via: agent
                    agent:
                      port: %d
                      bind: loopback
                    services:
                """.formatted(agentPort) + fleet.nodeService("web", port, "") + jobs("@every 1h"));
        ProcessServiceManager web = fleet.process("worker", "web", AgentProcess.home(dir));
        try (AgentProcess agent = AgentProcess.start(fleet.file, "worker", agentPort, dir)) {
            LocalFleet.startService(web, port);
            long firstPid = web.status().pid();
            fleet.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> fleet.daemon().state().machines().containsKey("worker")
                    && fleet.daemon().state().machines().get("worker").services().containsKey("web"));

            assertThat(Loopback.signal(firstPid, "KILL")).isTrue();

            FleetEvent down = fleet.awaitEvent(EventType.SERVICE_DOWN, "web", Duration.ofSeconds(10));
            assertThat(down.machine()).isEqualTo("worker");
            FleetEvent restarted = fleet.awaitEvent(EventType.SERVICE_RESTARTED, "web", Duration.ofSeconds(20));
            assertThat(restarted.data()).as(agent.log()).containsEntry("verified", true);
            fleet.awaitEvent(EventType.SERVICE_UP, "web", Duration.ofSeconds(10));
            assertThat(Loopback.get(port)).contains("ok");
            assertThat(web.status().pid()).as("restarted by the agent's process manager, in its HOME").isPositive()
                    .isNotEqualTo(firstPid);
        } finally {
            web.stop();
        }
    }

    @Test
    void an_edit_of_the_healers_limits_is_applied_live_at_its_next_run() throws Exception {
        int port = Loopback.freePort();
        // The controller's machine also declares an agent, which is not running: the healer restarts through the
        // process manager here instead.
        String withAgent = LocalFleet.head().replace("    services:\n", """
                    agent:
                      port: %d
                      bind: loopback
                    services:
                """.formatted(Loopback.freePort()));
        String reporting = withAgent + fleet.nodeService("web", port, "")
                + jobs("@every 1s").replace("    restart_budget: 2\n", "    restart_budget: 2\n    max_restarts_per_run: 0\n");
        fleet.write(reporting);
        ProcessServiceManager web = fleet.startService("web", port);
        fleet.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> fleet.service("web").map(s -> s.health() == Health.UP)
                .orElse(false));
        assertThat(Loopback.signal(web.status().pid(), "KILL")).isTrue();
        fleet.awaitEvent(EventType.SERVICE_DOWN, "web", Duration.ofSeconds(10));
        await().atMost(Duration.ofSeconds(10)).until(() -> fleet.daemon().store().jobRuns("healer", 100).stream()
                .anyMatch(r -> "1 deferred".equals(r.summary())));

        fleet.write(reporting.replace("max_restarts_per_run: 0", "max_restarts_per_run: 1"));

        FleetEvent applied = fleet.awaitEventOfType(EventType.CONFIG_APPLIED, Duration.ofSeconds(10));
        assertThat(applied.data().get("changes")).asList()
                .containsExactly("changed job jobs.healer: max_restarts_per_run 0 -> 1");
        assertThat(applied.data()).containsEntry("restart_needed", false);
        fleet.awaitEvent(EventType.SERVICE_RESTARTED, "web", Duration.ofSeconds(20));
        fleet.awaitEvent(EventType.SERVICE_UP, "web", Duration.ofSeconds(10));
        assertThat(Loopback.get(port)).contains("ok");
    }

    @Test
    void a_service_that_crashes_at_every_start_is_restarted_until_its_budget_is_spent_then_given_up_on()
            throws Exception {
        fleet.write(LocalFleet.head() + """
                      crashy:
                        manager:
                          type: process
                          command: [sh, -c, "echo starting; exit 3"]
                        check:
                          manager: true
                          timeout: 2s
                          fall: 2
                          rise: 1
                """ + jobs("@every 1s"));
        fleet.start();

        fleet.awaitEvent(EventType.SERVICE_DOWN, "crashy", Duration.ofSeconds(10));
        FleetEvent gaveUp = fleet.awaitEvent(EventType.SERVICE_GAVE_UP, "crashy", Duration.ofSeconds(30));

        assertThat(gaveUp.severity().name()).isEqualTo("CRITICAL");
        assertThat(gaveUp.message()).contains("here/crashy");
        List<FleetEvent> restarts = fleet.events(EventType.SERVICE_RESTARTED, "crashy");
        assertThat(restarts).as("restarts before giving up: the budget of 2").hasSize(2)
                .allSatisfy(r -> assertThat(r.id()).isLessThan(gaveUp.id()));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(fleet.service("crashy"))
                .hasValueSatisfying(s -> assertThat(s.health()).isEqualTo(Health.GAVE_UP)));

        // Given up on: later healer runs leave it alone; no third restart, no second gave-up.
        long healerRuns = fleet.daemon().store().jobRuns("healer", 100).size();
        await().atMost(Duration.ofSeconds(10)).until(() -> fleet.daemon().store().jobRuns("healer", 100).size()
                >= healerRuns + 2);
        assertThat(fleet.events(EventType.SERVICE_RESTARTED, "crashy")).hasSize(2);
        assertThat(fleet.events(EventType.SERVICE_GAVE_UP, "crashy")).hasSize(1);
        LocalFleet.Run status = fleet.fleet("status", "--socket", fleet.socket().toString());
        assertThat(status.exitCode()).isEqualTo(1);
        assertThat(status.out()).containsPattern("here/crashy +gave-up");
    }
}
