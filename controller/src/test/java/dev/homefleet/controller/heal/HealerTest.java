package dev.homefleet.controller.heal;

import static dev.homefleet.controller.heal.Services.MACHINE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.homefleet.controller.events.EventBus;
import dev.homefleet.controller.events.EventType;
import dev.homefleet.controller.events.FleetEvent;
import dev.homefleet.controller.heal.HealerReport.Deferred;
import dev.homefleet.controller.heal.HealerReport.Failed;
import dev.homefleet.controller.heal.HealerReport.LeftAlone;
import dev.homefleet.controller.heal.HealerReport.Restarted;
import dev.homefleet.core.config.AlertsSpec.Severity;
import dev.homefleet.core.config.JobsSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The healer with real processes under core's ProcessServiceManager: HTTP servers on 127.0.0.1 it restarts and
 * checks over HTTP, commands that die at every start, managers that refuse. Run times are explicit instants, so
 * the budget's hours pass at once; the processes are real.
 */
class HealerTest {

    private static final Instant T0 = Instant.parse("2025-03-01T08:00:00Z");
    private static final Duration WINDOW = Duration.ofHours(6);
    private static final Duration VERIFY_WITHIN = Duration.ofSeconds(15);
    private static final Duration VERIFY_EVERY = Duration.ofMillis(50);

    @TempDir
    Path temp;

    private Services services;
    private final List<FleetEvent> published = new CopyOnWriteArrayList<>();
    private final EventBus bus = new EventBus();
    private final AtomicInteger restarterCalls = new AtomicInteger();

    @BeforeEach
    void collectEvents() {
        services = new Services(temp);
        bus.subscribe("test", published::add);
    }

    @AfterEach
    void noProcessOutlivesItsTest() throws IOException {
        services.close();
    }

    private Healer healer(int budget, int maxRestartsPerRun) {
        return healer(budget, maxRestartsPerRun, VERIFY_WITHIN);
    }

    private Healer healer(int budget, int maxRestartsPerRun, Duration verifyWithin) {
        return new Healer(new RestartBudget(budget, WINDOW, Clock.fixed(T0, ZoneOffset.UTC)), maxRestartsPerRun,
                (machine, service) -> {
                    restarterCalls.incrementAndGet();
                    services.restart(machine, service);
                },
                services::isUp, bus, verifyWithin, VERIFY_EVERY);
    }

    private static DownService down(String service) {
        return new DownService(MACHINE, service, "connection refused");
    }

    private List<FleetEvent> events(EventType type) {
        return published.stream().filter(e -> e.type() == type).toList();
    }

    @Test
    void a_killed_service_is_restarted_through_its_manager_and_answers_again() throws Exception {
        services.httpServer("aphos-server-dev").start();
        await().atMost(Duration.ofSeconds(15)).until(() -> services.answers("aphos-server-dev"));
        long killed = services.kill("aphos-server-dev");
        assertThat(services.answers("aphos-server-dev")).isFalse();

        HealerReport report = healer(3, 2).heal(List.of(down("aphos-server-dev")), T0);

        assertThat(report.restarted()).singleElement().satisfies(r -> {
            assertThat(r.target()).isEqualTo("macmini/aphos-server-dev");
            assertThat(r.attempt()).isEqualTo(1);
            assertThat(r.verified()).isTrue();
            assertThat(r.detail()).matches("up \\d+\\.\\d s after the restart");
        });
        assertThat(report.failed()).isEmpty();
        assertThat(report.summary()).isEqualTo("restarted 1 (up)");
        assertThat(services.answers("aphos-server-dev")).isTrue();
        assertThat(services.pid("aphos-server-dev")).isPositive().isNotEqualTo(killed);

        assertThat(published).singleElement().satisfies(event -> {
            assertThat(event.type()).isEqualTo(EventType.SERVICE_RESTARTED);
            assertThat(event.severity()).isEqualTo(Severity.WARNING);
            assertThat(event.target()).isEqualTo("macmini/aphos-server-dev");
            assertThat(event.ts()).isEqualTo(T0);
            assertThat(event.message()).isEqualTo("macmini/aphos-server-dev was down; the healer restarted it"
                    + " (restart 1 of 3 in 6h) and it is up again");
            assertThat(event.data()).containsEntry("attempt", 1).containsEntry("budget", 3)
                    .containsEntry("window", "6h").containsEntry("verified", true).containsKey("detail");
        });
    }

    @Test
    void a_service_that_dies_at_every_start_is_given_up_on_once_and_left_alone_until_it_stays_up()
            throws Exception {
        services.shell("clawd-gateway", "echo 'error: cannot read /etc/clawd.json' >&2; exit 1");
        Healer healer = healer(3, 2);
        String key = "macmini/clawd-gateway";

        HealerReport first = healer.heal(List.of(down("clawd-gateway")), T0);
        HealerReport second = healer.heal(List.of(down("clawd-gateway")), T0.plus(Duration.ofHours(2)));
        HealerReport third = healer.heal(List.of(down("clawd-gateway")), T0.plus(Duration.ofHours(4)));

        assertThat(first.failed()).singleElement().satisfies(f -> {
            assertThat(f.attempt()).isEqualTo(1);
            assertThat(f.error()).startsWith("process service clawd-gateway on local did not stay up after start:"
                    + " exited with status 1").endsWith("error: cannot read /etc/clawd.json");
        });
        assertThat(first.gaveUp()).isEmpty();
        assertThat(second.failed()).extracting(Failed::attempt).containsExactly(2);
        assertThat(second.gaveUp()).isEmpty();
        assertThat(third.failed()).extracting(Failed::attempt).containsExactly(3);
        assertThat(third.gaveUp()).singleElement().satisfies(g -> {
            assertThat(g.restarts()).isEqualTo(3);
            assertThat(g.lastError()).endsWith("error: cannot read /etc/clawd.json");
        });
        assertThat(third.summary()).isEqualTo("restart failed on macmini/clawd-gateway; gave up on"
                + " macmini/clawd-gateway");

        List<FleetEvent> restarts = events(EventType.SERVICE_RESTARTED);
        assertThat(restarts).extracting(e -> e.data().get("attempt")).containsExactly(1, 2, 3);
        assertThat(restarts).allSatisfy(e -> {
            assertThat(e.data()).containsEntry("verified", false);
            assertThat((String) e.data().get("error")).endsWith("error: cannot read /etc/clawd.json");
            assertThat(e.message()).startsWith("the healer could not restart macmini/clawd-gateway (restart ")
                    .contains("did not stay up after start: exited with status 1")
                    .contains("its log ends with: error: cannot read /etc/clawd.json")
                    .endsWith("error: cannot read /etc/clawd.json");
        });
        FleetEvent gaveUp = events(EventType.SERVICE_GAVE_UP).get(0);
        assertThat(gaveUp.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(gaveUp.message()).isEqualTo("macmini/clawd-gateway restarted 3 times in 6h and is still down;"
                + " the healer leaves it alone until it stays up; restart it by hand (fleet restart"
                + " macmini/clawd-gateway) once fixed");
        assertThat(gaveUp.data()).containsEntry("restarts", 3).containsEntry("window", "6h")
                .containsEntry("restartedAt", List.of("2025-03-01T08:00:00Z", "2025-03-01T10:00:00Z",
                        "2025-03-01T12:00:00Z"));
        assertThat((String) gaveUp.data().get("lastError")).endsWith("error: cannot read /etc/clawd.json");

        // Later runs, even once the restarts have left the window, do not touch it and say nothing more.
        int calls = restarterCalls.get();
        HealerReport fourth = healer.heal(List.of(down("clawd-gateway")), T0.plus(Duration.ofHours(6)));
        HealerReport much = healer.heal(List.of(down("clawd-gateway")), T0.plus(Duration.ofHours(30)));
        assertThat(fourth.leftAlone()).containsExactly(new LeftAlone(MACHINE, "clawd-gateway",
                T0.plus(Duration.ofHours(4))));
        assertThat(much.leftAlone()).hasSize(1);
        assertThat(much.lines()).containsExactly("macmini/clawd-gateway: left alone: gave up at 2025-03-01T12:00:00Z");
        assertThat(much.summary()).isEqualTo("1 left alone (gave up earlier)");
        assertThat(restarterCalls).hasValue(calls);
        assertThat(events(EventType.SERVICE_GAVE_UP)).hasSize(1);
        assertThat(published).hasSize(4);
        assertThat(services.manager("clawd-gateway").logs(100)).hasSize(3);

        // It stayed up for rise checks (fixed by hand): the healer takes it back with a full budget.
        healer.budget().stayedUp(key);
        HealerReport afterFix = healer.heal(List.of(down("clawd-gateway")), T0.plus(Duration.ofHours(31)));
        assertThat(afterFix.failed()).extracting(Failed::attempt).containsExactly(1);
        assertThat(afterFix.leftAlone()).isEmpty();
        assertThat(afterFix.gaveUp()).isEmpty();
    }

    @Test
    void a_service_restarted_up_every_time_that_is_down_again_with_its_budget_spent_is_given_up_on_untouched()
            throws Exception {
        services.httpServer("aphos-server-prod").start();
        await().atMost(Duration.ofSeconds(15)).until(() -> services.answers("aphos-server-prod"));
        Healer healer = healer(2, 2);

        for (int hour = 0; hour < 2; hour++) {
            services.kill("aphos-server-prod");
            HealerReport report = healer.heal(List.of(down("aphos-server-prod")), T0.plus(Duration.ofHours(hour)));
            assertThat(report.restarted()).extracting(Restarted::verified).containsExactly(true);
        }
        services.kill("aphos-server-prod");
        HealerReport report = healer.heal(List.of(down("aphos-server-prod")), T0.plus(Duration.ofHours(2)));

        assertThat(report.restarted()).isEmpty();
        assertThat(report.gaveUp()).singleElement().satisfies(g -> {
            assertThat(g.restarts()).isEqualTo(2);
            assertThat(g.lastError()).as("the check's own words, as the healer had none").isEqualTo(
                    "connection refused");
        });
        assertThat(services.answers("aphos-server-prod")).isFalse();
        assertThat(events(EventType.SERVICE_RESTARTED)).hasSize(2);
        assertThat(events(EventType.SERVICE_GAVE_UP)).singleElement().satisfies(e -> assertThat(e.message())
                .startsWith("macmini/aphos-server-prod restarted 2 times in 6h and is still down;"));
    }

    @Test
    void restarts_per_run_are_limited_and_the_rest_waits_for_the_next_run() throws Exception {
        for (String name : List.of("aphos-server-dev", "aphos-server-prod", "ollama-proxy")) {
            services.httpServer(name);
        }
        Healer healer = healer(3, 2);
        List<DownService> down = List.of(down("aphos-server-dev"), down("aphos-server-prod"), down("ollama-proxy"));

        HealerReport report = healer.heal(down, T0);

        assertThat(report.restarted()).extracting(Restarted::target, Restarted::verified).containsExactly(
                org.assertj.core.groups.Tuple.tuple("macmini/aphos-server-dev", true),
                org.assertj.core.groups.Tuple.tuple("macmini/aphos-server-prod", true));
        assertThat(report.deferred()).containsExactly(new Deferred(MACHINE, "ollama-proxy",
                "deferred to the next run: 2 restarts per run (jobs.healer.max_restarts_per_run)"));
        assertThat(report.summary()).isEqualTo("restarted 2 (up); 1 deferred");
        assertThat(services.answers("ollama-proxy")).isFalse();
        assertThat(healer.budget().used("macmini/ollama-proxy", T0)).isZero();

        HealerReport next = healer.heal(List.of(down("ollama-proxy")), T0.plus(Duration.ofMinutes(30)));
        assertThat(next.restarted()).extracting(Restarted::target).containsExactly("macmini/ollama-proxy");
        assertThat(services.answers("ollama-proxy")).isTrue();
    }

    @Test
    void with_no_restarts_per_run_the_healer_only_reports() throws Exception {
        services.httpServer("aphos-server-dev");

        HealerReport report = healer(3, 0).heal(List.of(down("aphos-server-dev")), T0);

        assertThat(report.deferred()).extracting(Deferred::target).containsExactly("macmini/aphos-server-dev");
        assertThat(restarterCalls).hasValue(0);
        assertThat(published).isEmpty();
    }

    @Test
    void a_manager_that_refuses_or_a_restarter_that_breaks_counts_is_reported_and_the_run_goes_on()
            throws Exception {
        services.withoutWorkingDirectory("clawd-bot");
        services.httpServer("aphos-server-dev");
        RestartBudget budget = new RestartBudget(3, WINDOW, Clock.fixed(T0, ZoneOffset.UTC));
        Healer healer = new Healer(budget, 3, (machine, service) -> {
            if (service.equals("crabwalk")) {
                throw new IllegalStateException("no manager for crabwalk");
            }
            services.restart(machine, service);
        }, services::isUp, bus, VERIFY_WITHIN, VERIFY_EVERY);

        HealerReport report = healer.heal(List.of(down("clawd-bot"), down("crabwalk"), down("aphos-server-dev")),
                T0);

        assertThat(report.failed()).extracting(Failed::target, Failed::attempt, Failed::error).containsExactly(
                org.assertj.core.groups.Tuple.tuple("macmini/clawd-bot", 1, "process service clawd-bot on local:"
                        + " start failed with exit code 3: homefleet: the working directory "
                        + temp.resolve("missing-clawd-bot") + " does not exist"),
                org.assertj.core.groups.Tuple.tuple("macmini/crabwalk", 1, "no manager for crabwalk"));
        assertThat(report.restarted()).extracting(Restarted::target, Restarted::verified)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("macmini/aphos-server-dev", true));
        assertThat(report.summary()).isEqualTo("restarted 1 (up); restart failed on macmini/clawd-bot,"
                + " macmini/crabwalk");
        assertThat(budget.used("macmini/clawd-bot", T0)).isEqualTo(1);
        assertThat(budget.used("macmini/crabwalk", T0)).isEqualTo(1);
        assertThat(events(EventType.SERVICE_RESTARTED)).extracting(FleetEvent::target).containsExactly(
                "macmini/clawd-bot", "macmini/crabwalk", "macmini/aphos-server-dev");
        assertThat(events(EventType.SERVICE_RESTARTED).get(1).message()).isEqualTo("the healer could not restart"
                + " macmini/crabwalk (restart 1 of 3 in 6h): no manager for crabwalk");
    }

    @Test
    void a_restarted_service_that_never_answers_is_reported_still_down() throws Exception {
        // It runs, but serves nothing: the manager is happy, the check is not.
        services.shell("aphos-server-dev", "exec sleep 300");
        Healer healer = new Healer(new RestartBudget(3, WINDOW, Clock.systemUTC()), 2,
                services::restart, (machine, service, timeout) -> false, bus, Duration.ofMillis(300), VERIFY_EVERY);

        HealerReport report = healer.heal(List.of(down("aphos-server-dev")), T0);

        assertThat(report.restarted()).singleElement().satisfies(r -> {
            assertThat(r.verified()).isFalse();
            assertThat(r.detail()).isEqualTo("it did not answer its check within 300ms");
        });
        assertThat(report.summary()).isEqualTo("restarted 1 (still down)");
        assertThat(services.manager("aphos-server-dev").status().state().isUp()).isTrue();
        assertThat(events(EventType.SERVICE_RESTARTED)).singleElement().satisfies(e -> {
            assertThat(e.message()).isEqualTo("macmini/aphos-server-dev was down; the healer restarted it (restart 1"
                    + " of 3 in 6h) but it is still down: it did not answer its check within 300ms");
            assertThat(e.data()).containsEntry("verified", false);
        });
    }

    @Test
    void a_verifier_that_throws_counts_as_not_up_and_its_error_is_in_the_detail() throws Exception {
        services.shell("aphos-server-dev", "exec sleep 300");
        Healer healer = new Healer(new RestartBudget(3, WINDOW, Clock.systemUTC()), 2, services::restart,
                (machine, service, timeout) -> {
                    throw new IOException("macmini cannot be reached over ssh: connection timed out");
                }, bus, Duration.ofMillis(200), VERIFY_EVERY);

        HealerReport report = healer.heal(List.of(down("aphos-server-dev")), T0);

        assertThat(report.restarted()).extracting(Restarted::detail).containsExactly("it did not answer its check"
                + " within 200ms (the check failed: macmini cannot be reached over ssh: connection timed out)");
    }

    @Test
    void a_service_given_twice_is_restarted_once_and_services_are_handled_in_their_order() throws Exception {
        services.httpServer("a");
        services.httpServer("b");
        List<String> order = new ArrayList<>();
        Healer healer = new Healer(new RestartBudget(3, WINDOW, Clock.systemUTC()), 5, (machine, service) -> {
            order.add(service);
            services.restart(machine, service);
        }, services::isUp, bus, VERIFY_WITHIN, VERIFY_EVERY);

        HealerReport report = healer.heal(List.of(down("b"), down("a"), down("b")), T0);

        assertThat(order).containsExactly("b", "a");
        assertThat(report.restarted()).extracting(Restarted::target).containsExactly("macmini/b", "macmini/a");
    }

    @Test
    void a_healer_is_made_from_fleet_yaml_jobs_healer() {
        JobsSpec.Healer spec = new JobsSpec.Healer(null, null, 1, 2, Duration.ofHours(1));
        RestartBudget budget = RestartBudget.of(spec, Clock.systemUTC());
        Healer healer = Healer.of(spec, budget, (m, s) -> { }, (m, s, t) -> true, bus);

        HealerReport report = healer.heal(List.of(down("x"), down("y")), T0);

        assertThat(budget.budget()).isEqualTo(2);
        assertThat(budget.window()).isEqualTo(Duration.ofHours(1));
        assertThat(report.restarted()).hasSize(1);
        assertThat(report.deferred()).hasSize(1);
    }

    @Test
    void a_manager_error_over_several_lines_is_one_bounded_line_in_the_message() {
        assertThat(Healer.oneLine("pm2 restart failed; its log ends with:\n\nError: listen EADDRINUSE\r\n"
                + "    at Server.listen\n")).isEqualTo("pm2 restart failed; its log ends with: Error: listen EADDRINUSE"
                + " / at Server.listen");
        assertThat(Healer.oneLine("x".repeat(1000))).hasSize(Healer.MAX_MESSAGE_ERROR).endsWith("\u2026");
    }

    @Test
    void an_event_store_that_fails_does_not_stop_the_run() throws Exception {
        services.httpServer("a");
        services.httpServer("b");
        EventBus failingStore = new EventBus(event -> {
            throw new IllegalStateException("database is locked");
        });
        Healer healer = new Healer(new RestartBudget(3, WINDOW, Clock.systemUTC()), 2, services::restart,
                services::isUp, failingStore, VERIFY_WITHIN, VERIFY_EVERY);

        HealerReport report = healer.heal(List.of(down("a"), down("b")), T0);

        assertThat(report.restarted()).extracting(Restarted::verified).containsExactly(true, true);
        assertThat(healer.budget().used("macmini/a", T0)).isEqualTo(1);
    }

    @Test
    void an_empty_run_says_nothing_was_down() {
        HealerReport report = healer(3, 2).heal(List.of(), T0);

        assertThat(report.nothingDown()).isTrue();
        assertThat(report.summary()).isEqualTo("nothing was down");
        assertThat(published).isEmpty();
    }
}
