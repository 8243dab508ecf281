package dev.homefleet.agent.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.homefleet.agent.failover.FailoverMachine.Run;
import dev.homefleet.agent.service.Managers;
import dev.homefleet.core.config.FleetConfig;
import dev.homefleet.core.config.MachineSpec;
import dev.homefleet.core.exec.LocalCommandRunner;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The watchdog in this JVM against a real HTTP primary on 127.0.0.1 whose answer the test switches between 200 and
 * 503, with a 200 ms interval: what it saves, how it resumes, what it does with an unreadable state file, and the
 * pins. The agent as a process of its own, with node primaries, is {@link FailoverEndToEndTest}.
 */
class FailoverWatchdogTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final AtomicInteger answer = new AtomicInteger(200);
    private final List<FailoverEvent> alerts = new CopyOnWriteArrayList<>();
    private HttpServer primary;
    private FleetConfig fleet;
    private Failovers failovers;

    @BeforeEach
    void startPrimary() throws IOException {
        primary = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        primary.createContext("/", exchange -> {
            exchange.sendResponseHeaders(answer.get(), -1);
            exchange.close();
        });
        primary.start();
        fleet = FailoverFleet.parse(FailoverFleet.commandsOnly(dir, primary.getAddress().getPort(), "200ms", "150ms",
                null));
    }

    @AfterEach
    void stop() {
        if (failovers != null) {
            failovers.close();
        }
        primary.stop(0);
    }

    private FailoverWatchdog start() {
        MachineSpec mini = fleet.machine("mini").orElseThrow();
        failovers = Failovers.forMachine(fleet, mini).stateDirectory(dir.resolve("failover"))
                .managers(Managers.standard()).runner(LocalCommandRunner.builder().build())
                .alerts(alerts::add).controllerEndpoint(Optional.empty()).build().start();
        return failovers.get("gw").orElseThrow();
    }

    /** Stops the watchdog as a crash would leave it: its file as last written, nothing said on the way out. */
    private void stopWatchdog() {
        failovers.close();
        failovers = null;
    }

    private List<String> actionsLog() throws IOException {
        Path log = dir.resolve("actions.log");
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    private FailoverStore store() {
        return new FailoverStore(dir.resolve("failover"));
    }

    @Test
    void a_restarted_watchdog_resumes_active_without_running_the_actions_again() throws Exception {
        FailoverWatchdog watchdog = start();
        answer.set(503);
        await().atMost(WAIT).until(() -> watchdog.status().state() == FailoverState.ACTIVE
                && watchdog.status().running() == null);
        assertThat(actionsLog()).containsExactly("takeover");
        List<Transition> before = watchdog.status().transitions();
        stopWatchdog();

        FailoverWatchdog resumed = start();
        await().atMost(WAIT).until(() -> resumed.status().checks().size() >= 5);
        assertThat(resumed.status().state()).isEqualTo(FailoverState.ACTIVE);
        assertThat(resumed.status().transitions()).isEqualTo(before);
        assertThat(actionsLog()).containsExactly("takeover");
        assertThat(alerts).extracting(FailoverEvent::to)
                .containsExactly(FailoverState.SUSPECT, FailoverState.ACTIVE);
    }

    @Test
    void every_transition_is_saved_and_alerted_with_a_sentence() {
        FailoverWatchdog watchdog = start();
        answer.set(503);
        await().atMost(WAIT).until(() -> alerts.size() >= 2);
        answer.set(200);
        await().atMost(WAIT).until(() -> watchdog.status().state() == FailoverState.STANDBY
                && watchdog.status().running() == null);
        await().atMost(WAIT).until(() -> alerts.size() >= 4);
        assertThat(alerts).extracting(e -> e.from() + " -> " + e.to()).containsExactly(
                "standby -> suspect", "suspect -> active", "active -> recovering", "recovering -> standby");
        assertThat(alerts.get(1).message()).isEqualTo("failover gw: mini took over from book (3 failed checks in a "
                + "row (fall 3) (status 503, expected 2xx))");
        assertThat(alerts.get(3).message()).isEqualTo("failover gw: mini yielded to book (5 successful checks in "
                + "a row (rise 5))");
        assertThat(alerts.get(1).failures()).isEqualTo(3);
        SavedFailover saved = store().load("gw").saved();
        assertThat(saved.state()).isEqualTo(FailoverState.STANDBY);
        assertThat(saved.transitions()).extracting(Transition::to).containsExactly(FailoverState.SUSPECT,
                FailoverState.ACTIVE, FailoverState.RECOVERING, FailoverState.STANDBY);
    }

    @Test
    void actions_a_stop_interrupted_run_again_when_the_watchdog_resumes() throws Exception {
        store().save(new SavedFailover(SavedFailover.CURRENT_VERSION, "gw", FailoverState.ACTIVE, FailoverMode.AUTO,
                3, 0, Run.TAKEOVER, 0, 0, List.of(), Instant.now()));
        answer.set(503);
        FailoverWatchdog watchdog = start();
        await().atMost(WAIT).until(() -> actionsLog().size() == 1 && watchdog.status().running() == null);
        assertThat(actionsLog()).containsExactly("takeover");
        assertThat(watchdog.status().state()).isEqualTo(FailoverState.ACTIVE);
        assertThat(store().load("gw").saved().pending()).isNull();
    }

    @Test
    void an_unreadable_state_file_starts_standby_without_actions_and_says_so() throws Exception {
        Files.createDirectories(dir.resolve("failover"));
        Files.writeString(store().file("gw"), "{\"version\":1,\"state\":");
        FailoverWatchdog watchdog = start();
        await().atMost(WAIT).until(() -> watchdog.status().checks().size() >= 3 && !alerts.isEmpty());
        FailoverStatus status = watchdog.status();
        assertThat(status.state()).isEqualTo(FailoverState.STANDBY);
        assertThat(status.problem()).contains("gw.json is unreadable: not valid JSON", "moved aside to",
                "started as standby without running any action", "fleet failover demote gw");
        assertThat(alerts.get(0).message()).startsWith("failover gw: the saved state ").contains("unreadable");
        assertThat(actionsLog()).isEmpty();
        assertThat(store().load("gw").saved().state()).isEqualTo(FailoverState.STANDBY);
        assertThat(store().file("gw").resolveSibling("gw.json.corrupt")).exists();
    }

    @Test
    void promote_and_demote_pin_the_state_until_auto() throws Exception {
        FailoverWatchdog watchdog = start();
        await().atMost(WAIT).until(() -> watchdog.status().checks().size() >= 1);

        FailoverStatus promoted = watchdog.promote();
        assertThat(promoted.state()).isEqualTo(FailoverState.ACTIVE);
        assertThat(promoted.mode()).isEqualTo(FailoverMode.PROMOTED);
        assertThat(actionsLog()).containsExactly("takeover");
        await().atMost(WAIT).until(() -> watchdog.status().successes() >= 8);
        assertThat(watchdog.status().state()).isEqualTo(FailoverState.ACTIVE);

        stopWatchdog();
        FailoverWatchdog resumed = start();
        await().atMost(WAIT).until(() -> resumed.status().checks().size() >= 6);
        assertThat(resumed.status().mode()).isEqualTo(FailoverMode.PROMOTED);
        assertThat(resumed.status().state()).isEqualTo(FailoverState.ACTIVE);

        FailoverStatus back = resumed.auto();
        assertThat(back.mode()).isEqualTo(FailoverMode.AUTO);
        await().atMost(WAIT).until(() -> resumed.status().state() == FailoverState.STANDBY
                && resumed.status().running() == null);
        assertThat(actionsLog()).containsExactly("takeover", "yield");

        answer.set(503);
        FailoverStatus demoted = resumed.demote();
        assertThat(demoted.mode()).isEqualTo(FailoverMode.DEMOTED);
        await().atMost(WAIT).until(() -> resumed.status().failures() >= 8);
        assertThat(resumed.status().state()).isEqualTo(FailoverState.STANDBY);
        assertThat(actionsLog()).containsExactly("takeover", "yield");
    }
}
