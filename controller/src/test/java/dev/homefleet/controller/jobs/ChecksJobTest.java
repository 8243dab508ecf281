package dev.homefleet.controller.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.homefleet.agent.service.ServiceManagers;
import dev.homefleet.controller.events.EventBus;
import dev.homefleet.controller.events.EventType;
import dev.homefleet.controller.events.FleetEvent;
import dev.homefleet.controller.reach.FleetReach;
import dev.homefleet.controller.ssh.SshRunners;
import dev.homefleet.controller.state.FleetState.ServiceStatus;
import dev.homefleet.controller.state.Health;
import dev.homefleet.controller.state.StateHolder;
import dev.homefleet.core.config.FleetConfig;
import dev.homefleet.core.exec.LocalCommandRunner;
import dev.homefleet.core.probe.ProbeResult;
import dev.homefleet.core.probe.ProbeRunner;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChecksJobTest {

    /** laptop: web (fall 3, rise 2) and db (fall 1, rise 1); mini over ssh: api (defaults: fall 3, rise 2). */
    private static final String FLEET = Fleets.LAPTOP + """
                services:
                  web:
                    manager: {type: process, command: [sleep, "1000"]}
                    check: {http: "http://127.0.0.1:1/health", fall: 3, rise: 2, timeout: 1s}
                  db:
                    manager: {type: process, command: [sleep, "1000"]}
                    check: {tcp: "127.0.0.1:2", fall: 1, rise: 1, timeout: 1s}
                  batch:
                    manager: {type: process, command: [sleep, "1000"]}
              mini:
                os: linux
                reach:
                  via: ssh
                  ssh: {host: 127.0.0.1, port: 1, user: tester}
                services:
                  api:
                    manager: {type: process, command: [sleep, "1000"]}
                    check: {http: "http://127.0.0.1:3/", timeout: 1s}
              phone:
                os: ios
                role: client
                reach: {via: none}
            """;

    @TempDir
    Path home;

    private final ExecutorService pool = Fleets.daemonPool("checks-test");
    private final EventBus bus = new EventBus();
    private final List<FleetEvent> events = new CopyOnWriteArrayList<>();
    private final StateHolder state = Fleets.emptyState();
    private final MachineReachability reachability = new MachineReachability(bus, state);
    private final List<String> told = new CopyOnWriteArrayList<>();
    private final Set<String> gaveUp = ConcurrentHashMap.newKeySet();
    private final AtomicReference<FleetConfig> config = new AtomicReference<>(Fleets.parse(FLEET));
    /** What the scripted site answers, by "machine/service"; a machine in {@link #unreachable} throws. */
    private final Map<String, Boolean> answers = new ConcurrentHashMap<>();
    private final Set<String> unreachable = ConcurrentHashMap.newKeySet();
    private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();

    {
        bus.subscribe("test", events::add);
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        pool.shutdownNow();
    }

    private final ChecksJob.CheckSite scripted = (machine, checks) -> {
        if (unreachable.contains(machine.name())) {
            throw new IOException("ssh tester@127.0.0.1:1: connection refused");
        }
        Map<String, ProbeResult> results = new LinkedHashMap<>();
        checks.keySet().forEach(service -> {
            Boolean ok = answers.get(machine.name() + "/" + service);
            if (ok != null) {
                results.put(service, new ProbeResult(ok, Duration.ofMillis(3), ok ? "200 in 3 ms" : "status 503",
                        Instant.now()));
            }
        });
        return new ChecksJob.Checked("scripted", results);
    };

    private ChecksJob job(ChecksJob.CheckSite site) {
        return job(site, ChecksJob.SLACK);
    }

    private ChecksJob job(ChecksJob.CheckSite site, Duration slack) {
        return new ChecksJob(config::get, site, reachability, bus, state, pool, new ChecksJob.Listener() {
            @Override
            public void serviceDown(String machine, String service) {
                told.add("down " + machine + "/" + service);
            }

            @Override
            public void serviceUp(String machine, String service) {
                told.add("up " + machine + "/" + service);
            }
        }, gaveUp::contains, key -> 0, Clock.systemUTC(), slack);
    }

    private ServiceStatus service(String machine, String service) {
        return state.get().machines().get(machine).services().get(service);
    }

    private List<FleetEvent> events(EventType type) {
        return events.stream().filter(e -> e.type() == type).toList();
    }

    private JobResult run(ChecksJob job, String key, boolean ok) {
        answers.put(key, ok);
        return job.get();
    }

    @Test
    void a_service_goes_down_after_fall_failures_in_a_row_is_degraded_before_and_is_announced_once() {
        ChecksJob job = job(scripted);
        run(job, "laptop/web", true);
        assertThat(service("laptop", "web").health()).isEqualTo(Health.UP);

        run(job, "laptop/web", false);
        run(job, "laptop/web", false);
        assertThat(service("laptop", "web").health()).as("two failures of fall 3").isEqualTo(Health.DEGRADED);
        assertThat(service("laptop", "web").failures()).isEqualTo(2);
        assertThat(events(EventType.SERVICE_DOWN)).isEmpty();

        run(job, "laptop/web", false);
        run(job, "laptop/web", false);
        run(job, "laptop/web", false);

        assertThat(service("laptop", "web").health()).isEqualTo(Health.DOWN);
        assertThat(service("laptop", "web").detail()).isEqualTo("status 503");
        assertThat(events(EventType.SERVICE_DOWN)).singleElement().satisfies(e -> {
            assertThat(e.target()).isEqualTo("laptop/web");
            assertThat(e.message()).isEqualTo("laptop/web is down: status 503 (3 failed checks in a row)");
            assertThat(e.data()).containsEntry("fall", 3);
        });
        assertThat(told).containsExactly("up laptop/web", "down laptop/web");
    }

    @Test
    void a_down_service_comes_back_after_rise_successes_and_the_event_says_how_long_it_was_down() {
        ChecksJob job = job(scripted);
        run(job, "laptop/web", true);
        for (int i = 0; i < 3; i++) {
            run(job, "laptop/web", false);
        }
        Instant downSince = service("laptop", "web").since();

        run(job, "laptop/web", true);
        assertThat(service("laptop", "web").health()).as("one success of rise 2").isEqualTo(Health.DOWN);
        assertThat(service("laptop", "web").since()).isEqualTo(downSince);
        assertThat(events(EventType.SERVICE_UP)).isEmpty();

        run(job, "laptop/web", true);

        assertThat(service("laptop", "web").health()).isEqualTo(Health.UP);
        assertThat(events(EventType.SERVICE_UP)).singleElement().satisfies(e -> {
            assertThat(e.message()).startsWith("laptop/web is up again after ").endsWith("s down: 200 in 3 ms");
            assertThat(e.data()).containsEntry("down_since", downSince);
        });
    }

    @Test
    void each_check_is_debounced_with_its_own_fall_and_rise() {
        ChecksJob job = job(scripted);
        answers.put("laptop/web", true);
        run(job, "laptop/db", true);

        answers.put("laptop/web", false);
        run(job, "laptop/db", false);

        assertThat(service("laptop", "db").health()).as("fall 1").isEqualTo(Health.DOWN);
        assertThat(service("laptop", "web").health()).as("fall 3").isEqualTo(Health.DEGRADED);
        run(job, "laptop/db", true);
        assertThat(service("laptop", "db").health()).as("rise 1").isEqualTo(Health.UP);
        assertThat(events).extracting(FleetEvent::type, FleetEvent::target).containsExactly(
                org.assertj.core.groups.Tuple.tuple(EventType.SERVICE_DOWN, "laptop/db"),
                org.assertj.core.groups.Tuple.tuple(EventType.SERVICE_UP, "laptop/db"));
    }

    @Test
    void a_service_failing_from_the_start_is_unknown_until_fall_failures_and_then_down() {
        ChecksJob job = job(scripted);
        run(job, "laptop/web", false);
        assertThat(service("laptop", "web").health()).isEqualTo(Health.UNKNOWN);
        run(job, "laptop/web", false);
        run(job, "laptop/web", false);
        assertThat(service("laptop", "web").health()).isEqualTo(Health.DOWN);
        assertThat(events(EventType.SERVICE_DOWN)).hasSize(1);
    }

    @Test
    void a_down_service_the_healer_gave_up_on_shows_gave_up() {
        ChecksJob job = job(scripted);
        for (int i = 0; i < 3; i++) {
            run(job, "laptop/web", false);
        }
        gaveUp.add("laptop/web");
        run(job, "laptop/web", false);
        assertThat(service("laptop", "web").health()).isEqualTo(Health.GAVE_UP);
        assertThat(events(EventType.SERVICE_DOWN)).hasSize(1);
    }

    @Test
    void services_without_a_check_and_machines_not_reached_are_not_checked() {
        ChecksJob job = job(scripted);
        answers.put("laptop/web", true);
        answers.put("laptop/db", true);
        answers.put("mini/api", true);

        JobResult result = job.get();

        assertThat(result.failed()).isFalse();
        assertThat(result.summary()).isEqualTo("3 up, 0 down");
        assertThat(result.details()).containsEntry("up", 3).containsEntry("down", 0);
        assertThat(state.get().machines()).containsOnlyKeys("laptop", "mini");
        assertThat(state.get().machines().get("laptop").services()).containsOnlyKeys("web", "db");
        assertThat(state.get().machines().get("mini").via()).isEqualTo("scripted");
    }

    @Test
    void a_machine_that_cannot_be_reached_goes_down_after_two_runs_and_its_services_keep_their_last_state() {
        ChecksJob job = job(scripted);
        answers.put("mini/api", true);
        job.get();
        unreachable.add("mini");

        JobResult first = job.get();
        assertThat(first.summary()).isEqualTo("0 up, 0 down; not reached: mini");
        assertThat(first.details()).containsEntry("unreached", List.of("mini"));
        assertThat(events(EventType.MACHINE_DOWN)).as("after one failed attempt").isEmpty();

        job.get();
        job.get();

        assertThat(events(EventType.MACHINE_DOWN)).singleElement().satisfies(e -> {
            assertThat(e.machine()).isEqualTo("mini");
            assertThat(e.message()).isEqualTo("mini does not answer: ssh tester@127.0.0.1:1: connection refused");
        });
        assertThat(state.get().machines().get("mini").health()).isEqualTo(Health.DOWN);
        assertThat(service("mini", "api").health()).as("not one alert per service").isEqualTo(Health.UP);
        assertThat(events(EventType.SERVICE_DOWN)).isEmpty();

        unreachable.remove("mini");
        job.get();
        assertThat(events(EventType.MACHINE_UP)).singleElement()
                .satisfies(e -> assertThat(e.message()).startsWith("mini answers again (via scripted)"));
        assertThat(state.get().machines().get("mini").health()).isEqualTo(Health.UP);
    }

    @Test
    void a_machine_whose_checks_hang_costs_only_its_deadline_and_the_others_are_still_recorded() {
        ChecksJob.CheckSite hangsOnMini = (machine, checks) -> {
            if (machine.name().equals("mini")) {
                try {
                    Thread.sleep(60_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new IOException("interrupted");
            }
            return scripted.run(machine, checks);
        };
        ChecksJob job = job(hangsOnMini, Duration.ofMillis(300));
        answers.put("laptop/web", true);

        long started = System.nanoTime();
        JobResult result = job.get();
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(took).as("the deadline is the slowest check's timeout (1s) plus slack (300ms)")
                .isBetween(Duration.ofMillis(1_300), Duration.ofSeconds(5));
        assertThat(result.summary()).isEqualTo("1 up, 0 down; not reached: mini");
        assertThat(service("laptop", "web").health()).isEqualTo(Health.UP);
        assertThat(state.get().machines().get("mini").error()).isEqualTo("its checks did not finish within 1s300ms");
    }

    @Test
    void resumed_from_down_a_service_is_not_announced_down_again_and_is_announced_up_after_rise() {
        ChecksJob job = job(scripted);
        job.resume(Map.of("laptop/web", Health.DOWN, "mini/api", Health.GAVE_UP, "laptop/gone", Health.DOWN,
                "no-slash", Health.DOWN, "laptop/db", Health.UP));

        assertThat(service("laptop", "web").health()).isEqualTo(Health.DOWN);
        assertThat(service("laptop", "web").detail()).isEqualTo("down when the controller last ran");
        assertThat(service("mini", "api").health()).as("gave up counts as down").isEqualTo(Health.DOWN);
        assertThat(state.get().machines().get("laptop").services()).containsOnlyKeys("web");

        answers.put("mini/api", false);
        run(job, "laptop/web", false);
        run(job, "laptop/web", true);
        assertThat(events).as("still down, and not news").isEmpty();

        answers.put("mini/api", true);
        run(job, "laptop/web", true);
        job.get();

        assertThat(events(EventType.SERVICE_UP)).extracting(FleetEvent::target)
                .containsExactlyInAnyOrder("laptop/web", "mini/api");
        assertThat(events(EventType.SERVICE_DOWN)).isEmpty();
    }

    @Test
    void a_service_removed_from_fleet_yaml_leaves_the_state_and_starts_afresh_when_it_comes_back() {
        ChecksJob job = job(scripted);
        for (int i = 0; i < 2; i++) {
            run(job, "laptop/web", false);
        }
        String withoutWeb = FLEET.replaceAll("(?sm)^ +web:\\n.*?timeout: 1s}\\n", "");
        config.set(Fleets.parse(withoutWeb));
        job.get();
        assertThat(state.get().machines().get("laptop").services()).doesNotContainKey("web");

        config.set(Fleets.parse(FLEET));
        run(job, "laptop/web", false);
        assertThat(service("laptop", "web").failures()).as("counted from zero again").isEqualTo(1);
    }

    @Test
    void checks_run_for_real_on_the_controllers_machine_against_a_loopback_server() throws Exception {
        SwitchableServer web = new SwitchableServer().answer(503);
        open.add(web);
        config.set(Fleets.parse(Fleets.LAPTOP + """
                    services:
                      web:
                        manager: {type: process, command: [sleep, "1000"]}
                        check: {http: "%s", fall: 2, rise: 2, timeout: 2s}
                """.formatted(web.url("/health"))));
        ProbeRunner probes = new ProbeRunner(4);
        open.add(probes);
        OkHttpClient http = new OkHttpClient();
        FleetReach reach = new FleetReach(config.get(), Map.of(), home, new LocalCommandRunner(),
                () -> SshRunners.create(home, "tester"), http);
        open.add(reach);
        open.add(() -> http.dispatcher().executorService().shutdown());
        ChecksJob job = job(new FleetCheckSite(reach, new LocalCommandRunner(), new ServiceManagers(null, null),
                probes));

        job.get();
        job.get();
        assertThat(service("laptop", "web").health()).isEqualTo(Health.DOWN);
        assertThat(service("laptop", "web").detail()).startsWith("status 503");
        assertThat(state.get().machines().get("laptop").via()).isEqualTo("local");

        web.answer(200);
        job.get();
        job.get();

        assertThat(service("laptop", "web").health()).isEqualTo(Health.UP);
        assertThat(service("laptop", "web").latencyMillis()).isNotNull();
        assertThat(events).extracting(FleetEvent::type).containsExactly(EventType.SERVICE_DOWN, EventType.SERVICE_UP);
    }
}
