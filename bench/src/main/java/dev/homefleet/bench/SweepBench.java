package dev.homefleet.bench;

import dev.homefleet.controller.ssh.SshCommandRunner;
import dev.homefleet.core.config.MachineSpec.Os;
import dev.homefleet.core.exec.CommandResult;
import dev.homefleet.core.metrics.MachineMetrics;
import dev.homefleet.core.metrics.sweep.MetricsSweep;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A whole-machine heartbeat over the pooled session next to a single command: the Linux {@link MetricsSweep} as one
 * remote invocation, against the same probes as one command each (the per-probe way), one after another and all at
 * once. The probes are cut from the sweep's own script, so both ways run the same shell lines.
 */
final class SweepBench {

    static final Duration TIMEOUT = Duration.ofSeconds(30);
    static final int WARMUP_RUNS = 2;

    /** A line of the sweep script that prints a section: {@code s NAME; command}. */
    private static final Pattern SECTION = Pattern.compile("^s (\\S+);");
    /** The script's helper definitions end with the one that prints a section marker. */
    private static final String LAST_PREAMBLE_LINE = "s() {";

    enum Way {
        SINGLE("single command `" + CommandBench.COMMAND + "`"),
        SWEEP("whole Linux MetricsSweep, one invocation"),
        PROBES_IN_TURN("the sweep's probes, one command each, in turn"),
        PROBES_AT_ONCE("the sweep's probes, one command each, all at once");

        final String label;

        Way(String label) {
            this.label = label;
        }
    }

    record Result(String server, int sweeps, int probes, Samples single, Samples sweep, Samples inTurn,
            Samples atOnce) {
        Samples of(Way way) {
            return switch (way) {
                case SINGLE -> single;
                case SWEEP -> sweep;
                case PROBES_IN_TURN -> inTurn;
                case PROBES_AT_ONCE -> atOnce;
            };
        }

        int channels(Way way) {
            return way == Way.SINGLE || way == Way.SWEEP ? 1 : probes;
        }
    }

    private final PrintStream progress;

    SweepBench(PrintStream progress) {
        this.progress = progress;
    }

    Result run(String server, SshCommandRunner runner, int sweeps) throws Exception {
        List<String> sweep = MetricsSweep.argv(Os.LINUX);
        List<List<String>> probes = probes(sweep);
        ExecutorService pool = Executors.newFixedThreadPool(probes.size());
        try {
            Samples single = new Samples(sweeps);
            Samples whole = new Samples(sweeps);
            Samples inTurn = new Samples(sweeps);
            Samples atOnce = new Samples(sweeps);
            progress.printf("bench: %s: heartbeat sweep, %d warm-up and %d measured rounds (1 vs %d channels)%n",
                    server, WARMUP_RUNS, sweeps, probes.size());
            Way[] ways = Way.values();
            for (int round = -WARMUP_RUNS; round < sweeps; round++) {
                for (int turn = 0; turn < ways.length; turn++) {
                    Way way = ways[Math.floorMod(round + turn, ways.length)];
                    long started = System.nanoTime();
                    String output = switch (way) {
                        case SINGLE -> run(runner, List.of(CommandBench.COMMAND));
                        case SWEEP -> run(runner, sweep);
                        case PROBES_IN_TURN -> inTurn(runner, probes);
                        case PROBES_AT_ONCE -> atOnce(runner, probes, pool);
                    };
                    long took = System.nanoTime() - started;
                    if (way != Way.SINGLE) {
                        check(way, output);
                    }
                    if (round >= 0) {
                        switch (way) {
                            case SINGLE -> single.add(took);
                            case SWEEP -> whole.add(took);
                            case PROBES_IN_TURN -> inTurn.add(took);
                            case PROBES_AT_ONCE -> atOnce.add(took);
                        }
                    }
                }
            }
            return new Result(server, sweeps, probes.size(), single, whole, inTurn, atOnce);
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /**
     * The sweep script cut into one command per probe, each with the script's helper lines. A line that prints no
     * section of its own, or the second reading of one ({@code NAME-after}), stays with the probe before it: CPU use
     * is two readings of /proc/stat with a pause between, one probe.
     */
    static List<List<String>> probes(List<String> sweepArgv) {
        List<String> lines = sweepArgv.get(sweepArgv.size() - 1).lines().toList();
        int body = 0;
        while (body < lines.size() && !lines.get(body).startsWith(LAST_PREAMBLE_LINE)) {
            body++;
        }
        if (body == lines.size()) {
            throw new IllegalStateException("the Linux sweep script has no '" + LAST_PREAMBLE_LINE + "' line any more; "
                    + "update SweepBench.probes to its new shape");
        }
        List<String> preamble = lines.subList(0, body + 1);
        List<List<String>> probeLines = new ArrayList<>();
        for (String line : lines.subList(body + 1, lines.size())) {
            Matcher section = SECTION.matcher(line);
            boolean starts = section.find() && !section.group(1).endsWith("-after");
            if (starts || probeLines.isEmpty()) {
                probeLines.add(new ArrayList<>());
            }
            probeLines.get(probeLines.size() - 1).add(line);
        }
        List<List<String>> probes = new ArrayList<>();
        for (List<String> probe : probeLines) {
            List<String> script = new ArrayList<>(preamble);
            script.addAll(probe);
            probes.add(List.of("/bin/sh", "-c", String.join("\n", script) + "\n"));
        }
        return probes;
    }

    private static String run(SshCommandRunner runner, List<String> argv) throws IOException {
        CommandResult result = runner.run(argv, TIMEOUT);
        if (!result.ok()) {
            throw new IOException("`" + abbreviate(argv) + "` over the pooled session failed (exit " + result.exitCode()
                    + (result.timedOut() ? ", timed out" : "") + "): " + result.stderr());
        }
        return result.stdout();
    }

    private static String inTurn(SshCommandRunner runner, List<List<String>> probes) throws IOException {
        StringBuilder out = new StringBuilder();
        for (List<String> probe : probes) {
            out.append(run(runner, probe));
        }
        return out.toString();
    }

    private static String atOnce(SshCommandRunner runner, List<List<String>> probes, ExecutorService pool)
            throws Exception {
        List<Future<String>> running = new ArrayList<>();
        for (List<String> probe : probes) {
            running.add(pool.submit(() -> run(runner, probe)));
        }
        StringBuilder out = new StringBuilder();
        for (Future<String> f : running) {
            out.append(f.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
        }
        return out.toString();
    }

    /** Both ways must yield a whole reading: a sweep that measures nothing would be fast for the wrong reason. */
    private static void check(Way way, String output) {
        MachineMetrics m = MetricsSweep.parse(Os.LINUX, output, Instant.now());
        if (m.cpuPercent() < 0 || m.load1() < 0 || m.memoryTotal() <= 0 || m.processes() <= 0
                || m.uptimeSeconds() < 0) {
            throw new IllegalStateException(way.label + " read an incomplete heartbeat: " + m);
        }
    }

    private static String abbreviate(List<String> argv) {
        String text = String.join(" ", argv).replace('\n', ' ');
        return text.length() > 60 ? text.substring(0, 60) + "..." : text;
    }

    static void report(Report report, Result r) {
        report.heading("SSH: a whole-machine heartbeat vs a single command (" + r.server() + ")")
                .line("Over one pooled MINA session; " + r.sweeps() + " rounds, the four ways taking turns. The sweep "
                        + "samples CPU over 200 ms, so no way of running it goes below that.")
                .blank();
        Report.Table table = report.table("way", "channels", "median", "p90", "median / single command");
        double single = r.single().medianMillis();
        for (Way way : Way.values()) {
            Samples s = r.of(way);
            table.row(way.label, r.channels(way), Report.millis(s.medianMillis()), Report.millis(s.percentileMillis(90)),
                    Report.ratio(s.medianMillis() / single));
        }
        table.end();
        double sweep = r.sweep().medianMillis();
        report.note("per-probe in turn / one sweep: " + Report.ratio(r.inTurn().medianMillis() / sweep)
                        + "; per-probe all at once / one sweep: " + Report.ratio(r.atOnce().medianMillis() / sweep)
                        + " (" + r.probes() + " channels instead of 1).")
                .blank();
    }
}
