package dev.homefleet.controller.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.homefleet.controller.web.Tokens;
import dev.homefleet.controller.web.WebClient;
import dev.homefleet.core.service.ServiceState;
import dev.homefleet.core.service.process.ProcessServiceManager;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The admin's actions over HTTP against a running controller: services restarted, stopped and started on this
 * machine and through another machine's real agent, a job run, a failover promoted through its standby's agent,
 * check-ins paused and resumed; unknown targets, cron entries and an agent that does not answer, each answered in
 * the error envelope. Requests name a Host that is not this machine's, so they need the admin token as from the LAN.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebActionsTest {
    private static final String ADMIN = "admin-acts-4f2a91";
    private static final String VIEWER = "viewer-acts-7c03";
    private static final String AGENT_TOKEN = "agent-acts-b81e0c";

    private Path dir;
    private LocalFleet fleet;
    private AgentProcess agent;
    private HttpServer primary;
    private WebClient web;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory(Path.of("/tmp"), "hf-acts-");
        fleet = new LocalFleet(dir);
        Path token = dir.resolve("agent.token");
        Files.writeString(token, AGENT_TOKEN);
        Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
        primary = HttpServer.create(new InetSocketAddress(InetAddress.getByName(Loopback.HOST), 0), 0);
        primary.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        primary.start();
        int agentPort = Loopback.freePort();
        fleet.write("""
                version: 1
                name: acts
                controller:
                  machine: here
                machines:
                  here:
                    os: linux
                    reach:
                      via: local
                    services:
                      sleeper:
                        manager:
                          type: process
                          command: [sh, -c, "exec sleep 600 # %1$s"]
                      nightly:
                        manager:
                          type: cron
                          schedule: "@every 60m"
                  mini:
                    os: linux
                    reach:
                      via: agent
                    agent:
                      port: %2$d
                      bind: loopback
                      token: file:%3$s
                    services:
                      worker:
                        manager:
                          type: process
                          command: [sh, -c, "exec sleep 600 # %1$s"]
                  gone:
                    os: linux
                    reach:
                      via: agent
                    agent:
                      port: %4$d
                      bind: loopback
                      token: file:%3$s
                    services:
                      thing:
                        manager:
                          type: process
                          command: [sleep, "600"]
                checkins:
                  backup:
                    machine: here
                    schedule: "0 3 * * *"
                    grace: 30m
                failover:
                  gw:
                    primary:
                      machine: here
                    standby:
                      machine: mini
                    check: http://127.0.0.1:%5$d/
                    interval: 1s
                    timeout: 900ms
                """.formatted(fleet.marker, agentPort, token, Loopback.freePort(), primary.getAddress().getPort())
                + LocalFleet.QUIET_JOBS);
        agent = AgentProcess.start(fleet.file, "mini", agentPort, dir);
        fleet.start(new Tokens(ADMIN, VIEWER));
        web = WebClient.remote(fleet.daemon().url());
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (web != null) {
                web.close();
            }
            if (agent != null) {
                try {
                    fleet.process("mini", "worker", AgentProcess.home(dir)).stop();
                } finally {
                    agent.close();
                }
            }
            fleet.close();
        } finally {
            primary.stop(0);
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private WebClient.Answer act(String path) {
        return web.post(path).bearer(ADMIN).send();
    }

    @Test
    void a_service_on_this_machine_is_started_stopped_and_restarted_through_its_manager() throws Exception {
        ProcessServiceManager sleeper = fleet.process("sleeper");

        WebClient.Answer started = act("/api/v1/services/here/sleeper/start");
        assertThat(started.status()).as(started.body()).isEqualTo(200);
        assertThat(started.json().path("via").asText()).isEqualTo("this machine");
        assertThat(started.json().path("target").asText()).isEqualTo("here/sleeper");
        assertThat(sleeper.status().state()).isEqualTo(ServiceState.State.RUNNING);
        int pid = sleeper.status().pid();

        assertThat(act("/api/v1/services/here/sleeper/restart").status()).isEqualTo(200);
        assertThat(sleeper.status().state()).isEqualTo(ServiceState.State.RUNNING);
        assertThat(sleeper.status().pid()).isNotEqualTo(pid);

        WebClient.Answer stopped = act("/api/v1/services/here/sleeper/stop");
        assertThat(stopped.status()).as(stopped.body()).isEqualTo(200);
        assertThat(stopped.json().path("action").asText()).isEqualTo("stop");
        assertThat(sleeper.status().state()).isEqualTo(ServiceState.State.STOPPED);
    }

    @Test
    void a_service_on_another_machine_is_started_and_stopped_through_its_agent() throws Exception {
        ProcessServiceManager worker = fleet.process("mini", "worker", AgentProcess.home(dir));

        WebClient.Answer started = act("/api/v1/services/mini/worker/start");
        assertThat(started.status()).as(started.body()).isEqualTo(200);
        assertThat(started.json().path("via").asText()).isEqualTo("its agent");
        assertThat(worker.status().state()).isEqualTo(ServiceState.State.RUNNING);

        assertThat(act("/api/v1/services/mini/worker/stop").status()).isEqualTo(200);
        assertThat(worker.status().state()).isEqualTo(ServiceState.State.STOPPED);
    }

    @Test
    void unknown_machines_and_services_are_404s_naming_what_there_is() {
        WebClient.Answer machine = act("/api/v1/services/nowhere/sleeper/restart");
        WebClient.Answer service = act("/api/v1/services/here/nothing/stop");

        assertThat(machine.status()).isEqualTo(404);
        assertThat(machine.code()).isEqualTo("not_found");
        assertThat(machine.json().at("/error/message").asText())
                .isEqualTo("no machine 'nowhere' in fleet.yaml; the machines are here, mini, gone");
        assertThat(service.status()).isEqualTo(404);
        assertThat(service.json().at("/error/message").asText())
                .isEqualTo("no service 'nothing' on here; its services are sleeper, nightly");
    }

    @Test
    void a_cron_entry_has_nothing_to_restart() {
        WebClient.Answer answer = act("/api/v1/services/here/nightly/restart");

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().at("/error/message").asText()).isEqualTo("here/nightly is a cron entry: it has no "
                + "process to restart; its runs report in as check-ins");
    }

    @Test
    void an_agent_that_does_not_answer_is_a_502_saying_what_to_check() {
        WebClient.Answer answer = act("/api/v1/services/gone/thing/restart");

        assertThat(answer.status()).isEqualTo(502);
        assertThat(answer.code()).isEqualTo("unreachable");
        assertThat(answer.json().at("/error/message").asText()).startsWith("gone/thing was not restarted: agent at ")
                .contains("refused the connection").endsWith("; check that gone is up and its agent runs (fleet "
                        + "status)");
        assertThat(answer.body()).doesNotContain(AGENT_TOKEN);
    }

    @Test
    void a_job_is_run_without_waiting_for_it() {
        int before = fleet.daemon().store().jobRuns(ControllerDaemon.HEARTBEAT, 100).size();

        WebClient.Answer answer = act("/api/v1/jobs/heartbeat/run");

        assertThat(answer.status()).isEqualTo(202);
        assertThat(answer.json().path("job").asText()).isEqualTo("heartbeat");
        assertThat(answer.json().path("accepted").asBoolean()).isTrue();
        await().atMost(Duration.ofSeconds(20)).until(() -> fleet.daemon().store().jobRuns(ControllerDaemon.HEARTBEAT,
                100).stream().filter(r -> r.finished() != null).count() > before);
        WebClient.Answer unknown = act("/api/v1/jobs/backup/run");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().at("/error/message").asText())
                .isEqualTo("no job named 'backup'; the jobs are checks, heartbeat, healer, cleaner");
    }

    @Test
    void a_failover_is_promoted_and_set_back_to_auto_through_its_standbys_agent() {
        WebClient.Answer promoted = act("/api/v1/failover/gw/promote");
        assertThat(promoted.status()).as(promoted.body()).isEqualTo(200);
        assertThat(promoted.json().path("command").asText()).isEqualTo("promote");
        assertThat(promoted.json().at("/status/mode").asText()).isEqualTo("promoted");
        assertThat(promoted.json().at("/status/state").asText()).isEqualTo("active");

        WebClient.Answer auto = act("/api/v1/failover/gw/auto");
        assertThat(auto.status()).as(auto.body()).isEqualTo(200);
        assertThat(auto.json().at("/status/mode").asText()).isEqualTo("auto");

        WebClient.Answer unknown = act("/api/v1/failover/printer/demote");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().at("/error/message").asText())
                .isEqualTo("no failover 'printer' in fleet.yaml; its failovers are gw");
    }

    @Test
    void a_check_in_is_paused_and_resumed() {
        WebClient.Answer paused = act("/api/v1/checkins/backup/pause");
        assertThat(paused.status()).as(paused.body()).isEqualTo(200);
        assertThat(paused.json().at("/checkin/state").asText()).isEqualTo("paused");
        assertThat(fleet.daemon().state().checkins().get("backup").state()).isEqualTo("paused");

        WebClient.Answer resumed = act("/api/v1/checkins/backup/resume");
        assertThat(resumed.json().at("/checkin/state").asText()).isEqualTo("new");
        assertThat(act("/api/v1/checkins/nightly/pause").status()).isEqualTo(404);
    }

    @Test
    void a_viewer_may_not_act_and_a_body_over_64_kib_is_refused_before_anything_happens() throws Exception {
        WebClient.Answer viewer = web.post("/api/v1/services/here/sleeper/start").bearer(VIEWER).send();
        WebClient.Answer large = web.post("/api/v1/services/here/sleeper/start").bearer(ADMIN)
                .bytes(64 * 1024 + 1).send();

        assertThat(viewer.status()).isEqualTo(403);
        assertThat(viewer.code()).isEqualTo("forbidden");
        assertThat(large.status()).isEqualTo(413);
        assertThat(large.code()).isEqualTo("too_large");
        assertThat(fleet.process("sleeper").status().state()).isNotEqualTo(ServiceState.State.RUNNING);
    }
}
