package dev.homefleet.controller.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.homefleet.controller.events.EventType;
import dev.homefleet.controller.events.FleetEvent;
import dev.homefleet.controller.state.Health;
import dev.homefleet.core.service.process.ProcessServiceManager;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * fleet.yaml edited under a running controller: a broken edit is rejected with every error and its line and
 * column while the last good config stays in force, and {@code fleet status} says so; a valid edit is applied
 * without a restart (jobs rescheduled, probes replaced, a new service checked, a changed port moved as
 * {@code fleet apply} moves it) and listed in a config.applied event.
 */
class LiveReloadTest {
    private static final Duration RELOAD = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private LocalFleet fleet;
    private int port;
    private String good;

    @BeforeEach
    void setUp() throws Exception {
        fleet = new LocalFleet(dir);
        port = Loopback.freePort();
        good = LocalFleet.head() + fleet.nodeService("web", port, "") + """
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
        fleet.write(good);
        fleet.startService("web", port);
        fleet.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> fleet.service("web").map(s -> s.health() == Health.UP)
                .orElse(false));
    }

    @AfterEach
    void tearDown() {
        fleet.close();
    }

    @Test
    void a_broken_edit_is_rejected_with_every_error_at_its_line_and_column_and_the_last_good_config_stays()
            throws Exception {
        String broken = good.replace("port: " + port, "port: 70000").replace("fall: 2", "fall: 0");
        fleet.write(broken);

        FleetEvent rejected = fleet.awaitEventOfType(EventType.CONFIG_REJECTED, RELOAD);
        @SuppressWarnings("unchecked")
        List<String> errors = (List<String>) rejected.data().get("errors");
        assertThat(errors).hasSize(2);
        assertThat(errors).anySatisfy(e -> assertThat(e).startsWith(fleet.file + ":" + at(broken, "70000", 0) + ": ")
                .contains("machines.here.services.web.port", "70000"));
        assertThat(errors).anySatisfy(e -> assertThat(e).startsWith(fleet.file + ":" + at(broken, "fall: 0", "fall: ".length()) + ": ")
                .contains("machines.here.services.web.check.fall"));
        assertThat(rejected.message()).contains("the last good config stays in force");

        ControllerDaemon daemon = fleet.daemon();
        assertThat(daemon.state().config().matchesDisk()).isFalse();
        assertThat(daemon.state().config().rejected()).isEqualTo(errors);
        assertThat(daemon.config().machines().get(LocalFleet.MACHINE).services().get("web").port()).isEqualTo(port);
        Instant afterRejection = Instant.now();
        await().atMost(Duration.ofSeconds(5)).until(() -> fleet.service("web").orElseThrow().lastCheck()
                .isAfter(afterRejection));
        assertThat(fleet.service("web").orElseThrow().health()).as("still checked with the good config")
                .isEqualTo(Health.UP);

        // Run as a person would, with the broken file beside them: it cannot be read, the controller still answers.
        LocalFleet.Run status = fleet.fleet("status");
        assertThat(status.err()).isEmpty();
        assertThat(status.out()).contains("NOT THE FILE ON DISK").contains(errors);
        JsonNode json = new ObjectMapper().readTree(fleet.fleet("status", "--json").out());
        assertThat(json.path("config").path("matches_disk").asBoolean(true)).isFalse();

        // Put back as it was: the file on disk is the config in force again, and nothing is applied.
        fleet.write(good);
        await().atMost(RELOAD).untilAsserted(() -> assertThat(fleet.fleet("status").out())
                .doesNotContain("NOT THE FILE ON DISK"));
        assertThat(daemon.state().config().matchesDisk()).isTrue();
        assertThat(fleet.events(EventType.CONFIG_APPLIED)).isEmpty();
    }

    @Test
    void a_valid_edit_reschedules_jobs_replaces_probes_and_checks_a_new_service_without_a_restart()
            throws Exception {
        try (ServerSocket extra = new ServerSocket(0, 50, InetAddress.getByName(Loopback.HOST))) {
            String edited = good.replace("schedule: \"@every 1s\"", "schedule: \"@every 2s\"")
                    .replace("          timeout: 1s\n", "          timeout: 1s\n          body_contains: welcome\n")
                    .replace("jobs:\n", """
                                  extra:
                                    manager:
                                      type: process
                                      command: [sleep, "600"]
                                    check:
                                      tcp: 127.0.0.1:%d
                                      timeout: 1s
                                      rise: 1
                            jobs:
                            """.formatted(extra.getLocalPort()));
            fleet.write(edited);

            FleetEvent applied = fleet.awaitEventOfType(EventType.CONFIG_APPLIED, RELOAD);
            @SuppressWarnings("unchecked")
            List<String> changes = (List<String>) applied.data().get("changes");
            assertThat(changes).contains("changed schedule jobs.checks: schedule '@every 1s' -> '@every 2s'")
                    .anySatisfy(c -> assertThat(c).startsWith("added service machines.here.services.extra: "))
                    .anySatisfy(c -> assertThat(c).startsWith("changed check machines.here.services.web.check: ")
                            .contains("welcome"));
            assertThat(applied.data()).containsEntry("rescheduled", List.of("checks"))
                    .containsEntry("restart_needed", false);

            ControllerDaemon daemon = fleet.daemon();
            assertThat(daemon.state().config().matchesDisk()).isTrue();
            assertThat(daemon.state().jobs().get("checks").schedule()).isEqualTo("@every 2s");
            await().atMost(Duration.ofSeconds(10)).until(() -> fleet.service("extra")
                    .map(s -> s.health() == Health.UP).orElse(false));
            // The node server answers "ok", never "welcome": the new probe fails it, the old one would not.
            FleetEvent down = fleet.awaitEvent(EventType.SERVICE_DOWN, "web", Duration.ofSeconds(15));
            assertThat(down.message()).contains("welcome");
            assertThat(fleet.events(EventType.CONTROLLER_STARTED)).hasSize(1);
        }
    }

    @Test
    void an_edit_that_only_a_restart_can_apply_is_listed_with_restart_needed() {
        fleet.write(good.replace("  checks:\n", "  checks:\n    concurrency: 8\n"));

        FleetEvent applied = fleet.awaitEventOfType(EventType.CONFIG_APPLIED, RELOAD);
        assertThat(applied.data().get("changes")).asList().singleElement().asString()
                .startsWith("changed job jobs.checks: ").contains("concurrency");
        assertThat(applied.data()).containsEntry("restart_needed", true);
        assertThat(applied.message()).endsWith("; some need a restart of fleet controller");
    }

    @Test
    void a_changed_port_of_a_process_service_is_moved_live_the_new_port_answers_and_the_old_is_closed()
            throws Exception {
        int newPort = Loopback.freePort();
        fleet.write(good.replace(Integer.toString(port), Integer.toString(newPort)));

        FleetEvent applied = fleet.awaitEventOfType(EventType.CONFIG_APPLIED, Duration.ofSeconds(40));
        @SuppressWarnings("unchecked")
        List<String> changes = (List<String>) applied.data().get("changes");
        assertThat(changes).contains("changed port machines.here.services.web: port " + port + " -> " + newPort)
                .anySatisfy(c -> assertThat(c).startsWith("port move here/web: applied"));
        assertThat(Loopback.get(newPort)).contains("ok");
        assertThat(Loopback.listening(port)).isFalse();
        ProcessServiceManager web = fleet.process("web");
        assertThat(web.environment()).containsEntry("PORT", Integer.toString(newPort));
        Instant moved = Instant.now();
        await().atMost(Duration.ofSeconds(10)).until(() -> fleet.service("web").map(s -> s.lastCheck().isAfter(moved)
                && s.health() == Health.UP).orElse(false));
        assertThat(fleet.events(EventType.SERVICE_DOWN)).isEmpty();
    }

    /** "LINE:COLUMN", both from 1, of {@code skip} characters into the first {@code what} in {@code text}. */
    private static String at(String text, String what, int skip) {
        assertThat(text.indexOf(what)).isNotNegative();
        int index = text.indexOf(what) + skip;
        int line = (int) text.substring(0, index).chars().filter(c -> c == '\n').count() + 1;
        int column = index - text.lastIndexOf('\n', index - 1);
        return line + ":" + column;
    }
}
