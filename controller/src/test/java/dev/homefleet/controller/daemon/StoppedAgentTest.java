package dev.homefleet.controller.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.homefleet.controller.events.EventType;
import dev.homefleet.controller.events.FleetEvent;
import dev.homefleet.controller.state.FleetState;
import dev.homefleet.controller.state.FleetState.MachineStatus;
import dev.homefleet.controller.state.FleetState.ServiceStatus;
import dev.homefleet.controller.state.Health;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker whose agent is frozen (SIGSTOP: the kernel still accepts connections, nobody answers) costs a checks run
 * only that worker's deadline, not a hang; the controller's own services are still checked, and the worker is
 * down after {@code MachineReachability.FALL} (2) runs that could not reach it.
 */
class StoppedAgentTest {
    private static final Logger log = LoggerFactory.getLogger(StoppedAgentTest.class);
    /** The worker's slowest check timeout (1s) plus ChecksJob.SLACK (5s). */
    private static final Duration WORKER_DEADLINE = Duration.ofSeconds(1 + 5);

    @TempDir
    Path dir;

    private LocalFleet fleet;
    private AgentProcess agent;
    private ServerSocket localService;
    private ServerSocket workerService;

    @AfterEach
    void tearDown() throws Exception {
        if (agent != null) {
            agent.close();
        }
        if (fleet != null) {
            fleet.close();
        }
        localService.close();
        workerService.close();
    }

    @Test
    void a_machine_whose_agent_is_stopped_costs_the_checks_only_its_deadline_and_goes_down_after_two_runs()
            throws Exception {
        InetAddress loopback = InetAddress.getByName(Loopback.HOST);
        localService = new ServerSocket(0, 50, loopback);
        workerService = new ServerSocket(0, 50, loopback);
        int agentPort = Loopback.freePort();
        fleet = new LocalFleet(dir);
        fleet.write(LocalFleet.head() + """
                      local-web:
                        manager:
                          type: process
                          command: [sleep, "600"]
                        check:
                          tcp: 127.0.0.1:%d
                          timeout: 1s
                          fall: 2
                          rise: 1
                  worker:
                    os: linux
                    reach:
                      via: agent
                    agent:
                      port: %d
                      bind: loopback
                    services:
                      remote-web:
                        manager:
                          type: process
                          command: [sleep, "600"]
                        check:
                          tcp: 127.0.0.1:%d
                          timeout: 1s
                          fall: 2
                          rise: 1
                jobs:
                  checks:
                    schedule: "@every 1h"
                  heartbeat:
                    schedule: "@every 1h"
                  healer:
                    enabled: false
                  cleaner:
                    enabled: false
                """.formatted(localService.getLocalPort(), agentPort, workerService.getLocalPort()));
        agent = AgentProcess.start(fleet.file, "worker", agentPort, dir);
        ControllerDaemon daemon = fleet.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> health(daemon.state(), "worker", "remote-web") == Health.UP
                && health(daemon.state(), LocalFleet.MACHINE, "local-web") == Health.UP);
        assertThat(daemon.state().machines().get("worker").via()).startsWith("agent");

        agent.stop();
        Instant asked = Instant.now();
        long started = System.nanoTime();
        FleetState.JobStatus first = daemon.runNow("checks", Duration.ofSeconds(60));
        Duration firstTook = Duration.ofNanos(System.nanoTime() - started);

        assertThat(firstTook).as("one frozen agent costs the run its deadline at most").isLessThan(WORKER_DEADLINE);
        assertThat(first.outcome()).isEqualTo("ok");
        assertThat(first.summary()).contains("1 up", "not reached: worker");
        ServiceStatus local = daemon.state().machines().get(LocalFleet.MACHINE).services().get("local-web");
        assertThat(local.lastCheck()).as("the controller's own service was checked in that run").isAfter(asked);
        assertThat(local.health()).isEqualTo(Health.UP);
        MachineStatus worker = daemon.state().machines().get("worker");
        assertThat(worker.health()).as("one failed attempt is not an outage yet").isEqualTo(Health.UP);
        assertThat(worker.error()).contains("agent at http://127.0.0.1:" + agentPort);
        assertThat(worker.services().get("remote-web").health()).as("its services keep their last state")
                .isEqualTo(Health.UP);
        assertThat(fleet.events(EventType.MACHINE_DOWN)).isEmpty();

        started = System.nanoTime();
        daemon.runNow("checks", Duration.ofSeconds(60));
        Duration secondTook = Duration.ofNanos(System.nanoTime() - started);

        assertThat(secondTook).isLessThan(WORKER_DEADLINE);
        assertThat(fleet.events(EventType.MACHINE_DOWN)).singleElement().satisfies(down -> {
            assertThat(down.machine()).isEqualTo("worker");
            assertThat(down.data()).containsEntry("failed_attempts", 2);
            assertThat(down.message()).startsWith("worker does not answer: ");
        });
        assertThat(daemon.state().machines().get("worker").health()).isEqualTo(Health.DOWN);
        assertThat(fleet.events(EventType.SERVICE_DOWN)).as("one alert for the machine, none per service").isEmpty();
        log.info("checks runs with a SIGSTOPped agent took {} ms and {} ms (deadline {} s)", firstTook.toMillis(),
                secondTook.toMillis(), WORKER_DEADLINE.toSeconds());

        agent.resume();
        daemon.runNow("checks", Duration.ofSeconds(60));
        FleetEvent up = fleet.events(EventType.MACHINE_UP).stream().findFirst().orElseThrow();
        assertThat(up.machine()).isEqualTo("worker");
        assertThat(daemon.state().machines().get("worker").health()).isEqualTo(Health.UP);
    }

    private static Health health(FleetState state, String machine, String service) {
        MachineStatus m = state.machines().get(machine);
        ServiceStatus s = m == null ? null : m.services().get(service);
        return s == null ? null : s.health();
    }
}
