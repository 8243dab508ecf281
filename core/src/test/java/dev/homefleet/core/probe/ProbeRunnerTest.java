package dev.homefleet.core.probe;

import static dev.homefleet.core.probe.Checks.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.homefleet.core.exec.LocalCommandRunner;
import dev.homefleet.core.service.ServiceState;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ProbeRunnerTest {

    private static TestServers servers;

    @BeforeAll
    static void start() throws IOException {
        servers = new TestServers();
    }

    @AfterAll
    static void stop() throws IOException {
        servers.close();
    }

    /** A manager that takes a while to answer and counts how many are asked at once. */
    private static final class Busy extends StubManager {
        private final AtomicInteger now;
        private final AtomicInteger most;

        Busy(AtomicInteger now, AtomicInteger most) {
            this.now = now;
            this.most = most;
        }

        @Override
        public ServiceState status() throws IOException {
            most.accumulateAndGet(now.incrementAndGet(), Math::max);
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                now.decrementAndGet();
            }
            return ServiceState.of(ServiceState.State.RUNNING, null);
        }
    }

    @Test
    void every_probe_comes_back_in_the_order_given_even_one_that_throws() {
        try (ProbeRunner runner = new ProbeRunner(2)) {
            ProbeContext context = runner.context().withCommands(new LocalCommandRunner());
            Map<String, Probe> probes = new LinkedHashMap<>();
            probes.put("web", Probes.of(Checks.http(servers.url("/ok")), context));
            probes.put("api", Probes.of(Checks.http(servers.url("/down")), context));
            probes.put("game", Probes.of(Checks.tcp("127.0.0.1:" + servers.httpPort(), TIMEOUT), context));
            probes.put("hung", Probes.of(Checks.http("http://127.0.0.1:" + servers.hungPort() + "/", null, null, null,
                    null, null, Duration.ofMillis(300)), context));
            probes.put("script", Probes.of(Checks.command(TIMEOUT, "false"), context));
            probes.put("broken", new Probe() {
                @Override
                public String target() {
                    return "broken";
                }

                @Override
                public Duration timeout() {
                    return TIMEOUT;
                }

                @Override
                public CompletableFuture<ProbeResult> run() {
                    throw new IllegalStateException("a bug");
                }
            });

            Map<String, ProbeResult> results = runner.runAll(probes);

            assertThat(results).containsOnlyKeys(probes.keySet());
            assertThat(results.keySet()).containsExactlyElementsOf(probes.keySet());
            assertThat(results.get("web").ok()).isTrue();
            assertThat(results.get("api").detail()).isEqualTo("status 503, expected 2xx or 3xx");
            assertThat(results.get("game").ok()).isTrue();
            assertThat(results.get("hung").detail()).isEqualTo("timed out after 300ms");
            assertThat(results.get("script").detail()).isEqualTo("exit 1");
            assertThat(results.get("broken").ok()).isFalse();
            assertThat(results.get("broken").detail()).isEqualTo("check failed: java.lang.IllegalStateException: a bug");
        }
    }

    @Test
    void blocking_checks_run_at_most_concurrency_at_once() {
        AtomicInteger now = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        try (ProbeRunner runner = new ProbeRunner(2)) {
            Map<Integer, Probe> probes = new LinkedHashMap<>();
            for (int i = 0; i < 6; i++) {
                probes.put(i, Probes.of(Checks.manager(TIMEOUT), runner.context().withManager(new Busy(now, most))));
            }
            Map<Integer, ProbeResult> results = runner.runAll(probes);
            assertThat(results.values()).allSatisfy(r -> assertThat(r.ok()).as(r.detail()).isTrue());
            assertThat(most.get()).isEqualTo(2);
        }
    }

    @Test
    void at_most_max_in_flight_checks_are_under_way_at_once() {
        AtomicInteger now = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        try (ProbeRunner runner = new ProbeRunner(10, 3, Clock.systemUTC())) {
            Map<Integer, Probe> probes = new LinkedHashMap<>();
            for (int i = 0; i < 8; i++) {
                probes.put(i, Probes.of(Checks.manager(TIMEOUT), runner.context().withManager(new Busy(now, most))));
            }
            assertThat(runner.runAll(probes).values()).allSatisfy(r -> assertThat(r.ok()).isTrue());
            assertThat(most.get()).isEqualTo(3);
        }
    }

    @Test
    void http_checks_waiting_on_a_hung_server_hold_sockets_not_threads() {
        try (ProbeRunner runner = new ProbeRunner(4)) {
            Map<Integer, Probe> probes = new LinkedHashMap<>();
            for (int i = 0; i < 50; i++) {
                probes.put(i, Probes.of(Checks.http("http://127.0.0.1:" + servers.hungPort() + "/" + i, null, null,
                        null, null, null, Duration.ofMillis(500)), runner.context()));
            }
            Map<Integer, ProbeResult> results = runner.runAll(probes);
            assertThat(results.values()).allSatisfy(r -> assertThat(r.detail()).isEqualTo("timed out after 500ms"));
            assertThat(runner.peakThreads()).as("2 HTTP callback threads, the socket group's, the selector")
                    .isLessThanOrEqualTo(ProbeRunner.HTTP_THREADS + 2);
        }
    }

    @Test
    void an_empty_sweep_returns_at_once_with_no_results() {
        try (ProbeRunner runner = new ProbeRunner(1)) {
            assertThat(runner.runAll(Map.<String, Probe>of())).isEmpty();
        }
    }
}
