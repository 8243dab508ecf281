package dev.homefleet.bench;

import dev.homefleet.controller.ssh.SshCommandRunner;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs the benchmarks, prints the results as Markdown tables and writes the same to the results file. A goal missed
 * is reported, not fatal (machines are noisy); an error ends the run with exit 1 after everything started was
 * stopped. Usage: {@code BenchMain --sections=ssh,sweep,agent,healer,failover,api,fanout --commands=200 --sweeps=10
 * --jvm-options=FILE --agent-jar=JAR --failover-healthy=10m --out=FILE}; the failover section's healthy run can also be
 * set with the environment variable {@value #ENV_FAILOVER_HEALTHY}.
 */
public final class BenchMain {

    static final int EXIT_OK = 0;
    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = 2;
    /** The whole run stops by itself after this, whatever hangs (the healer's curl loop alone takes 3 to 4 min). */
    static final Duration MAX_RUN = Duration.ofMinutes(15);

    static final Set<String> SECTIONS = Set.of("ssh", "sweep", "agent", "healer", "failover", "api", "fanout");
    /** How long the failover section watches a healthy primary, when --failover-healthy is not given. */
    static final String ENV_FAILOVER_HEALTHY = "HOMEFLEET_BENCH_FAILOVER_HEALTHY";

    private BenchMain() {}

    record Options(Set<String> sections, int commands, int sweeps, Path jvmOptions, Path agentJar, Path out,
            Duration failoverHealthy) {}

    public static void main(String[] args) {
        Options options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            System.exit(EXIT_USAGE);
            return;
        }
        startWatchdog(options.sections().contains("failover") ? MAX_RUN.plus(options.failoverHealthy()) : MAX_RUN);
        System.exit(run(options, System.out, System.err));
    }

    static int run(Options o, PrintStream out, PrintStream progress) {
        long began = System.nanoTime();
        Report report = new Report();
        report.line("# homefleet bench").blank()
                .line("Run " + Instant.now().truncatedTo(ChronoUnit.SECONDS) + " on " + Runtime.getRuntime()
                        .availableProcessors() + " cores, Java " + System.getProperty("java.version") + ", "
                        + openSshVersion() + "; everything on 127.0.0.1.")
                .blank();
        int status = EXIT_OK;
        Cleanup cleanup = new Cleanup(progress);
        try {
            Path dir = Files.createTempDirectory(Path.of("/tmp"), "hfb");
            cleanup.add("scratch directory " + dir, () -> deleteTree(dir));
            if (o.sections().contains("ssh") || o.sections().contains("sweep")) {
                try (Cleanup ssh = new Cleanup(progress)) {
                    ssh(o, report, progress, SshServers.start(dir.resolve("ssh"), ssh), ssh);
                }
            }
            if (o.sections().contains("agent")) {
                AgentBench.report(report, new AgentBench(progress).run(o.agentJar(), JvmOptions.read(o.jvmOptions()),
                        dir.resolve("agent"), cleanup));
            }
            if (o.sections().contains("healer")) {
                HealerSweepBench.report(report, new HealerSweepBench(progress).run(dir.resolve("healer"), cleanup));
            }
            if (o.sections().contains("api")) {
                ApiBench.report(report, new ApiBench(progress).run(Files.createDirectories(dir.resolve("api")),
                        cleanup));
            }
            if (o.sections().contains("fanout")) {
                FanoutBench.report(report, new FanoutBench(progress).run(cleanup));
            }
            if (o.sections().contains("failover")) {
                FailoverBench.report(report, new FailoverBench(progress).run(o.agentJar(),
                        JvmOptions.read(o.jvmOptions()), dir.resolve("failover"), cleanup, o.failoverHealthy()));
            }
        } catch (Exception | AssertionError e) {
            status = EXIT_FAILED;
            report.heading("FAILED").line("The run stopped on an error; the figures above are all it measured.")
                    .blank().line("    " + e).blank();
            e.printStackTrace(progress);
        } finally {
            cleanup.close();
        }
        report.line("Whole run: " + Duration.ofNanos(System.nanoTime() - began).toSeconds() + " s.");
        out.println();
        out.print(report.text());
        try {
            report.write(o.out());
            out.println("\nbench: results written to " + o.out());
        } catch (IOException e) {
            progress.println("bench: cannot write " + o.out() + ": " + e.getMessage());
            status = EXIT_FAILED;
        }
        return status;
    }

    private static void ssh(Options o, Report report, PrintStream progress, SshServers servers, Cleanup cleanup)
            throws Exception {
        SshCommandRunner overSshd = servers.pooled("sshd", servers.sshd.port(), cleanup);
        SshCommandRunner overMina = servers.pooled("mina", servers.mina.port(), cleanup);
        if (o.sections().contains("ssh")) {
            CommandBench bench = new CommandBench(progress, cleanup);
            CommandBench.Result sshd = bench.run(new CommandBench.Server("OpenSSH sshd",
                    servers.cli("sshd", servers.sshd.port()), overSshd, servers.sshd::acceptedLogins), o.commands());
            CommandBench.Result mina = bench.run(new CommandBench.Server("MINA server",
                    servers.cli("mina", servers.mina.port()), overMina, null), o.commands());
            CommandBench.report(report, List.of(sshd, mina), o.commands());
        }
        if (o.sections().contains("sweep")) {
            SweepBench.report(report, new SweepBench(progress).run("OpenSSH sshd", overSshd, o.sweeps()));
        }
    }

    static Options parse(String[] args) {
        return parse(args, System.getenv());
    }

    static Options parse(String[] args, Map<String, String> environment) {
        Map<String, String> given = new LinkedHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (!arg.startsWith("--") || eq < 0) {
                throw new IllegalArgumentException("arguments are --name=value, not '" + arg + "'");
            }
            given.put(arg.substring(2, eq), arg.substring(eq + 1));
        }
        Set<String> sections = Set.of(given.getOrDefault("sections", "ssh,sweep,agent").split(","));
        for (String s : sections) {
            if (!SECTIONS.contains(s)) {
                throw new IllegalArgumentException("--sections takes ssh, sweep, agent, healer, failover, api and fanout, "
                        + "comma-separated; not '" + s + "'");
            }
        }
        return new Options(sections, positive(given, "commands", 200), positive(given, "sweeps", 10),
                Path.of(given.getOrDefault("jvm-options", "jvm.options")),
                Path.of(given.getOrDefault("agent-jar", "node-agent/target/homefleet-agent.jar")),
                Path.of(given.getOrDefault("out", "bench/target/bench-results.md")),
                duration(given.getOrDefault("failover-healthy", environment.getOrDefault(ENV_FAILOVER_HEALTHY,
                        "10m")), "--failover-healthy"));
    }

    private static Duration duration(String text, String name) {
        try {
            Duration d = dev.homefleet.core.config.Durations.parse(text);
            if (!d.isZero()) {
                return d;
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage());
        }
        throw new IllegalArgumentException(name + " must be longer than 0, e.g. 10m or 30s");
    }

    private static int positive(Map<String, String> given, String name, int fallback) {
        String value = given.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("--" + name + " must be a whole number above 0, not '" + value + "'");
    }

    private static void startWatchdog(Duration limit) {
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(limit.toMillis());
                System.err.println("bench: still running after " + limit.toMinutes() + " min; stopping everything");
                System.exit(EXIT_FAILED);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "bench-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    private static String openSshVersion() {
        try {
            Process p = new ProcessBuilder("ssh", "-V").redirectErrorStream(true).start();
            String v = new String(p.getInputStream().readAllBytes()).strip();
            p.waitFor(5, TimeUnit.SECONDS);
            return v.split(",")[0];
        } catch (IOException e) {
            return "no OpenSSH client";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "OpenSSH version unknown";
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
