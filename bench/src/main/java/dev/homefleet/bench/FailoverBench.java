package dev.homefleet.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.homefleet.core.config.Durations;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * How fast the standby's watchdog notices a dead primary, and that it never takes over from a healthy one. The real
 * agent jar runs the watchdog at an accelerated 200 ms interval (timeout 150 ms, fall 3, rise 5) against a node HTTP
 * primary on 127.0.0.1. Each run kills the primary (SIGKILL: connection refused) or freezes it (SIGSTOP: the kernel
 * accepts, nobody answers, so checks time out) at a random moment of the check interval, and measures from that
 * moment to the takeover transition the agent records; then the primary comes back and the watchdog yields before
 * the next run. The bound is {@code fall x interval + timeout}; for a killed primary the median should be
 * {@code (fall - 0.5) x interval}, which holds only if checks are neither delayed nor bunched. Then a healthy primary
 * is watched for a long while (10 minutes by default) and every check and transition counted.
 */
final class FailoverBench {

    static final Duration INTERVAL = Duration.ofMillis(200);
    static final Duration TIMEOUT = Duration.ofMillis(150);
    static final int FALL = 3;
    static final int RISE = 5;
    static final int RUNS = 20;
    static final Duration DEFAULT_HEALTHY = Duration.ofMinutes(10);
    /** Goal: the killed primary's median within this fraction of (fall - 0.5) x interval. */
    static final double MEDIAN_TOLERANCE = 0.10;
    static final Duration STATE_WAIT = Duration.ofSeconds(20);
    static final String NAME = "bench";
    static final String MACHINE = "standby";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** One way of dying, its latencies, and how many runs took over at exactly fall failed checks. */
    record Mode(String name, Samples latency, int exactFall) {}

    /**
     * @param checks        checks the agent made during the healthy run
     * @param failedChecks  of those, how many failed
     * @param transitions   transitions during it (any is a failed check that was noticed)
     * @param takeovers     takeovers during it: false ones
     * @param spacing       time between the starts of consecutive checks during it
     */
    record Healthy(Duration duration, long checks, long failedChecks, int transitions, int takeovers,
            Samples spacing) {}

    record Result(Mode killed, Mode hung, Healthy healthy, List<String> flags) {}

    private final PrintStream progress;
    private final Random random = new Random(20250131);

    FailoverBench(PrintStream progress) {
        this.progress = progress;
    }

    /** The standby is also the controller's machine, so it may run commands locally; nothing listens there. */
    static String fleet(int primaryPort, int controllerPort) {
        return """
                version: 1
                controller:
                  machine: %1$s
                  port: %8$d
                machines:
                  primary:
                    os: linux
                    reach:
                      via: none
                  %1$s:
                    os: linux
                    reach:
                      via: local
                    agent:
                      bind: loopback
                failover:
                  %2$s:
                    primary:
                      machine: primary
                    standby:
                      machine: %1$s
                    check: http://127.0.0.1:%3$d/
                    interval: %4$s
                    timeout: %5$s
                    fall: %6$d
                    rise: %7$d
                """.formatted(MACHINE, NAME, primaryPort, Durations.format(INTERVAL), Durations.format(TIMEOUT), FALL,
                RISE, controllerPort);
    }

    Result run(Path jar, List<String> flags, Path dir, Cleanup cleanup, Duration healthyFor) throws Exception {
        int port = freePort();
        AgentProcess agent = AgentProcess.start(jar, flags, dir, cleanup, fleet(port, freePort()), MACHINE,
                List.of("--data-dir", dir.resolve("data").toString()));
        Primary primary = cleanup.add("the failover bench's primary", Primary.start(port));
        awaitStandby(agent);
        progress.printf("bench: failover: %d runs with the primary killed, interval %s, timeout %s, fall %d%n", RUNS,
                Durations.format(INTERVAL), Durations.format(TIMEOUT), FALL);
        Mode killed = runs("killed (SIGKILL)", agent, primary, false);
        progress.printf("bench: failover: %d runs with the primary frozen%n", RUNS);
        Mode hung = runs("hung (SIGSTOP)", agent, primary, true);
        progress.printf("bench: failover: a healthy primary for %s%n", Durations.format(healthyFor));
        Healthy healthy = healthy(agent, healthyFor);
        return new Result(killed, hung, healthy, flags);
    }

    private Mode runs(String name, AgentProcess agent, Primary primary, boolean freeze) throws Exception {
        Samples latency = new Samples(RUNS);
        int exact = 0;
        for (int i = 0; i < RUNS; i++) {
            Thread.sleep(random.nextInt((int) INTERVAL.toMillis()));
            Instant died;
            if (freeze) {
                primary.freeze();
                died = Instant.now();
            } else {
                died = Instant.now();
                primary.kill();
            }
            JsonNode active = awaitState(agent, "active");
            JsonNode transitions = active.path("transitions");
            JsonNode takeover = transitions.get(transitions.size() - 1);
            if (!takeover.path("to").asText().equals("active")) {
                throw new IllegalStateException("the last transition is not the takeover: " + takeover);
            }
            long nanos = Duration.between(died, Instant.parse(takeover.path("at").asText())).toNanos();
            latency.add(nanos);
            if (nanos > bound().toNanos()) {
                progress.printf("bench: failover: run %d (%s) took %d ms, over the bound; its checks, from the "
                        + "signal: %s%n", i + 1, name, nanos / 1_000_000, checksFrom(died, active));
            }
            if (takeover.path("failures").asInt() == FALL) {
                exact++;
            }
            if (freeze) {
                primary.thaw();
            } else {
                primary.restart();
            }
            awaitStandby(agent);
        }
        return new Mode(name, latency, exact);
    }

    static Duration bound() {
        return INTERVAL.multipliedBy(FALL).plus(TIMEOUT);
    }

    /** The checks around a run, as "+96 ms: timed out after 150ms (151 ms)", for a run to be explained. */
    private static String checksFrom(Instant died, JsonNode status) {
        List<String> out = new ArrayList<>();
        for (JsonNode c : status.path("checks")) {
            long ms = Duration.between(died, Instant.parse(c.path("at").asText())).toMillis();
            if (ms > -500) {
                out.add((ms >= 0 ? "+" : "") + ms + " ms: " + c.path("detail").asText() + " ("
                        + c.path("latency_ms").asLong() + " ms)");
            }
        }
        return String.join("; ", out);
    }

    private Healthy healthy(AgentProcess agent, Duration duration) throws Exception {
        Instant start = Instant.now();
        long deadline = System.nanoTime() + duration.toNanos();
        TreeMap<Instant, Boolean> checks = new TreeMap<>();
        Set<String> transitions = new HashSet<>();
        int takeovers = 0;
        long nextReport = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (System.nanoTime() < deadline) {
            JsonNode status = status(agent);
            for (JsonNode c : status.path("checks")) {
                Instant at = Instant.parse(c.path("at").asText());
                if (!at.isBefore(start)) {
                    checks.put(at, c.path("ok").asBoolean());
                }
            }
            for (JsonNode t : status.path("transitions")) {
                Instant at = Instant.parse(t.path("at").asText());
                if (!at.isBefore(start) && transitions.add(t.path("at").asText() + t.path("to").asText())
                        && t.path("to").asText().equals("active")) {
                    takeovers++;
                }
            }
            if (System.nanoTime() > nextReport) {
                progress.printf("bench: failover: healthy for %d min, %d checks, %d failed, %d takeovers%n",
                        Duration.between(start, Instant.now()).toMinutes(), checks.size(),
                        checks.values().stream().filter(ok -> !ok).count(), takeovers);
                nextReport += TimeUnit.MINUTES.toNanos(1);
            }
            Thread.sleep(1000);
        }
        List<Instant> times = new ArrayList<>(checks.keySet());
        Samples spacing = new Samples(Math.max(1, times.size()));
        for (int i = 1; i < times.size(); i++) {
            spacing.add(Duration.between(times.get(i - 1), times.get(i)).toNanos());
        }
        long failed = checks.values().stream().filter(ok -> !ok).count();
        return new Healthy(duration, checks.size(), failed, transitions.size(), takeovers, spacing);
    }

    private void awaitStandby(AgentProcess agent) throws Exception {
        long deadline = System.nanoTime() + STATE_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode s = status(agent);
            if (s.path("state").asText().equals("standby") && s.path("successes").asInt() >= 2
                    && s.path("running").isNull()) {
                return;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("the watchdog did not settle as standby within "
                + Durations.format(STATE_WAIT) + ": " + status(agent));
    }

    private static JsonNode awaitState(AgentProcess agent, String state) throws Exception {
        long deadline = System.nanoTime() + STATE_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode s = status(agent);
            if (s.path("state").asText().equals(state)) {
                return s;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("the watchdog did not become " + state + " within "
                + Durations.format(STATE_WAIT) + ": " + status(agent));
    }

    private static JsonNode status(AgentProcess agent) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(agent.uri("/v1/failover/" + NAME))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET /v1/failover/" + NAME + " answered " + response.statusCode() + ": "
                    + response.body());
        }
        return JSON.readTree(response.body());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }

    static void report(Report report, Result r) {
        double bound = bound().toNanos() / 1e6;
        double expected = (FALL - 0.5) * INTERVAL.toNanos() / 1e6;
        report.heading("Failover: detection latency and false takeovers")
                .line("The agent jar (flags `" + String.join(" ", r.flags()) + "`) watches a node HTTP primary on "
                        + "127.0.0.1 every " + Durations.format(INTERVAL) + " (timeout " + Durations.format(TIMEOUT)
                        + ", fall " + FALL + ", rise " + RISE + "). Latency: from the signal to the takeover the agent "
                        + "records, the primary dying at a random moment of the interval. Bound: fall x interval + "
                        + "timeout = " + Report.millis(bound) + ". Expected median for a killed primary: (fall - 0.5) "
                        + "x interval = " + Report.millis(expected) + ".")
                .blank();
        Report.Table table = report.table("primary", "runs", "min", "median", "p95", "max", "took over at fall",
                "max <= bound");
        for (Mode m : List.of(r.killed(), r.hung())) {
            Samples s = m.latency();
            table.row(m.name(), s.size(), Report.millis(s.percentileMillis(0)), Report.millis(s.medianMillis()),
                    Report.millis(s.percentileMillis(95)), Report.millis(s.percentileMillis(100)),
                    m.exactFall() + " of " + s.size(), Report.verdict(s.percentileMillis(100) <= bound));
        }
        table.end();
        double median = r.killed().latency().medianMillis();
        Healthy h = r.healthy();
        report.table("goal", "value", "verdict")
                .row("killed: median within " + Math.round(MEDIAN_TOLERANCE * 100) + "% of " + Report.millis(expected),
                        Report.millis(median) + " (" + Report.number("%+.1f%%", 100 * (median / expected - 1)) + ")",
                        Report.verdict(Math.abs(median / expected - 1) <= MEDIAN_TOLERANCE))
                .row("no run beyond " + Report.millis(bound), Report.millis(Math.max(
                        r.killed().latency().percentileMillis(100), r.hung().latency().percentileMillis(100))),
                        Report.verdict(r.killed().latency().percentileMillis(100) <= bound
                                && r.hung().latency().percentileMillis(100) <= bound))
                .row("no false takeover in " + Durations.format(h.duration()) + " with a healthy primary",
                        h.takeovers() + " takeovers", Report.verdict(h.takeovers() == 0))
                .end();
        report.note("healthy run: " + h.checks() + " checks (" + Report.number("%.0f", h.duration().toMillis()
                        / (double) INTERVAL.toMillis()) + " expected), " + h.failedChecks() + " failed, "
                        + h.transitions() + " transitions.")
                .note(h.spacing().size() == 0 ? "no check spacing measured" : "spacing of check starts during it: "
                        + "min " + Report.millis(h.spacing().percentileMillis(0)) + ", median "
                        + Report.millis(h.spacing().medianMillis()) + ", p99 "
                        + Report.millis(h.spacing().percentileMillis(99)) + ", max "
                        + Report.millis(h.spacing().percentileMillis(100)) + " (checks start on a fixed grid)")
                .blank();
    }

    /** The primary: node answering "ok" on 127.0.0.1, killed, frozen, thawed and restarted on the same port. */
    static final class Primary implements AutoCloseable {
        private final int port;
        private Process process;
        private boolean frozen;

        private Primary(int port) {
            this.port = port;
        }

        static Primary start(int port) throws Exception {
            Primary primary = new Primary(port);
            primary.restart();
            return primary;
        }

        void restart() throws Exception {
            process = new ProcessBuilder("node", "-e", "require('http').createServer((q,r)=>r.end('ok')).listen("
                    + port + ",'127.0.0.1')").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IOException("node exited with " + process.exitValue() + "; is node installed "
                            + "(scripts/test installs it)?");
                }
                try {
                    if (HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                            .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.discarding())
                            .statusCode() == 200) {
                        return;
                    }
                } catch (IOException notYet) {
                    // starting
                }
                Thread.sleep(20);
            }
            throw new IOException("node did not answer on 127.0.0.1:" + port + " within 15 s");
        }

        void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }

        void freeze() throws IOException, InterruptedException {
            signal("-STOP");
            frozen = true;
        }

        void thaw() throws IOException, InterruptedException {
            signal("-CONT");
            frozen = false;
        }

        private void signal(String signal) throws IOException, InterruptedException {
            Process kill = new ProcessBuilder("kill", signal, Long.toString(process.pid())).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IOException("kill " + signal + " " + process.pid() + " failed");
            }
        }

        @Override
        public void close() throws IOException {
            if (process == null || !process.isAlive()) {
                return;
            }
            try {
                if (frozen) {
                    thaw();
                }
                kill();
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
